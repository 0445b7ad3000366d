package io.conveyor.benchmarks.snapstart;

/** A resource failed before the snapshot. */
public final class CheckpointException extends Exception {

    public CheckpointException(Throwable cause) {
        super(cause);
    }
}
