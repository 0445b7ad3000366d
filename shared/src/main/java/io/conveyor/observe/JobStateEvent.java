package io.conveyor.observe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import io.conveyor.storage.ObjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One job's change of state, as published: the detail of an EventBridge event of source {@value #SOURCE} and
 * detail-type {@value #DETAIL_TYPE}, and a line of the local outbox's {@code events.jsonl}. Delivery is at least
 * once at best: a consumer dedupes on {@code jobId}, {@code state} and {@code attempt}.
 *
 * @param stack         the stack (or {@code local})
 * @param jobId         the job
 * @param algorithm     its algorithm
 * @param state         the state it reached
 * @param previousState the state it left, or {@code null} when the job was created in {@code state}
 * @param attempt       its attempt (0 before the first)
 * @param input         its input: the bucket and key on AWS, the file as {@code key} locally
 * @param reason        why it failed, waits or was cancelled, or {@code null}
 * @param exitCode      the algorithm's exit code of the last finished attempt, or {@code null}
 * @param output        where its output lies, or {@code null}
 * @param outputs       the files it produced, relative to {@code output}
 * @param updatedAt     when the change was written (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStateEvent(String stack, String jobId, String algorithm, JobState state, JobState previousState,
                            int attempt, Input input, String reason, Integer exitCode, String output,
                            List<String> outputs, String updatedAt) {

    /** The events' source. */
    public static final String SOURCE = "conveyor";
    /** The events' detail-type. */
    public static final String DETAIL_TYPE = "Job State Change";

    /** Where the input lies. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(String bucket, String key) {
    }

    public JobStateEvent {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** The event of a written change ({@code before} {@code null}: the record was created). */
    public static JobStateEvent of(String stack, JobRecord before, JobRecord after, Instant at) {
        return new JobStateEvent(stack, after.id(), after.algorithm(), after.state(),
                before == null ? null : before.state(), after.attempt(), input(after.input()), after.reason(),
                after.exitCode(), after.output(), after.outputs(), at.toString());
    }

    private static Input input(String location) {
        if (location == null) {
            return null;
        }
        if (location.startsWith("s3://")) {
            ObjectRef ref = ObjectRef.parse(location);
            return new Input(ref.bucket(), ref.key());
        }
        return new Input(null, location);
    }

    /** The detail as one line of JSON. */
    public String json() {
        try {
            return Json.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
