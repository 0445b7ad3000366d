package io.conveyor.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job stands. A terminal state changes only when somebody asks for a finished job to run
 * again ({@link JobEvent.RetryRequested}; a succeeded one only when the retry is forced).
 */
public enum JobState {
    QUEUED, WAITING_FOR_CAPACITY, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the job is over. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /**
     * The states a job may move to from this one: back to QUEUED for a retry, a refused or lost
     * start, an interruption or a resumed run; STARTING straight to SUCCEEDED when its RUNNING was
     * never seen.
     */
    public Set<JobState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(WAITING_FOR_CAPACITY, STARTING, FAILED, CANCELLED);
            case WAITING_FOR_CAPACITY -> EnumSet.of(STARTING, FAILED, CANCELLED);
            case STARTING -> EnumSet.of(RUNNING, SUCCEEDED, QUEUED, FAILED, CANCELLED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.of(QUEUED);
        };
    }

    /** Whether a job may move from this state to {@code other}. */
    public boolean canMoveTo(JobState other) {
        return next().contains(other);
    }
}
