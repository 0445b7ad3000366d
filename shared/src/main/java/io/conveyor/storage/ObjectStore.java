package io.conveyor.storage;

import java.util.List;
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
     * The content of the current version of an object, or empty when there is none. Stores that can
     * answer in one request (S3's GET) override this.
     */
    default Optional<byte[]> readCurrent(ObjectRef ref) {
        try {
            return describe(ref).map(this::read);
        } catch (java.util.NoSuchElementException e) {
            return Optional.empty();  // deleted between the two questions
        }
    }

    /**
     * The SHA-256 (lowercase hex) of exactly this version of an object: its version id when it has one, and its entity
     * tag. Stores that keep an uploader's checksum answer from it; others read the content through a digest.
     *
     * @return empty when the object is no longer that version (a newer one was written, or it was deleted)
     */
    Optional<String> sha256(StoredObject object);

    /** An object's content and the entity tag it had when it was read. */
    record Tagged(byte[] content, String eTag) {
    }

    /** The current content of an object with its entity tag, in one read, or empty when there is none. */
    Optional<Tagged> readTagged(ObjectRef ref);

    /**
     * Writes an object only if it is still as it was read: its entity tag is {@code expectedETag}, or it
     * does not exist when that is {@code null} (S3's conditional {@code PutObject}).
     *
     * @return {@code false}, writing nothing, when another write came first
     */
    boolean writeIfUnchanged(ObjectRef ref, byte[] content, String contentType, String expectedETag);

    /**
     * Writes (or replaces) an object.
     *
     * @param contentType e.g. {@code application/json}
     */
    void write(ObjectRef ref, byte[] content, String contentType);

    /**
     * The current objects whose keys start with {@code prefix}, in key order, at most {@code limit} of
     * them (the rest are not read).
     */
    List<StoredObject> list(String bucket, String prefix, int limit);
}
