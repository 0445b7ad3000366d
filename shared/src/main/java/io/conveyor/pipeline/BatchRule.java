package io.conveyor.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * When a batch of a pipeline is complete, how long it may take, and what a failed member does to a gather.
 *
 * @param completion      what says the batch is complete
 * @param quietPeriod     for {@link Completion#QUIET}: how long no new file must arrive; otherwise {@code null}
 * @param deadline        how long after its first file a batch may wait to be complete (a manifest naming a
 *                        file that never arrives ends the batch with that reason after it)
 * @param onMemberFailure what a failed job of a gathered step does to the gather
 */
public record BatchRule(Completion completion, Duration quietPeriod, Duration deadline, MemberFailure onMemberFailure) {

    /** The manifest's file name in a batch folder: the files the batch is to hold. Not an input itself. */
    public static final String MANIFEST = "_manifest.json";
    /** The marker's file name in a batch folder: the batch is complete. Not an input itself. */
    public static final String MARKER = "_COMPLETE";

    /** Whether a file of that name in a batch folder says something about the batch rather than being an input. */
    public static boolean isBatchControl(String fileName) {
        return MANIFEST.equals(fileName) || MARKER.equals(fileName);
    }

    public BatchRule {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(onMemberFailure, "onMemberFailure");
        if (completion == Completion.QUIET && quietPeriod == null) {
            throw new IllegalArgumentException("a batch complete after a quiet period needs its quietPeriod");
        }
    }

    /** What says a batch is complete. */
    public enum Completion {
        /** {@code _manifest.json} arrived and every file it lists is there (with its size or checksum when listed). */
        MANIFEST,
        /** A {@code _COMPLETE} marker arrived. */
        MARKER,
        /** No file arrived for the quiet period. */
        QUIET
    }

    /** What a failed member of a gathered step does. */
    public enum MemberFailure {
        /** The gather fails, saying which member failed and why. */
        FAIL,
        /** The gather runs over the members that succeeded; the failed ones are named in its record. */
        SKIP
    }
}
