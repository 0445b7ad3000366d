package io.conveyor.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>{@link #holdingIndexWrites} makes a store whose summaries wait for {@link #flushIndex()}, which puts each
 * job's latest in one call per 100 ({@link JobIndex#putAll}): dispatch flushes once per batch, so a job's index
 * write costs a tenth of a call at a batch of 10 instead of one. What a crash between the record's write and the
 * flush loses is what a failed index write loses, and is repaired the same way.
 */
public final class IndexedJobStore implements JobStore {

    private static final Logger LOG = LoggerFactory.getLogger(IndexedJobStore.class);

    private final JobStore records;
    private final JobIndex index;
    /** The summaries waiting for {@link #flushIndex()}, each job's latest; {@code null} when each write puts its own. */
    private final Map<String, JobIndex.Entry> held;

    /** A store whose every write puts its summary in the index at once. */
    public IndexedJobStore(JobStore records, JobIndex index) {
        this(records, index, null);
    }

    private IndexedJobStore(JobStore records, JobIndex index, Map<String, JobIndex.Entry> held) {
        this.records = Objects.requireNonNull(records, "records");
        this.index = Objects.requireNonNull(index, "index");
        this.held = held;
    }

    /** A store whose summaries wait for {@link #flushIndex()} (safe for writes from many threads). */
    public static IndexedJobStore holdingIndexWrites(JobStore records, JobIndex index) {
        return new IndexedJobStore(records, index, new ConcurrentHashMap<>());
    }

    /**
     * Puts the summaries held since the last flush, each job's latest, in as few calls as the index allows; a
     * failure is logged as a failed write is, and the held summaries are dropped (the jobs' next writes, or
     * {@link JobIndexRebuild}, repair them). Nothing to do for a store that does not hold its writes.
     */
    public void flushIndex() {
        if (held == null || held.isEmpty()) {
            return;
        }
        List<JobIndex.Entry> entries = new ArrayList<>();
        for (String id : List.copyOf(held.keySet())) {
            JobIndex.Entry entry = held.remove(id);
            if (entry != null) {
                entries.add(entry);
            }
        }
        try {
            int older = index.putAll(entries);
            if (older > 0) {
                LOG.info("outcome=index-entries-newer jobs={} reason=\"later writes of their records are indexed\"", older);
            }
        } catch (RuntimeException e) {
            LOG.warn("outcome=index-write-failed jobs={} reason=\"{}\" repair=\"the jobs' next writes, or JobIndexRebuild\"",
                    entries.size(), e.getMessage());
        }
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
        if (held != null) {
            held.merge(record.id(), JobIndex.Entry.of(record), (a, b) -> a.writes() >= b.writes() ? a : b);
            return;
        }
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
