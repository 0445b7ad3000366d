package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobSummary;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Dispatch and the job commands together: a cancelled job is never started, even when the cancel
 * lands between dispatch's read and its write; a retried job starts on the revision the retry gave it.
 */
class DispatchOperatedJobsTest {

    static final String SMALL = """
            {"name": "small", "image": "busybox:1.36", "command": ["run"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 1}""";

    final DispatchFixture rig = new DispatchFixture();
    final List<List<String>> queued = new ArrayList<>();

    JobOperations operations() {
        return new JobOperations(rig.jobs, ids -> queued.add(List.copyOf(ids)), (attempt, task, reason) -> 0,
                rig.registry, Clock.fixed(rig.now, ZoneOffset.UTC));
    }

    @Test
    void dispatch_messageNamingACancelledJob_startsNothing() {
        // Given a job that waited for capacity, then was cancelled
        JobRecord job = waitingJob();
        assertThat(operations().cancel(job.id(), "alice", null).kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        rig.instance("ci-1", 4096, 8192);

        // When its queue message comes back with room for it
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(jobMessage("m2", job.id()));

        // Then nothing starts and the record stays CANCELLED
        assertThat(verdicts).containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).isEmpty();
        assertThat(rig.jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void dispatch_cancelLandsBetweenItsReadAndItsWrite_startsNothing() {
        // Given a waiting job, room for it, and a cancel that lands after dispatch read the record
        JobRecord job = waitingJob();
        rig.instance("ci-1", 4096, 8192);
        rig.store = cancellingBeforeFirstReplace(job.id());

        // When dispatch places it
        rig.dispatch(jobMessage("m2", job.id()));

        // Then its conditional write lost to the cancel, and nothing started
        assertThat(rig.launcher.started).isEmpty();
        JobRecord after = rig.jobs.get(job.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.CANCELLED);
        assertThat(after.reason()).isEqualTo("cancelled by alice");
    }

    @Test
    void dispatch_jobRetriedAfterItsAlgorithmChanged_startsOnTheNewRevision() {
        // Given a failed job of the first revision, and the algorithm registered again since
        rig.registry.register(SMALL);
        rig.instance("ci-1", 4096, 8192);
        rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5)));
        JobRecord started = rig.record("a.txt");
        rig.jobs.overwrite(JobFixtures.after(started, rig.now, new JobEvent.Abandoned("broke")));
        String current = rig.registry.register(SMALL.replace("\"retries\": 1", "\"retries\": 0"));

        // When it is retried and its message comes
        JobOperations.Outcome retried = operations().retry(started.id(), new JobOperations.RetryOptions("bob", false));
        rig.dispatch(jobMessage("m2", started.id()));

        // Then dispatch admits it on the new revision and starts attempt 2
        assertThat(retried.revisionChanged()).isTrue();
        assertThat(queued).containsExactly(List.of(started.id()));
        assertThat(rig.launcher.started).hasSize(2);
        assertThat(rig.launcher.started.get(1).attempt()).isEqualTo(2);
        JobRecord after = rig.jobs.get(started.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.STARTING);
        assertThat(after.revision()).isEqualTo(current);
    }

    /** A job of {@code small} that found no room: WAITING_FOR_CAPACITY. */
    JobRecord waitingJob() {
        rig.registry.register(SMALL);
        rig.leaseTaken = true;
        rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5)));
        rig.leaseTaken = false;
        JobRecord job = rig.record("a.txt");
        assertThat(job.state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        return job;
    }

    /** The job store, but the first conditional replace of {@code jobId} finds alice's cancel written just before. */
    JobStore cancellingBeforeFirstReplace(String jobId) {
        return new JobStore() {
            boolean cancelled;

            @Override
            public Optional<JobRecord> get(String id) {
                return rig.jobs.get(id);
            }

            @Override
            public Optional<Versioned> read(String id) {
                return rig.jobs.read(id);
            }

            @Override
            public boolean create(JobRecord record) {
                return rig.jobs.create(record);
            }

            @Override
            public boolean replace(JobRecord record, String version) {
                if (!cancelled && record.id().equals(jobId)) {
                    cancelled = true;
                    operations().cancel(jobId, "alice", null);
                }
                return rig.jobs.replace(record, version);
            }

            @Override
            public List<JobRecord> all() {
                return rig.jobs.all();
            }

            @Override
            public List<JobSummary> list(JobQuery query) {
                return rig.jobs.list(query);
            }
        };
    }
}
