package io.conveyor.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.intake.ObjectIntake;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.InMemoryObjectStore;
import org.junit.jupiter.params.ParameterizedTest;

class DispatchHandlerTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final DispatchHandler handler = new DispatchHandler(new ObjectIntake(store, BucketLayout.INPUTS_PREFIX));

    @ParameterizedTest
    @Event(value = "events/dispatch/input-created.json", type = SQSEvent.class)
    void handleRequest_inputWithEncodedKey_looksUpTheDecodedKeyAndVersion(SQSEvent event) {
        // Given the input named (URL-encoded) by the sample event exists in that version
        ObjectRef ref = new ObjectRef("conveyor-123456789012-us-east-1-in", "inputs/word-count/field notes été v1+2.txt");
        store.put(new StoredObject(ref, "VgQ8x5hd2tEcxw7yk.ZSsLLn7ABcHf0q", "9b2c", 1_048_576));

        // When
        SQSBatchResponse response = handler.handleRequest(event, null);

        // Then
        assertThat(store.asked()).containsExactly("inputs/word-count/field notes été v1+2.txt@VgQ8x5hd2tEcxw7yk.ZSsLLn7ABcHf0q");
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/dispatch/batch-with-malformed.json", type = SQSEvent.class)
    void handleRequest_oneMalformedMessage_failsOnlyThatOne(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(1).getMessageId());
        assertThat(store.asked()).containsExactly(
                "inputs/csv-stats/2026/sales.csv@W3pXfGAXbVKD4JUjfe8gyDgqGNf1fMpY",
                "inputs/word-count/empty.txt@Xh4Kc2rNFJbZ0wDvQqc7H1pX2zzXb6a.");
    }
}
