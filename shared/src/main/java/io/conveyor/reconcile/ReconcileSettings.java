package io.conveyor.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * How far one pass of the reconciler looks, and how patient it is.
 *
 * @param settle       an input younger than this is left to its own notification
 * @param grace        a STARTING or RUNNING record older than this has its task looked up; a QUEUED one older
 *                     than this is sent to the jobs queue again; what a pass sent is not sent again within it
 * @param waitingGrace a job WAITING for capacity whose record has said nothing for longer than this is sent again:
 *                     while its message goes round (at most 5 minutes apart) dispatch writes that it still waits
 *                     every {@link io.conveyor.jobs.JobLifecycle#WAITING_SEEN_EVERY}, so a silence this long means
 *                     the message is lost
 * @param maxInputs    the most input keys a pass lists
 * @param maxRecords   the most records of each state a pass looks at
 */
public record ReconcileSettings(Duration settle, Duration grace, Duration waitingGrace, int maxInputs, int maxRecords) {

    /** The defaults: 10 min to settle, 15 min of grace, 30 min of silence while waiting, 1,000 keys and 500 records of each state. */
    public static final ReconcileSettings DEFAULTS = new ReconcileSettings(Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(30), 1000, 500);

    public ReconcileSettings {
        Objects.requireNonNull(settle, "settle");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(waitingGrace, "waitingGrace");
        if (settle.isNegative() || grace.isNegative() || waitingGrace.isNegative()) {
            throw new IllegalArgumentException("settle, grace and waitingGrace must not be negative");
        }
        if (maxInputs < 1 || maxInputs > 1000) {
            throw new IllegalArgumentException("maxInputs must be 1 to 1000 (one listing page), was " + maxInputs);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, was " + maxRecords);
        }
    }

    public ReconcileSettings withSettle(Duration value) {
        return new ReconcileSettings(value, grace, waitingGrace, maxInputs, maxRecords);
    }

    public ReconcileSettings withGrace(Duration value) {
        return new ReconcileSettings(settle, value, waitingGrace, maxInputs, maxRecords);
    }

    public ReconcileSettings withMaxInputs(int value) {
        return new ReconcileSettings(settle, grace, waitingGrace, value, maxRecords);
    }

    public ReconcileSettings withMaxRecords(int value) {
        return new ReconcileSettings(settle, grace, waitingGrace, maxInputs, value);
    }
}
