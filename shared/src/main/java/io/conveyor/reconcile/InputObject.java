package io.conveyor.reconcile;

import io.conveyor.storage.ObjectRef;
import java.time.Instant;
import java.util.Objects;

/**
 * The current version of one input object, as a listing of the input bucket shows it.
 *
 * @param ref          where it lies
 * @param versionId    its version id, or {@code null} when the bucket keeps no versions
 * @param eTag         its entity tag, without quotes
 * @param size         its size in bytes
 * @param lastModified when this version was written
 */
public record InputObject(ObjectRef ref, String versionId, String eTag, long size, Instant lastModified) {

    public InputObject {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(eTag, "eTag");
        Objects.requireNonNull(lastModified, "lastModified");
    }

    /** The version a job of it is named by: its version id, else {@code etag:<eTag>} (as dispatch names it). */
    public String jobVersion() {
        return versionId != null ? versionId : "etag:" + eTag;
    }
}
