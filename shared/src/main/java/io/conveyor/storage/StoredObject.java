package io.conveyor.storage;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of an object, as the object store describes it.
 *
 * @param ref       where it lies
 * @param versionId the version id, or {@code null} when the bucket is not versioned
 * @param eTag      the entity tag without quotes
 * @param size      its size in bytes (zero-byte objects are real objects)
 * @param metadata  its user metadata (S3's {@code x-amz-meta-*}, names in lowercase)
 */
public record StoredObject(ObjectRef ref, String versionId, String eTag, long size, Map<String, String> metadata) {

    /** An object without user metadata. */
    public StoredObject(ObjectRef ref, String versionId, String eTag, long size) {
        this(ref, versionId, eTag, size, Map.of());
    }

    public StoredObject {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(eTag, "eTag");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        eTag = S3Keys.unquote(eTag);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The version id, when the bucket keeps versions.
     */
    public Optional<String> version() {
        return Optional.ofNullable(versionId);
    }
}
