package io.conveyor.jobs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobStore} whose records are listed through a {@link JobIndex}: each successful create or
 * replace stamps the record with the count of its writes and then puts its summary in the index, so a
 * listing reads no record.
 *
 * <p>The record is the truth and is written first. When the index write fails after it, the record
 * stands and the failure is logged ({@code outcome=index-write-failed}); the job's next write puts a newer
 * summary that repairs the entry, and {@link JobIndexRebuild} repairs every entry at once (a job that
 * never changes again keeps its stale line until then). Failing the event instead would not help: its
 * redelivery finds the record moved and writes nothing.
 */
public final class IndexedJobStore implements JobStore {

    private static final Logger LOG = LoggerFactory.getLogger(IndexedJobStore.class);

    private final JobStore records;
    private final JobIndex index;

    public IndexedJobStore(JobStore records, JobIndex index) {
        this.records = Objects.requireNonNull(records, "records");
        this.index = Objects.requireNonNull(index, "index");
    }

    @Override
    public Optional<JobRecord> get(String id) {
        return records.get(id);
    }

    @Override
    public Optional<Versioned> read(String id) {
        return records.read(id);
    }

    @Override
    public boolean create(JobRecord record) {
        JobRecord stamped = record.toBuilder().writes(1).build();
        if (!records.create(stamped)) {
            return false;
        }
        index(stamped);
        return true;
    }

    /**
     * Replaces the record as {@link JobStore#replace} does, counting one more write than the record it
     * was made from: the conditional replace makes the counts of successful writes strictly increase.
     */
    @Override
    public boolean replace(JobRecord record, String version) {
        JobRecord stamped = record.toBuilder().writes(record.writes() + 1).build();
        if (!records.replace(stamped, version)) {
            return false;
        }
        index(stamped);
        return true;
    }

    @Override
    public List<JobRecord> all() {
        return records.all();
    }

    /** The jobs a query wants, from the index alone. */
    @Override
    public List<JobSummary> list(JobQuery query) {
        return index.list(query);
    }

    private void index(JobRecord record) {
        try {
            if (!index.put(JobIndex.Entry.of(record))) {
                LOG.info("outcome=index-entry-newer job={} writes={} reason=\"a later write of the record is indexed\"",
                        record.id(), record.writes());
            }
        } catch (RuntimeException e) {
            LOG.warn("outcome=index-write-failed job={} writes={} state={} reason=\"{}\" repair=\"the job's next write, "
                    + "or JobIndexRebuild\"", record.id(), record.writes(), record.state(), e.getMessage());
        }
    }
}
