package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobTask;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.tasks.TaskEvents;
import io.conveyor.tasks.TaskStateChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events the agent sends, against the samples AWS documents (events/task-events/), and read by
 * the very code task-events runs.
 */
class TaskStateChangeDetailTest {

    static final Instant CREATED = Instant.parse("2026-11-21T09:31:02.118Z");
    static final Instant STARTED = Instant.parse("2026-11-21T09:31:09Z");
    static final Instant STOPPED = Instant.parse("2026-11-21T09:33:41.204Z");

    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A word-count task that ran its three containers with these exit codes (null: never ran). */
    static TaskState ran(Integer stageIn, Integer algorithm, Integer stageOut, String stopCode, String reason) {
        TaskState state = WrappedTasks.state(CREATED);
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        state.containerStopped(TaskDefinitionWrapper.STAGE_IN, stageIn, null);
        if (algorithm != null) {
            state.containerRunning(TaskDefinitionWrapper.ALGORITHM, STARTED);
            state.containerStopped(TaskDefinitionWrapper.ALGORITHM, algorithm, null);
        }
        if (stageOut != null) {
            state.containerRunning(TaskDefinitionWrapper.STAGE_OUT, STARTED);
            state.containerStopped(TaskDefinitionWrapper.STAGE_OUT, stageOut, null);
        }
        state.stopping(stopCode, reason, STOPPED);
        state.stopped(STOPPED);
        return state;
    }

    static TaskStateChange parsed(TaskState state) {
        return EcsTaskEvents.parse(WrappedTasks.envelope(TaskStateChangeDetail.of(state.snapshot(), STOPPED)));
    }

    @Test
    void of_stoppedTask_hasTheFieldsOfAwssSampleInItsOrder() {
        ObjectNode detail = TaskStateChangeDetail.of(ran(0, 0, 0, "EssentialContainerExited",
                TaskExecution.ESSENTIAL_EXITED).snapshot(), STOPPED);
        JsonNode sample = WrappedTasks.fixtureDetail("task-stopped.json", 0);

        assertThat(names(detail)).containsExactlyElementsOf(names(sample));
        // The sandbox's containers reserve memory (EcsGaps' shares) rather than limit it.
        assertThat(names(detail.path("containers").get(0))).containsExactlyElementsOf(names(sample.path("containers").get(0))
                .stream().map(name -> name.equals("memory") ? "memoryReservation" : name).toList());
        assertThat(detail.path("stoppedAt").asText()).isEqualTo("2026-11-21T09:33:41.204Z");
        assertThat(detail.path("startedAt").asText()).isEqualTo("2026-11-21T09:31:09.000Z");
        assertThat(detail.path("attachments").isArray()).isTrue();
    }

