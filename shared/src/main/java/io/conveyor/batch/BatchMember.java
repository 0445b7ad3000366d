package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One job of a step in a batch, and how it ended.
 *
 * @param jobId   its id
 * @param end     how it ended, or {@code null} while it has not
 * @param reason  why it failed or was cancelled, or {@code null}
 * @param endedAt when it ended (ISO-8601), or {@code null}: of two ends told, the later one counts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchMember(String jobId, End end, String reason, String endedAt) {

    /** How a member job ended. */
    public enum End {
        SUCCEEDED, FAILED, CANCELLED
    }

    public BatchMember {
        Objects.requireNonNull(jobId, "jobId");
    }

    static BatchMember added(String jobId) {
        return new BatchMember(jobId, null, null, null);
    }

    /** Whether it has ended. */
    public boolean ended() {
        return end != null;
    }
}
