package io.conveyor.testing;

import io.conveyor.storage.Digests;
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

    private final Map<ObjectRef, byte[]> contents = new HashMap<>();
    private int versions;

    /** Writes an object as a new version with this content. */
    @Override
    public void write(ObjectRef ref, byte[] content, String contentType) {
        put(new StoredObject(ref, "v" + (++versions), Digests.sha256(content),
                content.length));
        contents.put(ref, content.clone());
    }

    /** Run once, just before the next conditional write compares: another writer's move in between. */
    private Runnable beforeNextConditionalWrite;

    /** Runs {@code meanwhile} just before the next conditional write compares (a race, made deterministic). */
    public InMemoryObjectStore meanwhile(Runnable meanwhile) {
        this.beforeNextConditionalWrite = meanwhile;
        return this;
    }

    @Override
    public Optional<Tagged> readTagged(ObjectRef ref) {
        StoredObject object = objects.get(ref);
        return object == null || !contents.containsKey(ref) ? Optional.empty()
                : Optional.of(new Tagged(contents.get(ref).clone(), object.eTag()));
    }

    @Override
    public boolean writeIfUnchanged(ObjectRef ref, byte[] content, String contentType, String expectedETag) {
        Runnable meanwhile = beforeNextConditionalWrite;
        beforeNextConditionalWrite = null;
        if (meanwhile != null) {
            meanwhile.run();
        }
        StoredObject current = objects.get(ref);
        boolean unchanged = expectedETag == null ? current == null : current != null && current.eTag().equals(expectedETag);
        if (unchanged) {
            write(ref, content, contentType);
        }
        return unchanged;
    }

    /** Deletes an object. */
    public void delete(ObjectRef ref) {
        objects.remove(ref);
        contents.remove(ref);
    }

    /** The current content of an object, or {@code null}. */
    public byte[] content(ObjectRef ref) {
        return contents.get(ref);
    }

    @Override
    public byte[] read(StoredObject object) {
        StoredObject current = objects.get(object.ref());
        if (current == null || !current.equals(object) || !contents.containsKey(object.ref())) {
            throw new java.util.NoSuchElementException(object.ref() + " is gone");
        }
        return contents.get(object.ref()).clone();
    }

    /** How often {@link #sha256} was asked. */
    public int digested() {
        return digested;
    }

    private int digested;

    @Override
    public Optional<String> sha256(StoredObject object) {
        digested++;
        StoredObject current = objects.get(object.ref());
        boolean same = current != null && contents.containsKey(object.ref()) && current.eTag().equals(object.eTag())
                && (object.versionId() == null || object.versionId().equals(current.versionId()));
        return same ? Optional.of(Digests.sha256(contents.get(object.ref()))) : Optional.empty();
    }

    @Override
    public Optional<StoredObject> describe(ObjectRef ref, String versionId) {
        asked.add(ref.key() + "@" + versionId);
        StoredObject object = objects.get(ref);
        return object != null && (versionId == null || versionId.equals(object.versionId()))
                ? Optional.of(object) : Optional.empty();
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix, int limit) {
        return objects.values().stream()
                .filter(o -> o.ref().bucket().equals(bucket) && o.ref().key().startsWith(prefix))
                .sorted(java.util.Comparator.comparing(o -> o.ref().key()))
                .limit(limit)
                // as S3's ListObjectsV2: no version ids
                .map(o -> new StoredObject(o.ref(), null, o.eTag(), o.size(), o.metadata()))
                .toList();
    }
}
