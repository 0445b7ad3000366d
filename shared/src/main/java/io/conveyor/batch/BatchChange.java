package io.conveyor.batch;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What events did to a batch record: the record after them and the decisions to carry out once it is
 * written (or at once when nothing changed: a repeated decision is harmless, as its jobs are made by id).
 *
 * @param before    the record the events were applied to
 * @param after     the record they lead to (equal to {@code before} when nothing changed)
 * @param decisions what to do, in order
 */
public record BatchChange(BatchRecord before, BatchRecord after, List<BatchDecision> decisions) {

    public BatchChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        decisions = List.copyOf(decisions);
    }

    /** Whether the record changes (and is to be written). */
    public boolean changed() {
        return !before.equals(after);
    }

    /** The decisions of a type. */
    public <T extends BatchDecision> List<T> decisions(Class<T> type) {
        return decisions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The first decision of a type. */
    public <T extends BatchDecision> Optional<T> decision(Class<T> type) {
        return decisions(type).stream().findFirst();
    }
}