    @Test
    void of_runningTask_hasTheFieldsOfAwssRunningSampleAndNoStopFields() {
        TaskState state = WrappedTasks.state(CREATED);
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        ObjectNode detail = TaskStateChangeDetail.of(state.snapshot(), STARTED);
        JsonNode sample = WrappedTasks.fixtureDetail("task-running-and-stopped.json", 0);

        assertThat(names(detail)).containsExactlyElementsOf(names(sample));
        assertThat(detail.path("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(detail.path("desiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(detail.path("containers")).extracting(c -> c.path("lastStatus").asText())
                .containsExactly("RUNNING", "PENDING", "PENDING");
    }

    @Test
    void of_succeededTask_isReadByTaskEventsAsSucceededWithEveryExitCode() {
        TaskState state = ran(0, 0, 0, "EssentialContainerExited", TaskExecution.ESSENTIAL_EXITED);

        TaskStateChange change = parsed(state);

        assertThat(change.clusterArn()).isEqualTo(WrappedTasks.CLUSTER_ARN);
        assertThat(change.taskArn()).isEqualTo(WrappedTasks.TASK_ARN);
        assertThat(change.containerInstanceArn()).isEqualTo(WrappedTasks.CONTAINER_INSTANCE_ARN);
        assertThat(JobTask.fromStartedBy(change.startedBy())).contains(new JobTask(WrappedTasks.JOB, 1));
        assertThat(change.group()).isEqualTo("family:sandbox-word-count");
        assertThat(change.startedAt()).isEqualTo("2026-11-21T09:31:09.000Z");
        assertThat(change.stoppedAt()).isEqualTo("2026-11-21T09:33:41.204Z");
        assertThat(change.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                .containsExactly("stage-in=0", "algorithm=0", "stage-out=0");
        assertThat(TaskEvents.ending(change)).isEqualTo(new JobEvent.Succeeded());
    }

    @Test
    void of_eachChange_raisesTheVersion() {
        TaskState state = WrappedTasks.state(CREATED);
        long created = state.snapshot().version();
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        long running = parsed(state).version();
        state.containerStopped(TaskDefinitionWrapper.STAGE_IN, 0, null);
        state.stopping("EssentialContainerExited", TaskExecution.ESSENTIAL_EXITED, STOPPED);
        state.stopped(STOPPED);

        assertThat(created).isLessThan(running);
        assertThat(running).isLessThan(parsed(state).version());
    }

    @Test
    void of_algorithmFailed_isReadAsItsExitCode() {
        JobEvent.Ending ending = TaskEvents.ending(parsed(ran(0, 2, 0, "EssentialContainerExited",
                TaskExecution.ESSENTIAL_EXITED)));

        assertThat(ending).isInstanceOfSatisfying(JobEvent.ExitCode.class, e -> assertThat(e.code()).isEqualTo(2));
    }

    @Test
    void of_stageInFailed_isReadAsAStageFailure() {
        JobEvent.Ending ending = TaskEvents.ending(parsed(ran(1, null, 65, "EssentialContainerExited",
                TaskExecution.ESSENTIAL_EXITED)));

        assertThat(ending).isInstanceOfSatisfying(JobEvent.StageFailed.class,
                e -> assertThat(e.reason()).startsWith("stage-in failed (exit code 1"));
    }

    @Test
    void of_hostGone_isReadAsTheInstanceLost() {
        TaskStateChange change = parsed(ran(0, 137, null, null, EcsAgent.hostReason("i-0abc1234def567890")));

        assertThat(change.stoppedReason()).isEqualTo("Host EC2 (instance i-0abc1234def567890) stopped/terminated.");
        assertThat(change.stopCode()).isNull();
        assertThat(TaskEvents.ending(change)).isInstanceOf(JobEvent.InstanceLost.class);
    }

    @Test
    void of_stoppedForItsTimeout_isReadAsTimedOut() {
        TaskStateChange change = parsed(ran(0, 143, null, "UserInitiated", JobTask.timeoutReason(600)));

        assertThat(change.stopCode()).isEqualTo("UserInitiated");
        assertThat(TaskEvents.ending(change)).isEqualTo(new JobEvent.TimedOut(600, null));
    }

    @Test
    void of_containerThatCouldNotStart_isReadAsAFailedStartWithItsReason() {
        TaskState state = WrappedTasks.state(CREATED);
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        state.containerStopped(TaskDefinitionWrapper.STAGE_IN, 0, null);
        state.containerRunning(TaskDefinitionWrapper.ALGORITHM, STARTED);
        state.containerStopped(TaskDefinitionWrapper.ALGORITHM, null, "CannotStartContainerError: no such file");
        state.stopping("TaskFailedToStart", "CannotStartContainerError: no such file", STOPPED);
        state.stopped(STOPPED);

        JobEvent.Ending ending = TaskEvents.ending(parsed(state));

        assertThat(ending).isInstanceOfSatisfying(JobEvent.StageFailed.class, e -> assertThat(e.reason())
                .startsWith("the task failed to start (TaskFailedToStart:")
                .contains("algorithm: CannotStartContainerError: no such file"));
    }
}
