package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.TaskRun;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dispatch and {@code retry --same-image}: a pinned job runs on its pinned task definition though the
 * algorithm's revision moved on, and only when that task definition is of the algorithm's own family.
 */
class DispatchPinnedJobsTest {

    static final String SMALL = """
            {"name": "small", "image": "busybox:1.36", "command": ["run"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 1}""";
    static final String DIGEST = "sha256:" + "c".repeat(64);

    final DispatchFixture rig = new DispatchFixture();

    JobOperations operations(String pinnedArn) {
        return new JobOperations(rig.jobs, ids -> { }, (attempt, task, reason) -> 0, rig.registry,
                (taskDefinitionArn, container, digest, jobId) -> pinnedArn, Clock.fixed(rig.now, ZoneOffset.UTC));
    }

    @Test
    void dispatch_jobPinnedAfterItsAlgorithmChanged_startsOnThePinnedTaskDefinitionAndKeepsItsRevision() {
        // Given a job that ran a digest of the first revision and failed; then the algorithm was registered again
        JobRecord failed = failedJobThatRanADigest();
        rig.registry.register(SMALL.replace("busybox:1.36", "busybox:1.37"));

        // When it is retried on the same image and its message comes
        JobOperations.Outcome retried = operations("arn:td/small:7").retry(failed.id(),
                new JobOperations.RetryOptions("bob", false, true));
        rig.dispatch(jobMessage("m2", failed.id()));

        // Then attempt 2 starts on the pinned task definition, on the job's own revision
        assertThat(retried.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(rig.launcher.started).hasSize(2);
        assertThat(rig.launcher.started.get(1).attempt()).isEqualTo(2);
        assertThat(rig.launcher.started.get(1).taskDefinitionArn()).isEqualTo("arn:td/small:7");
        JobRecord after = rig.jobs.get(failed.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.STARTING);
        assertThat(after.revision()).isEqualTo(failed.revision());
    }

    @Test
    void dispatch_jobPinnedToAnotherFamily_isRejectedAndNothingStarts() {
        // Given a failed job whose record names another family's task definition (e.g. edited by hand)
        JobRecord failed = failedJobThatRanADigest();
        operations("arn:td/small-evil:3").retry(failed.id(), new JobOperations.RetryOptions("mallory", false, true));

        // When its message comes
        rig.dispatch(jobMessage("m2", failed.id()));

        // Then nothing starts, and the record says why
        assertThat(rig.launcher.started).hasSize(1);
        JobRecord after = rig.jobs.get(failed.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.FAILED);
        assertThat(after.reason()).contains("'arn:td/small-evil:3', which is not a revision of the family of "
                + "algorithm 'small' (arn:td/small:<revision>)");
    }

    @Test
    void dispatch_pinnedJobOfARetiredAlgorithm_isRejected() {
        // Given a pinned job, then its algorithm retired
        JobRecord failed = failedJobThatRanADigest();
        operations("arn:td/small:7").retry(failed.id(), new JobOperations.RetryOptions("bob", false, true));
        rig.registry.retire("small", SMALL);

        rig.dispatch(jobMessage("m2", failed.id()));

        assertThat(rig.launcher.started).hasSize(1);
        assertThat(rig.jobs.get(failed.id()).orElseThrow().reason()).contains("algorithm 'small' was retired");
    }

    /** A job of {@code small} whose attempt 1 started, reported its digest and task definition, then failed. */
    JobRecord failedJobThatRanADigest() {
        rig.registry.register(SMALL);
        rig.instance("ci-1", 4096, 8192);
        rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5)));
        JobRecord started = rig.record("a.txt");
        TaskRun ran = new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/t1", 3, "RUNNING", null, null, null, null, null,
                null, Map.of("algorithm", DIGEST), "arn:td/small:1");
        JobRecord failed = JobFixtures.after(started, rig.now, JobEvent.TaskRunning.onEcs(ran),
                new JobEvent.Abandoned("broke"));
        rig.jobs.overwrite(failed);
        assertThat(rig.launcher.started).extracting(TaskStart::taskDefinitionArn).isEqualTo(List.of("arn:td/small:1"));
        return failed;
    }
}
