package io.conveyor.testing;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Job records in memory with versions, as S3 keeps them: a create fails when the id exists, a
 * replace fails when the record changed since it was read. Counts its writes.
 */
public final class InMemoryJobStore implements JobStore {

    private final Map<String, JobRecord> records = new LinkedHashMap<>();
    private final Map<String, Integer> versions = new LinkedHashMap<>();
    private int writes;

    @Override
    public synchronized Optional<JobRecord> get(String id) {
        return Optional.ofNullable(records.get(id));
    }

    @Override
    public synchronized boolean create(JobRecord record) {
        if (records.containsKey(record.id())) {
            return false;
        }
        put(record);
        return true;
    }

    /**
     * Replaces a record whatever its version: a test's way to change the world under the code it
     * tests (another writer), never the code's own way.
     */
    public synchronized void overwrite(JobRecord record) {
        put(record);
    }

    @Override
    public synchronized List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
        return query.select(all());
    }

    @Override
    public synchronized List<JobRecord> all() {
        return new ArrayList<>(records.values());
    }

    @Override
    public synchronized Optional<Versioned> read(String id) {
        return get(id).map(record -> new Versioned(record, Integer.toString(versions.get(id))));
    }

    @Override
    public synchronized boolean replace(JobRecord record, String version) {
        if (!Integer.toString(versions.getOrDefault(record.id(), -1)).equals(version)) {
            return false;
        }
        put(record);
        return true;
    }

    /** How many records were written (created, updated or replaced). */
    public synchronized int writes() {
        return writes;
    }

    private void put(JobRecord record) {
        records.put(record.id(), record);
        versions.merge(record.id(), 1, Integer::sum);
        writes++;
    }
}
