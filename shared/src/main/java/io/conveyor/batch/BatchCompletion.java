package io.conveyor.batch;

import io.conveyor.batch.BatchRecord.State;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.BatchRule.Completion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When an OPEN batch becomes COMPLETE or FAILED, by its pipeline's {@link BatchRule}.
 *
 * <p>Complete: by {@code MANIFEST}, once the manifest and every file it lists (with the size and SHA-256 it
 * lists) are there; by {@code MARKER}, once the marker is there; by {@code QUIET}, once no file arrived for
 * the quiet period. Under every rule a manifest, when one was uploaded, must be satisfied too. The batch
 * ends at an instant of its uploads (the last of those that completed it; for a quiet period, the last
 * arrival plus the period), so any order of events records the same one. Failed: when the deadline (after
 * its first arrival) passes first; the reason says what was missing. A malformed manifest is waited on
 * (a corrected one may follow) until the deadline, and is then the reason.
 */
final class BatchCompletion {

    /** How many missing names a reason lists before it counts the rest. */
    private static final int NAMES_SHOWN = 10;

    private BatchCompletion() {
    }

    static void settle(BatchRecord.Builder batch, BatchRule rule, Instant now, List<BatchDecision> decisions) {
        if (batch.state != State.OPEN || batch.firstArrivalAt == null) {
            return;
        }
        Instant deadline = Instant.parse(batch.firstArrivalAt).plus(rule.deadline());
        Readiness readiness = readiness(batch, rule, now);
        if (readiness.at() != null && !readiness.at().isAfter(deadline)) {
            batch.state = State.COMPLETE;
            batch.endedAt = readiness.at().toString();
            decisions.add(new BatchDecision.Completed(List.copyOf(batch.files.keySet())));
        } else if (!now.isBefore(deadline)) {
            batch.state = State.FAILED;
            batch.endedAt = deadline.toString();
            batch.reason = (readiness.at() != null ? "it was complete only after its deadline (" + rule.deadline()
                    + " after its first file)" : readiness.missing()) + "; deadline " + deadline;
            decisions.add(new BatchDecision.Failed(batch.reason));
        }
    }

    /** When to look again at an OPEN batch: its quiet period's end (when still to come) or its deadline. */
    static Optional<Instant> nextLook(BatchRecord record, BatchRule rule, Instant now) {
        if (record.firstArrivalAt() == null) {
            return Optional.empty();
        }
        Instant deadline = Instant.parse(record.firstArrivalAt()).plus(rule.deadline());
        if (rule.completion() == Completion.QUIET) {
            Instant quiet = Instant.parse(record.lastArrivalAt()).plus(rule.quietPeriod());
            if (quiet.isAfter(now) && quiet.isBefore(deadline)) {
                return Optional.of(quiet);
            }
        }
        return Optional.of(deadline);
    }

    /** When the batch became complete (an upload's instant), or what it still lacks. */
    private record Readiness(Instant at, String missing) {
    }

    private static Readiness readiness(BatchRecord.Builder batch, BatchRule rule, Instant now) {
        Instant at;
        switch (rule.completion()) {
            case MANIFEST -> {
                if (batch.manifest == null) {
                    return new Readiness(null, "no " + BatchRule.MANIFEST + " arrived");
                }
                at = Instant.parse(batch.manifest.arrivedAt());
            }
            case MARKER -> {
                if (batch.markerAt == null) {
                    return new Readiness(null, "no " + BatchRule.MARKER + " marker arrived");
                }
                at = Instant.parse(batch.markerAt);
            }
            case QUIET -> {
                at = Instant.parse(batch.lastArrivalAt).plus(rule.quietPeriod());
                if (now.isBefore(at)) {
                    return new Readiness(null, "files kept arriving: no quiet period of " + rule.quietPeriod());
                }
            }
            default -> throw new IllegalStateException("unknown completion " + rule.completion());
        }
        if (batch.manifest == null) {
            return new Readiness(at, null);
        }
        if (batch.manifest.problem() != null) {
            return new Readiness(null, batch.manifest.problem());
        }
        Instant manifestAt = Instant.parse(batch.manifest.arrivedAt());
        at = at.isAfter(manifestAt) ? at : manifestAt;
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (BatchManifest.Expected expected : batch.manifest.manifest().files()) {
            BatchFile file = batch.files.get(expected.name());
            if (file == null) {
                missing.add(expected.name());
                continue;
            }
            String mismatch = expected.mismatch(file);
            if (mismatch != null) {
                mismatched.add(mismatch);
            } else if (file.arrival().isAfter(at)) {
                at = file.arrival();
            }
        }
        if (missing.isEmpty() && mismatched.isEmpty()) {
            return new Readiness(at, null);
        }
        List<String> reasons = new ArrayList<>();
        if (!missing.isEmpty()) {
            reasons.add(BatchRule.MANIFEST + " lists " + names(missing) + ", which did not arrive");
        }
        reasons.addAll(mismatched.subList(0, Math.min(NAMES_SHOWN, mismatched.size())));
        return new Readiness(null, String.join("; ", reasons));
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() > NAMES_SHOWN ? shown + " and " + (names.size() - NAMES_SHOWN) + " more" : shown;
    }
}
