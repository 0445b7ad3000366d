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
}
