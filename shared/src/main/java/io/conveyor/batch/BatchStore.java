package io.conveyor.batch;

import java.util.Optional;

/**
 * Where batch records are kept ({@code batches/<pipeline>/<batch>.json} next to the job records: S3 on AWS,
 * the outbox locally). As with job records, there is no unconditional write: a record is created once, and
 * replaced only at the version that was read, so of two writers deciding a gather exactly one is written.
 */
public interface BatchStore {

    /** A batch's record with the store's version of it. */
    Optional<Versioned> read(String pipeline, String batch);

    /** Creates a record; {@code false} when one exists already (nothing is written then). */
    boolean create(BatchRecord record);

    /**
     * Replaces a record only if nobody changed it since it was read at {@code version}.
     *
     * @return {@code false} when it changed meanwhile (nothing is written then)
     */
    boolean replace(BatchRecord record, String version);

    /** A record as read, with the version a conditional {@link #replace} compares against. */
    record Versioned(BatchRecord record, String version) {
        public Versioned {
            java.util.Objects.requireNonNull(record, "record");
            java.util.Objects.requireNonNull(version, "version");
        }
    }
}
