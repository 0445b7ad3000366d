package io.conveyor.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.dispatch.TaskLauncher;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.jobs.JobRecord;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The handler on AWS-shaped sample events (events/dispatch), with in-memory collaborators.
 */
class DispatchHandlerTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final List<String> deadLetters = new java.util.ArrayList<>();
    private boolean deadLetterQueueAnswers = true;

    private DispatchHandler handler() {
        TaskLauncher none = new TaskLauncher() {
            @Override
            public List<TaskStart.Result> start(List<TaskStart> starts) {
                throw new AssertionError("nothing should start: no algorithm is registered");
            }

            @Override
            public boolean anyTaskStartedBy(String startedBy) {
                return false;
            }
        };
        Dispatcher dispatcher = Dispatcher.builder().registry(new ObjectStoreRegistry(store, "out")).inputs(store)
                .jobs(jobs).cluster(List::of).launcher(none).capacity(need -> {
                    throw new AssertionError("no job should wait for capacity: " + need);
                }).outputBucket("out").startGrace(Duration.ofMinutes(1))
                .clock(Clock.systemUTC()).build();
        // No message waits in these tests.
        return new DispatchHandler(dispatcher, delays -> {
                    throw new AssertionError("no message should wait: " + delays);
                },
                (body, messageId, reason) -> {
                    if (!deadLetterQueueAnswers) {
                        throw new IllegalStateException("the DLQ does not answer");
                    }
                    deadLetters.add(messageId + ": " + reason);
                });
    }

    @ParameterizedTest
    @Event(value = "events/dispatch/input-created.json", type = SQSEvent.class)
    void handleRequest_inputOfAnUnregisteredAlgorithm_recordsTheRejectionUnderTheDecodedKeyAndVersion(SQSEvent event) {
        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(jobs.all()).singleElement().satisfies(job -> {
            assertThat(job.input()).isEqualTo("s3://conveyor-123456789012-us-east-1-in/inputs/word-count/field notes été v1+2.txt");
            assertThat(job.inputVersion()).isEqualTo("VgQ8x5hd2tEcxw7yk.ZSsLLn7ABcHf0q");
            assertThat(job.reason()).startsWith("rejected: unknown algorithm 'word-count'");
        });
    }

    @ParameterizedTest
    @Event(value = "events/dispatch/batch-with-malformed.json", type = SQSEvent.class)
    void handleRequest_oneMalformedMessage_sendsOnlyThatOneToTheDeadLetterQueueWithItsReason(SQSEvent event) {
        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).containsExactly(event.getRecords().get(1).getMessageId()
                + ": Records[0].s3.object.key: missing");
        assertThat(jobs.all()).extracting(JobRecord::input).containsExactlyInAnyOrder(
                "s3://conveyor-123456789012-us-east-1-in/inputs/csv-stats/2026/sales.csv",
                "s3://conveyor-123456789012-us-east-1-in/inputs/word-count/empty.txt");
    }

    @ParameterizedTest
    @Event(value = "events/dispatch/batch-with-malformed.json", type = SQSEvent.class)
    void handleRequest_malformedMessageAndNoDeadLetterQueue_returnsItToTheQueue(SQSEvent event) {
        deadLetterQueueAnswers = false;

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(1).getMessageId());
    }
}
