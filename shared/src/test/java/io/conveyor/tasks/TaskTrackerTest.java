package io.conveyor.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTrackerTest {

    private static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";

    private static TaskStateChange change(String cluster) {
        return new TaskStateChange("e-1", cluster, "arn:aws:ecs:us-east-1:123456789012:task/conveyor/1", null, null,
                "STOPPED", "STOPPED", "job-1", null, 6, "EssentialContainerExited", "done",
                List.of(new ContainerState("algorithm", "STOPPED", 0, null)));
    }

    @Test
    void track_taskOfTheCluster_isTracked() {
        assertThat(new TaskTracker(CLUSTER).track(change(CLUSTER))).isEqualTo(TaskTracker.Outcome.TRACKED);
    }

    @Test
    void track_taskOfAnotherCluster_isIgnored() {
        assertThat(new TaskTracker(CLUSTER).track(change("arn:aws:ecs:us-east-1:123456789012:cluster/other")))
                .isEqualTo(TaskTracker.Outcome.OTHER_CLUSTER);
    }
}
