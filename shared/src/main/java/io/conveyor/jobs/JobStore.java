package io.conveyor.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Where job records are kept (S3 on AWS, the outbox locally). The record decides whether a job
 * exists: creation succeeds once per id.
 */
public interface JobStore {

    /** The record of a job. */
    Optional<JobRecord> get(String id);

    /** Creates a record; {@code false} when one with that id exists already (nothing is written then). */
    boolean create(JobRecord record);

    /** Replaces a record. */
    void update(JobRecord record);

    /** Every record. */
    List<JobRecord> all();

    /**
     * A record with the store's version of it, for {@link #replace}. Stores with a single writer (the
     * local outbox, held by its lock) have no versions: {@code version} is {@code null} there.
     */
    default Optional<Versioned> read(String id) {
        return get(id).map(record -> new Versioned(record, null));
    }

    /**
     * Replaces a record only if nobody changed it since it was read at {@code version}.
     *
     * @return {@code false} when it changed meanwhile (nothing is written then)
     */
    default boolean replace(JobRecord record, String version) {
        update(record);
        return true;
    }

    /** A record as read, with the version a conditional {@link #replace} compares against. */
    record Versioned(JobRecord record, String version) {
    }
}
