package io.conveyor.functions.taskevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.config.Environment;
import io.conveyor.config.MissingConfigurationException;
import io.conveyor.tasks.TaskTracker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class TaskEventsHandlerTest {

    private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";

    @ParameterizedTest
    @Event(value = "events/task-events/task-running-and-stopped.json", type = SQSEvent.class)
    void handleRequest_stateChangesOfTheCluster_areAllTaken(SQSEvent event) {
        SQSBatchResponse response = new TaskEventsHandler(new TaskTracker(CLUSTER)).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/task-events/task-stopped.json", type = SQSEvent.class)
    void handleRequest_bodyNotAnEcsEvent_failsThatMessage(SQSEvent event) {
        event.getRecords().get(0).setBody("{\"detail-type\":\"Scheduled Event\",\"id\":\"x\"}");

        SQSBatchResponse response = new TaskEventsHandler(new TaskTracker(CLUSTER)).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
    }

    @Test
    void new_withoutClusterArn_failsAtInitNamingIt() {
        assertThatThrownBy(() -> new TaskEventsHandler(Environment.of(Map.of())))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("CLUSTER_ARN");
    }
}
