package io.conveyor.jobs;

import java.util.List;

/**
 * What a job listing reads instead of the records: one {@link JobSummary} per job, written after its
 * record (by {@link IndexedJobStore}), found by algorithm, state, input and time, newest first.
 *
 * <p>The record is the truth; the index may lag it. Writers can reach the index out of order, so each
 * entry carries the count of its record's writes ({@link JobRecord#writes()}) and the index keeps the
 * entry of the highest count: an older summary never overwrites a newer one.
 */
public interface JobIndex {

    /**
     * Keeps a job's summary unless the index holds one of a later write of its record.
     *
     * @return {@code false} when the index holds a later (or the same) write already (nothing is written then)
     */
    boolean put(Entry entry);

    /**
     * Keeps each entry as {@link #put} would, in as few calls as the index allows (at most one entry per
     * job: the caller gives each job's latest).
     *
     * @return how many were not written because the index holds a later (or the same) write of their job
     */
    int putAll(List<Entry> entries);

    /** The jobs a query wants, newest first by {@link JobSummary#queuedAt()}, at most its limit. */
    List<JobSummary> list(JobQuery query);

    /**
     * One job's line and the write of its record it comes from.
     *
     * @param summary the line
     * @param writes  {@link JobRecord#writes()} of the record it was made from
     */
    record Entry(JobSummary summary, long writes) {
        public Entry {
            java.util.Objects.requireNonNull(summary, "summary");
        }

        /** A record's entry. */
        public static Entry of(JobRecord record) {
            return new Entry(JobSummary.of(record), record.writes());
        }
    }
}
