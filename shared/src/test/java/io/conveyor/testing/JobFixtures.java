package io.conveyor.testing;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.Transition;
import java.time.Instant;
import java.util.List;

/**
 * Records for tests, made the only way records are made: a {@link NewJob} admitted, then events
 * applied by {@link JobLifecycle}. A test can thus only start from a state the lifecycle can reach.
 */
public final class JobFixtures {

    private JobFixtures() {
    }

    /** A new job of {@code input} at {@code version}, for an algorithm revision with {@code maxAttempts}. */
    public static NewJob job(String input, String version, String algorithm, String revision, int maxAttempts) {
        return NewJob.of(new NewJob.JobInput(input, version), new NewJob.AlgorithmRevision(algorithm, revision,
                maxAttempts));
    }

    /** The job's record, QUEUED at {@code at}. */
    public static JobRecord queued(NewJob job, Instant at) {
        return JobLifecycle.admit(job, at);
    }

    /**
     * The record after the events, applied at {@code at}.
     *
     * @throws IllegalArgumentException when an event does not apply (the fixture is wrong)
     */
    public static JobRecord after(JobRecord record, Instant at, JobEvent... events) {
        Transition transition = JobLifecycle.apply(record, List.of(events), at);
        if (transition.kind() == Transition.Kind.STALE) {
            throw new IllegalArgumentException("the fixture's events do not apply to " + record.state() + ": "
                    + transition.note());
        }
        return transition.after();
    }
}
