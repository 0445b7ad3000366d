package io.conveyor.functions.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.intake.ObjectIntake;
import io.conveyor.storage.BucketLayout;
import io.conveyor.testing.InMemoryObjectStore;
import org.junit.jupiter.params.ParameterizedTest;

class RegisterAlgorithmHandlerTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final RegisterAlgorithmHandler handler =
            new RegisterAlgorithmHandler(new ObjectIntake(store, BucketLayout.ALGORITHMS_PREFIX));

    @ParameterizedTest
    @Event(value = "events/register-algorithm/descriptor-created.json", type = SQSEvent.class)
    void handleRequest_descriptorCreated_looksUpThatVersion(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(store.asked()).containsExactly("algorithms/word-count.json@3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/descriptor-removed.json", type = SQSEvent.class)
    void handleRequest_descriptorRemoved_doesNotLookItUp(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(store.asked()).isEmpty();
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/s3-test-event.json", type = SQSEvent.class)
    void handleRequest_s3TestEvent_isConsumedQuietly(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(store.asked()).isEmpty();
        assertThat(response.getBatchItemFailures()).isEmpty();
    }
}
