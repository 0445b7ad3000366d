package io.conveyor.batch;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Batch records in memory, versioned by a counter; {@link #beforeWrite} lets a test slip another writer in. */
public class InMemoryBatchStore implements BatchStore {

    private final Map<String, Versioned> records = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    /** Runs once before the next conditional write is checked, then is cleared. */
    Runnable beforeWrite;
    public int lostWrites;

    @Override
    public Optional<Versioned> read(String pipeline, String batch) {
        return Optional.ofNullable(records.get(pipeline + "/" + batch));
    }

    @Override
    public synchronized boolean create(BatchRecord record) {
        interfere();
        String key = record.pipeline() + "/" + record.batch();
        if (records.containsKey(key)) {
            lostWrites++;
            return false;
        }
        records.put(key, new Versioned(record, "v" + versions.incrementAndGet()));
        return true;
    }

    @Override
    public synchronized boolean replace(BatchRecord record, String version) {
        interfere();
        String key = record.pipeline() + "/" + record.batch();
        Versioned current = records.get(key);
        if (current == null || !current.version().equals(version)) {
            lostWrites++;
            return false;
        }
        records.put(key, new Versioned(record, "v" + versions.incrementAndGet()));
        return true;
    }

    private void interfere() {
        Runnable other = beforeWrite;
        beforeWrite = null;
        if (other != null) {
            other.run();
        }
    }
}
