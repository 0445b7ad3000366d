package io.conveyor.storage;

import java.util.Optional;

/**
 * The object store Conveyor reads inputs and descriptors from (S3 on AWS, a folder locally).
 */
public interface ObjectStore {

    /**
     * The current version of an object, or empty when there is none (deleted, never written).
     */
    default Optional<StoredObject> describe(ObjectRef ref) {
        return describe(ref, null);
    }

    /**
     * One version of an object, or empty when that version does not exist (any more).
     *
     * @param versionId the version, or {@code null} for the current one (unversioned buckets)
     */
    Optional<StoredObject> describe(ObjectRef ref, String versionId);

    /**
     * The content of exactly this version of an object.
     *
     * @throws java.util.NoSuchElementException when that version is gone
     */
    byte[] read(StoredObject object);

    /**
     * Writes (or replaces) an object.
     *
     * @param contentType e.g. {@code application/json}
     */
    void write(ObjectRef ref, byte[] content, String contentType);
}
