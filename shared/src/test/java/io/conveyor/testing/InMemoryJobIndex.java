package io.conveyor.testing;

import io.conveyor.jobs.JobIndex;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job index in memory that keeps, as the DynamoDB one does, the entry of the highest write count per
 * job. {@link #failing} makes its writes throw, as an unreachable table would.
 */
public final class InMemoryJobIndex implements JobIndex {

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean failing;
    private int putAllCalls;

    @Override
    public synchronized boolean put(Entry entry) {
        if (failing) {
            throw new IllegalStateException("the index is unreachable");
        }
        Entry held = entries.get(entry.summary().id());
        if (held != null && held.writes() >= entry.writes()) {
            return false;
        }
        entries.put(entry.summary().id(), entry);
        return true;
    }

    /** Counts the calls as DynamoDB's would: one per 100 entries. */
    @Override
    public synchronized int putAll(List<Entry> all) {
        putAllCalls += (all.size() + 99) / 100;
        int older = 0;
        for (Entry entry : all) {
            older += put(entry) ? 0 : 1;
        }
        return older;
    }

    /** How many {@link #putAll} calls its entries took, 100 entries a call. */
    public synchronized int putAllCalls() {
        return putAllCalls;
    }

    @Override
    public synchronized List<JobSummary> list(JobQuery query) {
        return entries.values().stream().map(Entry::summary).filter(query::matches)
                .sorted(JobQuery.NEWEST_FIRST).limit(query.limit()).toList();
    }

    /** The entry held for a job, or {@code null}. */
    public synchronized Entry entry(String id) {
        return entries.get(id);
    }

    /** Makes every later write fail ({@code true}) or succeed again. */
    public synchronized void failing(boolean fail) {
        failing = fail;
    }
}
