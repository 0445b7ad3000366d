package io.conveyor.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One line of a job listing: what {@code conveyor jobs} shows, kept in the index beside the record
 * so a listing reads no record.
 *
 * @param id        the job
 * @param algorithm its algorithm's name
 * @param input     where its input lies
 * @param state     where it stands
 * @param attempts  its current (or last) attempt, 0 before the first
 * @param queuedAt  when it was created (ISO-8601)
 * @param startedAt when its last attempt started, or {@code null}
 * @param endedAt   when it ended, or {@code null}
 * @param reason    why it failed, waits or was cancelled, or {@code null}
 * @param pipeline  the pipeline it runs in ({@link PipelinePlace#pipeline()}), or {@code null} outside pipelines
 * @param batch     its batch in that pipeline, or {@code null}
 * @param step      its step in that pipeline, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSummary(String id, String algorithm, String input, JobState state, int attempts, String queuedAt,
                         String startedAt, String endedAt, String reason, String pipeline, String batch, String step) {

    public JobSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
    }

    /** The line of a job outside pipelines. */
    public JobSummary(String id, String algorithm, String input, JobState state, int attempts, String queuedAt,
                      String startedAt, String endedAt, String reason) {
        this(id, algorithm, input, state, attempts, queuedAt, startedAt, endedAt, reason, null, null, null);
    }

    /** A record's line. */
    public static JobSummary of(JobRecord record) {
        PipelinePlace place = record.pipeline();
        return new JobSummary(record.id(), record.algorithm(), record.input(), record.state(), record.attempt(),
                record.queuedAt(), record.startedAt(), record.endedAt(), record.reason(),
                place == null ? null : place.pipeline(), place == null ? null : place.batch(),
                place == null ? null : place.step());
    }
}
