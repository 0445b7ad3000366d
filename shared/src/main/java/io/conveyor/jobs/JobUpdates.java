package io.conveyor.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How drivers change stored records: the {@link JobLifecycle} decides, this writes what it decided,
 * conditionally. A new job's record is created once per id; a change replaces the version that was
 * read, after the records the transition creates (a chain's next steps) exist. Effects are left to
 * the driver, to be carried out once the write succeeded.
 */
public final class JobUpdates {

    /** How often a record that changed meanwhile is read again before the caller gives up. */
    public static final int WRITE_TRIES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(JobUpdates.class);

    private final JobStore store;
    private final Clock clock;
    private final JobChanges changes;

    /** Updates that tell nobody of what they wrote. */
    public JobUpdates(JobStore store, Clock clock) {
        this(store, clock, JobChanges.NONE);
    }

    /** Updates that tell {@code changes} of each record written (created or replaced), once it is written. */
    public JobUpdates(JobStore store, Clock clock, JobChanges changes) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.changes = Objects.requireNonNull(changes, "changes");
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
        Instant now = clock.instant();
        return create(job, now, events, java.util.Collections.nCopies(events.size(), now));
    }

    /**
     * As {@link #create(NewJob, List)}, for a job admitted at {@code admittedAt} whose events each happened at their
     * own instant ({@code at}) before it was first written (a driver that keeps a short-lived state in memory).
     */
    public Optional<Transition> create(NewJob job, Instant admittedAt, List<JobEvent> events, List<Instant> at) {
        Instant now = clock.instant();
        Transition transition = JobLifecycle.admit(job, admittedAt, events, at);
        createAll(transition, now);
        if (!store.create(transition.after())) {
            return Optional.empty();
        }
        tell(null, transition.after(), now);
        return Optional.of(transition);
    }

    /**
     * One try at a record as it was read: applies the events and, when they change it, writes it if
     * nobody changed it meanwhile.
     *
     * @return the transition (written if it changed), or empty when the record changed meanwhile
     */
    public Optional<Transition> apply(JobStore.Versioned read, List<JobEvent> events) {
        Instant now = clock.instant();
        return apply(read, events, java.util.Collections.nCopies(events.size(), now));
    }

    /** As {@link #apply(JobStore.Versioned, List)}, each event at its own instant ({@code at}). */
    public Optional<Transition> apply(JobStore.Versioned read, List<JobEvent> events, List<Instant> at) {
        Instant now = clock.instant();
        Transition transition = JobLifecycle.apply(read.record(), events, at);
        if (!transition.changed()) {
            return Optional.of(transition);
        }
        createAll(transition, now);
        if (!store.replace(transition.after(), read.version())) {
            return Optional.empty();
        }
        tell(read.record(), transition.after(), now);
        return Optional.of(transition);
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

    private void createAll(Transition transition, Instant now) {
        // Made before the record that names them: a crash in between makes them again, by id, and no more.
        for (JobRecord child : transition.creates()) {
            if (store.create(child)) {
                tell(null, child, now);
            }
        }
    }

    /** The record is written: what it tells never undoes or fails the write. */
    private void tell(JobRecord before, JobRecord after, Instant now) {
        try {
            changes.written(before, after, now);
        } catch (RuntimeException e) {
            LOG.warn("outcome=job-change-untold job={} state={} reason=\"{}\"", after.id(), after.state(),
                    e.getMessage());
        }
    }

    /** A record kept changing while an event was applied to it: the caller leaves the event for later. */
    public static final class ConcurrentChangeException extends RuntimeException {
        public ConcurrentChangeException(String jobId) {
            super("job " + jobId + ": its record changed " + WRITE_TRIES + " times while an event was applied;"
                    + " the event comes again");
        }
    }
}
