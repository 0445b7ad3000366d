package io.conveyor.intake;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of the S3-triggered flows: which objects under one prefix really arrived.
 *
 * <p>S3 delivers events at least once and possibly late, so an event is a hint: the object store
 * is asked what exists now. Registration ({@code algorithms/}) and dispatch ({@code inputs/}) build
 * on the arrivals this returns.
 */
public final class ObjectIntake {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectIntake.class);

    private final ObjectStore store;
    private final String prefix;

    /**
     * @param store  where the objects lie
     * @param prefix the key prefix this intake serves, ending in {@code /}
     */
    public ObjectIntake(ObjectStore store, String prefix) {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must end with '/', was '" + prefix + "'");
        }
        this.prefix = prefix;
    }

    /** The prefix this intake serves. */
    public String prefix() {
        return prefix;
    }

    /**
     * One arrival per event record, in order.
     */
    public List<Arrival> accept(List<StorageEvent> events) {
        List<Arrival> arrivals = new ArrayList<>(events.size());
        for (StorageEvent event : events) {
            Arrival arrival = accept(event);
            LOG.info("outcome={} object=\"{}\" event={} version={} size={}", arrival.outcome(), event.object(),
                    event.eventName(), arrival.arrived().flatMap(StoredObject::version).orElse("-"),
                    arrival.arrived().map(StoredObject::size).orElse(event.size()));
            arrivals.add(arrival);
        }
        return List.copyOf(arrivals);
    }

    private Arrival accept(StorageEvent event) {
        ObjectRef ref = event.object();
        if (!ref.key().startsWith(prefix) || ref.key().length() == prefix.length()) {
            return new Arrival(Arrival.Outcome.OUTSIDE_PREFIX, ref, null);
        }
        if (event.kind() == StorageEvent.Kind.REMOVED) {
            return new Arrival(Arrival.Outcome.REMOVED, ref, null);
        }
        Optional<StoredObject> current = store.describe(ref, event.versionId());
        return current.map(object -> new Arrival(Arrival.Outcome.ARRIVED, ref, object))
                .orElseGet(() -> new Arrival(Arrival.Outcome.GONE, ref, null));
    }
}
