package io.conveyor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskStateChange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EcsTaskEventsTest {

    /** The body of the first SQS record of a sample event under events/. */
    static String sampleBody(String file, int record) throws Exception {
        JsonNode event = Json.mapper().readTree(Path.of("..", "events", file).toFile());
        return event.path("Records").get(record).path("body").asText();
    }

    @Test
    void parse_stoppedTaskSample_readsStatusStopCodeAndEveryExitCode() throws Exception {
        // Given the sample ECS Task State Change (EventBridge → SQS) under events/
        String body = sampleBody("task-events/task-stopped.json", 0);

        // When
        TaskStateChange change = EcsTaskEvents.parse(body);

        // Then
        assertThat(change.lastStatus()).isEqualTo("STOPPED");
        assertThat(change.desiredStatus()).isEqualTo("STOPPED");
        assertThat(change.stopCode()).isEqualTo("EssentialContainerExited");
        assertThat(change.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(change.version()).isEqualTo(6);
        assertThat(change.startedBy()).isEqualTo("job-5d0c2b5d0f8a4a1c9e7b3f21-1");
        assertThat(change.clusterArn()).endsWith(":cluster/conveyor");
        assertThat(change.containerInstanceArn()).contains(":container-instance/conveyor/");
        assertThat(change.containers()).extracting(ContainerState::name, ContainerState::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stage-in", 0),
                        org.assertj.core.groups.Tuple.tuple("algorithm", 0),
                        org.assertj.core.groups.Tuple.tuple("stage-out", 0));
    }

    @Test
    void parse_stoppedTaskSample_readsTheImageDigestThatRanPerContainer() throws Exception {
        // Given the sample stopped task, whose containers carry the digests ECS pulled
        String body = sampleBody("task-events/task-stopped.json", 0);

        // When
        TaskStateChange change = EcsTaskEvents.parse(body);

        // Then each container's digest is read, and the attempt's run keeps them by container
        assertThat(change.container("algorithm").orElseThrow().imageDigest())
                .isEqualTo("sha256:9b2e7c1d4a6f8e0b3c5d7f9a1b3c5e7d9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c");
        assertThat(io.conveyor.tasks.TaskEvents.run(1, change).imageDigests()).containsOnlyKeys("stage-in", "algorithm",
                "stage-out").containsEntry("algorithm", "sha256:9b2e7c1d4a6f8e0b3c5d7f9a1b3c5e7d9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c");
    }

    @Test
    void run_stoppedTaskSample_keepsTheTaskDefinitionTheAttemptRan() throws Exception {
        // Given the sample stopped task, run from revision 3 of the stack's word-count family
        TaskStateChange change = EcsTaskEvents.parse(sampleBody("task-events/task-stopped.json", 0));

        // When the attempt's run is made of it
        io.conveyor.jobs.TaskRun run = io.conveyor.tasks.TaskEvents.run(1, change);

        // Then it keeps that revision (what retry --same-image pins)
        assertThat(run.taskDefinitionArn())
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/conveyor-word-count:3");
    }

    @Test
    void parse_taskWithoutDigests_keepsNone() throws Exception {
        // Given a running task whose images' digests ECS has not reported
        TaskStateChange change = EcsTaskEvents.parse(sampleBody("task-events/task-running-and-stopped.json", 0));

        // When / Then
        assertThat(io.conveyor.tasks.TaskEvents.run(1, change).imageDigests()).isEmpty();
    }

    @Test
    void parse_runningTask_leavesExitCodesOfRunningContainersEmpty() throws Exception {
        TaskStateChange change = EcsTaskEvents.parse(sampleBody("task-events/task-running-and-stopped.json", 0));

        assertThat(change.lastStatus()).isEqualTo("RUNNING");
        assertThat(change.containers()).extracting(ContainerState::exitCode).containsExactly(0, null, null);
    }

    @Test
    void parse_otherDetailType_namesIt() {
        String body = "{\"id\":\"1\",\"detail-type\":\"ECS Container Instance State Change\",\"detail\":{}}";

        assertThatThrownBy(() -> EcsTaskEvents.parse(body)).isInstanceOf(MalformedEventException.class)
                .hasMessage("detail-type: expected 'ECS Task State Change', was 'ECS Container Instance State Change'");
    }

    @Test
    void parse_missingVersion_isMalformed() {
        String body = "{\"id\":\"1\",\"detail-type\":\"ECS Task State Change\",\"detail\":{\"clusterArn\":\"c\","
                + "\"taskArn\":\"t\",\"lastStatus\":\"RUNNING\"}}";

        assertThatThrownBy(() -> EcsTaskEvents.parse(body)).hasMessage("detail.version: missing");
    }

    @Test
    void parse_exitCodeNotANumber_namesTheContainerField() {
        String body = "{\"id\":\"1\",\"detail-type\":\"ECS Task State Change\",\"detail\":{\"clusterArn\":\"c\","
                + "\"taskArn\":\"t\",\"lastStatus\":\"STOPPED\",\"version\":2,"
                + "\"containers\":[{\"name\":\"algorithm\",\"exitCode\":\"one\"}]}}";

        assertThatThrownBy(() -> EcsTaskEvents.parse(body))
                .hasMessageStartingWith("detail.containers[0].exitCode: expected a whole number");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "[{\"name\":\"algorithm\",\"exitCode\":4294967296}] | detail.containers[0].exitCode: 4294967296 is beyond any exit code",
            "{\"name\":\"algorithm\"}                            | detail.containers: expected an array, was object",
            "[1]                                                 | detail.containers[0]: expected an object, was number"})
    void parse_containersTheFuzzerBroke_areMalformedNamingTheField(String containers, String message) {
        // Given containers that threw ArithmeticException or NullPointerException before
        String body = "{\"id\":\"1\",\"detail-type\":\"ECS Task State Change\",\"detail\":{\"clusterArn\":\"c\","
                + "\"taskArn\":\"t\",\"lastStatus\":\"STOPPED\",\"version\":2,\"containers\":" + containers + "}}";

        // Then
        assertThatThrownBy(() -> EcsTaskEvents.parse(body)).isInstanceOf(MalformedEventException.class).hasMessage(message);
    }
}
