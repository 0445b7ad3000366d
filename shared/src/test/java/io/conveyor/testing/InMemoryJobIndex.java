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
