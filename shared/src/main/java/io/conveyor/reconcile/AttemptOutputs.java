package io.conveyor.reconcile;

import java.time.Instant;

/**
 * Whether an attempt left outputs: stage-out uploads the output folder once the algorithm completed, so an
 * object under the job's output location written since the attempt started says the algorithm ran to its end.
 */
public interface AttemptOutputs {

    /** Whether an object under {@code outputLocation} (an S3 URI prefix) was written at or after {@code since}. */
    boolean writtenSince(String outputLocation, Instant since);
}
