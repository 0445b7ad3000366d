package io.conveyor.intake;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * What intake concluded about one S3 event record.
 *
 * @param outcome what became of it
 * @param ref     the object the record names
 * @param object  the object as the store describes it now ({@code null} unless {@link Outcome#ARRIVED})
 */
public record Arrival(Outcome outcome, ObjectRef ref, StoredObject object) {

    /** What became of an event record. */
    public enum Outcome {
        /** The object exists: it is work to do. */
        ARRIVED,
        /** The event says created, but the object is gone again: nothing to do. */
        GONE,
        /** The object was deleted. */
        REMOVED,
        /** The key lies outside the prefix this intake serves: ignored. */
        OUTSIDE_PREFIX
    }

    public Arrival {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(ref, "ref");
        if ((outcome == Outcome.ARRIVED) != (object != null)) {
            throw new IllegalArgumentException("an object is described exactly when it arrived");
        }
    }

    /** The object, when it arrived. */
    public Optional<StoredObject> arrived() {
        return Optional.ofNullable(object);
    }
}
