package io.conveyor.jobs;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How drivers change stored records: the {@link JobLifecycle} decides, this writes what it decided,
 * conditionally. A new job's record is created once per id; a change replaces the version that was
 * read, after the records the transition creates (a chain's next steps) exist. Effects are left to
 * the driver, to be carried out once the write succeeded.
 */
public final class JobUpdates {

    /** How often a record that changed meanwhile is read again before the caller gives up. */
    public static final int WRITE_TRIES = 3;

    private final JobStore store;
    private final Clock clock;

    public JobUpdates(JobStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The store written to. */
    public JobStore store() {
        return store;
    }

    /**
     * Creates a new job's record as {@code events} leave it (none: QUEUED; a rejection: FAILED; a
     * placement: STARTING).
     *
     * @return the transition written, or empty when a record with that id exists already
     */
    public Optional<Transition> create(NewJob job, List<JobEvent> events) {
        Transition transition = JobLifecycle.admit(job, events, clock.instant());
        createAll(transition);
        return store.create(transition.after()) ? Optional.of(transition) : Optional.empty();
    }

    /**
     * One try at a record as it was read: applies the events and, when they change it, writes it if
     * nobody changed it meanwhile.
     *
     * @return the transition (written if it changed), or empty when the record changed meanwhile
     */
    public Optional<Transition> apply(JobStore.Versioned read, List<JobEvent> events) {
        Transition transition = JobLifecycle.apply(read.record(), events, clock.instant());
        if (!transition.changed()) {
            return Optional.of(transition);
        }
        createAll(transition);
        return store.replace(transition.after(), read.version()) ? Optional.of(transition) : Optional.empty();
    }

    /**
     * Applies an event to a job's record as stored, reading it again when it changed meanwhile.
     *
     * @return the transition (written if it changed), or empty when the job has no record
     * @throws ConcurrentChangeException when the record changed {@value #WRITE_TRIES} times
     */
    public Optional<Transition> apply(String jobId, JobEvent event) {
        for (int tries = 1; tries <= WRITE_TRIES; tries++) {
            Optional<JobStore.Versioned> read = store.read(jobId);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            Optional<Transition> applied = apply(read.get(), List.of(event));
            if (applied.isPresent()) {
                return applied;
            }
        }
        throw new ConcurrentChangeException(jobId);
    }

    private void createAll(Transition transition) {
        // Made before the record that names them: a crash in between makes them again, by id, and no more.
        transition.creates().forEach(store::create);
    }

    /** A record kept changing while an event was applied to it: the caller leaves the event for later. */
    public static final class ConcurrentChangeException extends RuntimeException {
        public ConcurrentChangeException(String jobId) {
            super("job " + jobId + ": its record changed " + WRITE_TRIES + " times while an event was applied;"
                    + " the event comes again");
        }
    }
}
