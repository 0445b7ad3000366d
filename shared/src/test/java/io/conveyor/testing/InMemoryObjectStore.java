package io.conveyor.testing;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An object store in memory that remembers what it was asked, as {@code key@version}.
 */
public final class InMemoryObjectStore implements ObjectStore {

    private final Map<ObjectRef, StoredObject> objects = new HashMap<>();
    private final List<String> asked = new ArrayList<>();

    /** Stores one version of an object. */
    public InMemoryObjectStore put(StoredObject object) {
        objects.put(object.ref(), object);
        return this;
    }

    /** What {@link #describe} was asked, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public Optional<StoredObject> describe(ObjectRef ref, String versionId) {
        asked.add(ref.key() + "@" + versionId);
        StoredObject object = objects.get(ref);
        return object != null && (versionId == null || versionId.equals(object.versionId()))
                ? Optional.of(object) : Optional.empty();
    }
}
