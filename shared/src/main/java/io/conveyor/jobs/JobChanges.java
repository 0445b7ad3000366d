package io.conveyor.jobs;

import java.time.Instant;

/**
 * Told of every record {@link JobUpdates} wrote: the one place where what a job's change means to the world
 * outside (metrics, job events) is derived. Told only after a write succeeded, so a replayed event, which
 * finds the record moved and writes nothing, is told nothing twice.
 */
@FunctionalInterface
public interface JobChanges {

    /** Tells nobody. */
    JobChanges NONE = (before, after, at) -> { };

    /**
     * A record was written.
     *
     * @param before the record as read, or {@code null} when {@code after} was created
     * @param after  the record as written
     * @param at     when it was written (the drivers' clock)
     */
    void written(JobRecord before, JobRecord after, Instant at);
}
