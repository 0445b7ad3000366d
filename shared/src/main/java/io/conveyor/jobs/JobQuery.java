package io.conveyor.jobs;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which jobs a listing wants, newest first (by {@link JobRecord#queuedAt()}): every filter is
 * optional ({@code null}: any), {@code limit} is at least 1.
 *
 * @param algorithm   only this algorithm's jobs
 * @param state       only jobs in this state
 * @param inputPrefix only jobs whose input location starts with this
 * @param since       only jobs queued at or after this
 * @param limit       at most this many
 * @param pipeline    only jobs of this pipeline
 * @param batch       only jobs of a batch of this name (of any pipeline, unless {@code pipeline} says which)
 */
public record JobQuery(String algorithm, JobState state, String inputPrefix, Instant since, int limit, String pipeline,
                       String batch) {

    /** What {@code conveyor jobs} lists when no limit is given. */
    public static final int DEFAULT_LIMIT = 50;

    public JobQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /** A query of no pipeline or batch. */
    public JobQuery(String algorithm, JobState state, String inputPrefix, Instant since, int limit) {
        this(algorithm, state, inputPrefix, since, limit, null, null);
    }

    /** The newest {@code limit} jobs, of any kind. */
    public static JobQuery newest(int limit) {
        return new JobQuery(null, null, null, null, limit);
    }

    public JobQuery withAlgorithm(String name) {
        return new JobQuery(name, state, inputPrefix, since, limit, pipeline, batch);
    }

    public JobQuery withState(JobState wanted) {
        return new JobQuery(algorithm, wanted, inputPrefix, since, limit, pipeline, batch);
    }

    public JobQuery withInputPrefix(String prefix) {
        return new JobQuery(algorithm, state, prefix, since, limit, pipeline, batch);
    }

    public JobQuery withSince(Instant from) {
        return new JobQuery(algorithm, state, inputPrefix, from, limit, pipeline, batch);
    }

    public JobQuery withPipeline(String name) {
        return new JobQuery(algorithm, state, inputPrefix, since, limit, name, batch);
    }

    public JobQuery withBatch(String name) {
        return new JobQuery(algorithm, state, inputPrefix, since, limit, pipeline, name);
    }

    /** Whether a job's summary is one this query wants (its limit aside). */
    public boolean matches(JobSummary job) {
        Objects.requireNonNull(job, "job");
        return (algorithm == null || algorithm.equals(job.algorithm()))
                && (state == null || state == job.state())
                && (inputPrefix == null || (job.input() != null && job.input().startsWith(inputPrefix)))
                && (since == null || (job.queuedAt() != null && !Instant.parse(job.queuedAt()).isBefore(since)))
                && (pipeline == null || pipeline.equals(job.pipeline()))
                && (batch == null || batch.equals(job.batch()));
    }

    /**
     * The jobs among {@code records} this query wants, newest first, at most {@code limit}: for a store
     * that holds its records at hand (in memory, a few files), where reading them all costs nothing.
     */
    public List<JobSummary> select(Collection<JobRecord> records) {
        return records.stream().map(JobSummary::of).filter(this::matches)
                .sorted(NEWEST_FIRST).limit(limit).toList();
    }

    /** Newest first by when they were queued, then by id (a record without a time last). */
    public static final Comparator<JobSummary> NEWEST_FIRST = Comparator
            .comparing(JobSummary::queuedAt, Comparator.nullsFirst(Comparator.<String>naturalOrder())).reversed()
            .thenComparing(JobSummary::id);
}
