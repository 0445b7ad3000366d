package io.conveyor.jobs;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job stands. Terminal states never change again.
 */
public enum JobState {
    QUEUED, WAITING_FOR_CAPACITY, STARTING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** Whether the job is over. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The states a job may move to from this one (back to QUEUED for a retry or a resumed run). */
    public Set<JobState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(WAITING_FOR_CAPACITY, STARTING, FAILED, CANCELLED);
            case WAITING_FOR_CAPACITY -> EnumSet.of(STARTING, QUEUED, FAILED, CANCELLED);
            case STARTING -> EnumSet.of(RUNNING, QUEUED, WAITING_FOR_CAPACITY, FAILED, CANCELLED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(JobState.class);
        };
    }

    /** Whether a job may move from this state to {@code other}. */
    public boolean canMoveTo(JobState other) {
        return next().contains(other);
    }
}
