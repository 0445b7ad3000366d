package io.conveyor.storage;

import java.util.Objects;

/**
 * One record of an S3 event notification, decoded.
 *
 * @param kind      whether the object was created or removed
 * @param eventName the S3 event name, e.g. {@code ObjectCreated:Put}
 * @param object    where the object lies (key already URL-decoded)
 * @param versionId the version id, or {@code null} for an unversioned bucket
 * @param eTag      the entity tag, or {@code null} (removals carry none)
 * @param size      the size in bytes, or -1 when the event does not say (removals)
 * @param sequencer S3's ordering token for events on the same key, or {@code null}
 */
public record StorageEvent(Kind kind, String eventName, ObjectRef object, String versionId, String eTag,
                           long size, String sequencer) {

    /** What happened to the object. */
    public enum Kind { CREATED, REMOVED }

    public StorageEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(object, "object");
    }
}
