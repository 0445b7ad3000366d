package io.conveyor.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Where job records are kept (S3 on AWS, the outbox locally). The record decides whether a job
 * exists: creation succeeds once per id; every later change is a conditional replace of the version
 * that was read, so two writers never lose each other's change. There is no unconditional write.
 */
public interface JobStore {

    /** The record of a job. */
    Optional<JobRecord> get(String id);

    /** A record with the store's version of it, for {@link #replace}. */
    Optional<Versioned> read(String id);

    /** Creates a record; {@code false} when one with that id exists already (nothing is written then). */
    boolean create(JobRecord record);

    /**
     * Replaces a record only if nobody changed it since it was read at {@code version}.
     *
     * @return {@code false} when it changed meanwhile (nothing is written then)
     */
    boolean replace(JobRecord record, String version);

    /** Every record. */
    List<JobRecord> all();

    /**
     * The jobs a query wants, newest first, from an index written with the records: a listing reads
     * no record.
     */
    List<JobSummary> list(JobQuery query);

    /** A record as read, with the version a conditional {@link #replace} compares against. */
    record Versioned(JobRecord record, String version) {
        public Versioned {
            java.util.Objects.requireNonNull(record, "record");
            java.util.Objects.requireNonNull(version, "version");
        }
    }
}
