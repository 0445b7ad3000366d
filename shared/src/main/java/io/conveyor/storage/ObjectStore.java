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
}
