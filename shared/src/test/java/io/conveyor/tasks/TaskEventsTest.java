package io.conveyor.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an attempt ended, read from ECS's words: a stop by a user after the algorithm's success is still
 * a success; the reasons ECS gives per container reach the record.
 */
class TaskEventsTest {

    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";

    @Test
    void ending_stoppedByAUserAfterTheAlgorithmSucceeded_isASuccess() {
        JobEvent.Ending ending = TaskEvents.ending(stopped("UserInitiated", "Task stopped by user",
                container(TaskDefinitionWrapper.STAGE_IN, 0, null), container(TaskDefinitionWrapper.ALGORITHM, 0, null),
                container(TaskDefinitionWrapper.STAGE_OUT, 0, null)));

        assertThat(ending).isEqualTo(new JobEvent.Succeeded());
    }

    @Test
    void ending_stoppedByAUserBeforeTheAlgorithmEnded_isStoppedByHand() {
        JobEvent.Ending ending = TaskEvents.ending(stopped("UserInitiated", "Task stopped by user",
                container(TaskDefinitionWrapper.STAGE_IN, 0, null), container(TaskDefinitionWrapper.ALGORITHM, null, null)));

        assertThat(ending).isEqualTo(new JobEvent.StoppedByHand("stopped outside Conveyor: Task stopped by user", null));
    }

    @Test
    void ending_algorithmFailingWithAContainerReason_keepsItAsTheDetail() {
        JobEvent.Ending oom = TaskEvents.ending(stopped("EssentialContainerExited", "Essential container in task exited",
                container(TaskDefinitionWrapper.STAGE_IN, 0, null),
                container(TaskDefinitionWrapper.ALGORITHM, 137, "OutOfMemoryError: Container killed due to memory usage")));
        JobEvent.Ending blank = TaskEvents.ending(stopped("EssentialContainerExited", "Essential container in task exited",
                container(TaskDefinitionWrapper.STAGE_IN, 0, null), container(TaskDefinitionWrapper.ALGORITHM, 2, " ")));

        assertThat(oom).isEqualTo(new JobEvent.ExitCode(137, "OutOfMemoryError: Container killed due to memory usage",
                null));
        assertThat(blank).isEqualTo(new JobEvent.ExitCode(2, null, null));
    }

    @Test
    void ending_stageContainerFailingWithAReason_namesIt() {
        JobEvent.Ending stageIn = TaskEvents.ending(stopped("EssentialContainerExited", "Essential container in task exited",
                container(TaskDefinitionWrapper.STAGE_IN, 1, "AccessDenied on s3://conveyor-in/inputs/wc/a.txt")));
        JobEvent.Ending stageOut = TaskEvents.ending(stopped("EssentialContainerExited", "Essential container in task exited",
                container(TaskDefinitionWrapper.STAGE_IN, 0, null), container(TaskDefinitionWrapper.ALGORITHM, 0, null),
                container(TaskDefinitionWrapper.STAGE_OUT, 1, "")));

        assertThat(stageIn).isEqualTo(new JobEvent.StageFailed("stage-in failed (exit code 1, AccessDenied on"
                + " s3://conveyor-in/inputs/wc/a.txt): the input could not be downloaded", null));
        assertThat(stageOut).isEqualTo(new JobEvent.StageFailed("the algorithm succeeded but stage-out failed (exit code"
                + " 1): the output was not (fully) uploaded", 0));
    }

    static ContainerState container(String name, Integer exitCode, String reason) {
        return new ContainerState(name, exitCode == null ? "RUNNING" : "STOPPED", exitCode, reason);
    }

    static TaskStateChange stopped(String stopCode, String reason, ContainerState... containers) {
        return new TaskStateChange("e", CLUSTER, "arn:task/1", null, null, "STOPPED", "STOPPED", null, null, 7, stopCode,
                reason, List.of(containers), null, null);
    }
}
