package io.conveyor.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What ECS reported about the task of one attempt (on AWS): kept in the job's record for every
 * attempt, so a failed job shows each attempt's exit codes and ECS's reasons.
 *
 * @param attempt       the attempt it ran
 * @param taskArn       the ECS task
 * @param version       ECS's counter of the task's changes last applied (a lower one is older news)
 * @param lastStatus    the task's last status seen, e.g. {@code RUNNING}, {@code STOPPED}
 * @param startedAt     when ECS says it started running (ISO-8601), or {@code null}
 * @param stoppedAt     when ECS says it stopped, or {@code null}
 * @param exitCodes     container name → exit code, for the containers that have one
 * @param stopCode      ECS's stop code, e.g. {@code EssentialContainerExited}, or {@code null}
 * @param stoppedReason ECS's words for why it stopped, or {@code null}
 * @param logStreams    container name → its CloudWatch Logs stream in the stack's task log group
 * @param imageDigests  container name → the digest of the image that actually ran ({@code sha256:…}), for the
 *                      containers ECS reported one for (provenance: a tag may move, the digest does not)
 * @param taskDefinitionArn the task definition revision the task ran (what {@code retry --same-image} pins), or
 *                      {@code null} in records made before it was kept
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRun(int attempt, String taskArn, long version, String lastStatus, String startedAt, String stoppedAt,
                      Map<String, Integer> exitCodes, String stopCode, String stoppedReason,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> logStreams,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> imageDigests,
                      String taskDefinitionArn) {

    public TaskRun {
        Objects.requireNonNull(taskArn, "taskArn");
        exitCodes = exitCodes == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(exitCodes));
        logStreams = logStreams == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(logStreams));
        imageDigests = imageDigests == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(imageDigests));
    }

    /** A task's run whose log streams and images' digests are not known. */
    public TaskRun(int attempt, String taskArn, long version, String lastStatus, String startedAt, String stoppedAt,
                   Map<String, Integer> exitCodes, String stopCode, String stoppedReason) {
        this(attempt, taskArn, version, lastStatus, startedAt, stoppedAt, exitCodes, stopCode, stoppedReason, null, null);
    }

    /** A task's run whose task definition is not known. */
    public TaskRun(int attempt, String taskArn, long version, String lastStatus, String startedAt, String stoppedAt,
                   Map<String, Integer> exitCodes, String stopCode, String stoppedReason, Map<String, String> logStreams,
                   Map<String, String> imageDigests) {
        this(attempt, taskArn, version, lastStatus, startedAt, stoppedAt, exitCodes, stopCode, stoppedReason, logStreams,
                imageDigests, null);
    }

    /** The same run, with its containers' log streams. */
    public TaskRun withLogStreams(Map<String, String> streams) {
        return new TaskRun(attempt, taskArn, version, lastStatus, startedAt, stoppedAt, exitCodes, stopCode,
                stoppedReason, streams, imageDigests, taskDefinitionArn);
    }

    /** The same run, with the digests of the images its containers ran. */
    public TaskRun withImageDigests(Map<String, String> digests) {
        return new TaskRun(attempt, taskArn, version, lastStatus, startedAt, stoppedAt, exitCodes, stopCode,
                stoppedReason, logStreams, digests, taskDefinitionArn);
    }
}
