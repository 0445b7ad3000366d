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
 * @param file    the batch file it was made of (a first step's job), or {@code null}
 * @param fileVersion that file's version
 * @param parent  the member whose output it was made of, or {@code null}
 * @param superseded whether a newer version of the file it comes from (itself or through its parents) arrived:
 *                it no longer counts for gathers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchMember(String jobId, End end, String reason, String endedAt, String file, String fileVersion,
                          String parent, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean superseded) {

    /** How a member job ended. */
    public enum End {
        SUCCEEDED, FAILED, CANCELLED
    }

    public BatchMember {
        Objects.requireNonNull(jobId, "jobId");
    }

    static BatchMember added(String jobId) {
        return new BatchMember(jobId, null, null, null, null, null, null, false);
    }

    /** The same member, ended. */
    BatchMember ending(End how, String why, String at) {
        return new BatchMember(jobId, how, why, at, file, fileVersion, parent, superseded);
    }

    /** The same member, made of a version of a batch file. */
    BatchMember madeOf(String name, String version) {
        return new BatchMember(jobId, end, reason, endedAt, name, version, parent, superseded);
    }

    /** The same member, made of another member's output. */
    BatchMember madeFrom(String parentJob) {
        return new BatchMember(jobId, end, reason, endedAt, file, fileVersion, parentJob, superseded);
    }

    /** The same member, superseded or not. */
    BatchMember superseding(boolean is) {
        return is == superseded ? this : new BatchMember(jobId, end, reason, endedAt, file, fileVersion, parent, is);
    }

    /** Whether it has ended. */
    public boolean ended() {
        return end != null;
    }
}
