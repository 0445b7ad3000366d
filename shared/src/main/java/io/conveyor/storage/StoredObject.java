package io.conveyor.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * One version of an object, as the object store describes it.
 *
 * @param ref       where it lies
 * @param versionId the version id, or {@code null} when the bucket is not versioned
 * @param eTag      the entity tag without quotes
 * @param size      its size in bytes (zero-byte objects are real objects)
 */
public record StoredObject(ObjectRef ref, String versionId, String eTag, long size) {

    public StoredObject {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(eTag, "eTag");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        eTag = S3Keys.unquote(eTag);
    }

    /**
     * The version id, when the bucket keeps versions.
     */
    public Optional<String> version() {
        return Optional.ofNullable(versionId);
    }
}
