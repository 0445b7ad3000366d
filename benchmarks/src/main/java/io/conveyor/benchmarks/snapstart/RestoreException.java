package io.conveyor.benchmarks.snapstart;

/** A resource failed after the restore. */
public final class RestoreException extends Exception {

    public RestoreException(Throwable cause) {
        super(cause);
    }
}
