package io.conveyor.jobs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one event does to one record: the record after it, the records to create before writing it
 * (a chain's next steps, so that a crash in between makes them again by id and no more), and the
 * effects to carry out once it is written.
 *
 * @param before  the record the event was applied to
 * @param after   the record it leads to (the same object when nothing changes)
 * @param kind    whether it changed, had nothing to change, or was older news
 * @param creates records to create before {@code after} is written
 * @param effects what to do once {@code after} is written (or at once when nothing changed)
 * @param note    why nothing changed, for logs; {@code null} when it changed
 */
public record Transition(JobRecord before, JobRecord after, Kind kind, List<JobRecord> creates, List<Effect> effects,
                         String note) {

    /** Whether a transition changes the record. */
    public enum Kind {
        /** The record changes: write {@code after}. */
        CHANGED,
        /** The event is current but there is nothing to write (effects may still be due). */
        UNCHANGED,
        /** Older news: an earlier attempt, an older version, a duplicate, a job that is over. */
        STALE
    }

    public Transition {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(kind, "kind");
        creates = List.copyOf(creates);
        effects = List.copyOf(effects);
    }

    /** Whether the record changes. */
    public boolean changed() {
        return kind == Kind.CHANGED;
    }

    /** The effect of a type, when the transition has one. */
    public <T extends Effect> Optional<T> effect(Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    static Transition changed(JobRecord before, JobRecord after, List<JobRecord> creates, List<Effect> effects) {
        return new Transition(before, after, Kind.CHANGED, creates, effects, null);
    }

    static Transition unchanged(JobRecord record, String note, List<Effect> effects) {
        return new Transition(record, record, Kind.UNCHANGED, List.of(), effects, note);
    }

    static Transition stale(JobRecord record, String note) {
        return new Transition(record, record, Kind.STALE, List.of(), List.of(), note);
    }
}
