package io.conveyor.jobs;

import java.util.Objects;

/**
 * For operators: puts every record's summary in the index, reading each record once (after an index
 * write failed, or to fill a new index). Safe while the pipeline runs: an entry of a later write than
 * the record read is kept.
 */
public final class JobIndexRebuild {

    private final JobStore records;
    private final JobIndex index;

    public JobIndexRebuild(JobStore records, JobIndex index) {
        this.records = Objects.requireNonNull(records, "records");
        this.index = Objects.requireNonNull(index, "index");
    }

    /**
     * What a rebuild did.
     *
     * @param read    records read
     * @param written entries written (the others were as new already)
     */
    public record Result(int read, int written) {
    }

    /** Reads every record of the store (the underlying one, not an {@link IndexedJobStore}) and indexes it. */
    public Result run() {
        int read = 0;
        int written = 0;
        for (JobRecord record : records.all()) {
            read++;
            if (index.put(JobIndex.Entry.of(record))) {
                written++;
            }
        }
        return new Result(read, written);
    }
}
