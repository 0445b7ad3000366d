package io.conveyor.dispatch;

import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Algorithms' registry records, kept for the batches that follow (a warm Lambda environment keeps them between
 * invocations) while they are fresh: a batch runs its jobs on a record an earlier batch read less than
 * {@code freshFor} ago, and saves the registry read. Two rules keep that safe. A job is refused only on its
 * algorithm's record as read in its own batch ({@link InBatch#readAgain}): a registration that came meanwhile never
 * rejects a job. A start ECS refused because the task definition is gone (deregistered: the algorithm was retired or
 * renamed) forgets the record ({@link #forget}), so the batches after it read the registry again. A re-registration
 * leaves the earlier revision active, so until the record is read again new inputs become jobs of the earlier
 * revision, as they would had they come a little sooner.
 */
final class RecentAlgorithms {

    /** A record (or none) and when it was read. */
    private record Held(Optional<AlgorithmRecord> record, Instant readAt) {
    }

    private final AlgorithmRegistry registry;
    private final Duration freshFor;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    RecentAlgorithms(AlgorithmRegistry registry, Duration freshFor, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.freshFor = Objects.requireNonNull(freshFor, "freshFor");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (freshFor.isNegative()) {
            throw new IllegalArgumentException("freshFor must not be negative, was " + freshFor);
        }
    }

    /** One batch's look at the registry. */
    InBatch inBatch() {
        return new InBatch();
    }

    /** Drops what is held of an algorithm: the next batch that needs it reads the registry. */
    void forget(String name) {
        held.remove(name);
    }

    /** The records one batch uses: each read at most once in it, else taken from an earlier batch while fresh. */
    final class InBatch {
        /** Read in this batch. */
        private final Map<String, Optional<AlgorithmRecord>> read = new HashMap<>();

        private InBatch() {
        }

        /** The record as read in this batch, else as an earlier batch read it while fresh, else read now. */
        Optional<AlgorithmRecord> recent(String name) {
            Optional<AlgorithmRecord> here = read.get(name);
            if (here != null) {
                return here;
            }
            Held earlier = held.get(name);
            if (earlier != null && clock.instant().isBefore(earlier.readAt().plus(freshFor))) {
                return earlier.record();
            }
            return current(name);
        }

        /** The record as read in this batch (read now unless this batch read it already). */
        Optional<AlgorithmRecord> current(String name) {
            Optional<AlgorithmRecord> here = read.get(name);
            if (here != null) {
                return here;
            }
            Optional<AlgorithmRecord> record = registry.algorithm(name);
            read.put(name, record);
            held.put(name, new Held(record, clock.instant()));
            return record;
        }

        /**
         * Reads the registry for an algorithm this batch took from an earlier one, before a job of it is refused:
         * {@code true} when it did (decide again on {@link #recent}), {@code false} when this batch's own read was
         * what the refusal stood on.
         */
        boolean readAgain(String name) {
            if (read.containsKey(name)) {
                return false;
            }
            current(name);
            return true;
        }
    }
}
