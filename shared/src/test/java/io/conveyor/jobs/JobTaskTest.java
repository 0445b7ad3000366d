package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobTaskTest {

    static final String JOB = JobId.of("s3://in/inputs/a/x.txt", "v1", "a", "r1");

    @Test
    void startedByNamesJobAndAttemptWithinEcsLimit() {
        JobTask task = new JobTask(JOB, 9_999_999);
        assertThat(task.startedBy()).hasSizeLessThanOrEqualTo(JobTask.MAX_STARTED_BY).startsWith(JOB + "-");
        assertThat(task.startedBy()).matches("[A-Za-z0-9_/-]+");
        assertThat(JobTask.fromStartedBy(task.startedBy())).contains(task);
        assertThat(JobTask.fromStartedBy(new JobTask(JOB, 3).startedBy())).contains(new JobTask(JOB, 3));
    }

    @Test
    void tasksConveyorDidNotStartAreNotJobs() {
        assertThat(JobTask.fromStartedBy(null)).isEmpty();
        assertThat(JobTask.fromStartedBy(JOB)).as("the format before attempts were named").isEmpty();
        assertThat(JobTask.fromStartedBy("ecs-svc/123456")).isEmpty();
        assertThat(JobTask.fromStartedBy(JOB + "-0")).isEmpty();
        assertThat(JobTask.fromStartedBy(JOB + "-1x")).isEmpty();
        assertThatThrownBy(() -> new JobTask("job-1", 1)).hasMessageContaining("not a job id");
        assertThatThrownBy(() -> new JobTask(JOB, 0)).hasMessageContaining("attempt");
    }

    @Test
    void timeoutReasonIsRecognisedAndFitsEcs() {
        String reason = JobTask.timeoutReason(86_400);
        assertThat(reason).isEqualTo("Conveyor: timed out after 86400 s (timeoutSeconds)").hasSizeLessThan(255);
        assertThat(JobTask.isTimeout(reason)).isTrue();
        assertThat(JobTask.isTimeout("Essential container in task exited")).isFalse();
        assertThat(JobTask.isTimeout(null)).isFalse();
    }
}
