package io.conveyor.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.events.MalformedEventException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqsBatchTest {

    private static SQSEvent batch(String... bodies) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("m" + i);
            message.setBody(bodies[i]);
            messages.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    @Test
    void process_someMessagesFail_reportsExactlyThoseAndHandlesTheRest() {
        List<String> handled = new ArrayList<>();

        SQSBatchResponse response = SqsBatch.process(batch("ok-1", "malformed", "boom", "ok-2"), body -> {
            switch (body) {
                case "malformed" -> throw new MalformedEventException("Records: missing");
                case "boom" -> throw new IllegalStateException("S3 unavailable");
                default -> handled.add(body);
            }
        });

        assertThat(handled).containsExactly("ok-1", "ok-2");
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m1", "m2");
    }

    @Test
    void process_emptyEvent_reportsNoFailure() {
        assertThat(SqsBatch.process(new SQSEvent(), body -> {
            throw new AssertionError("no message to handle");
        }).getBatchItemFailures()).isEmpty();
    }
}
