package io.conveyor.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.util.Optional;

/**
 * The body of a jobs-queue message that names a job with a record ({@link JobQueue}), next to the
 * S3 notifications of new inputs: {@code {"conveyorJob":"job-<24 hex>"}}.
 */
public final class JobMessages {

    /** The one field of such a message. */
    public static final String FIELD = "conveyorJob";

    private JobMessages() {
    }

    /** The body of the message for a job. */
    public static String body(String jobId) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put(FIELD, jobId);
        return node.toString();
    }

    /**
     * The job a message body names, or empty when it is not such a message (an S3 notification).
     *
     * @throws IllegalArgumentException when it is such a message but does not name a job, naming the field
     */
    public static Optional<String> jobId(JsonNode body) {
        if (body == null || !body.isObject() || !body.has(FIELD)) {
            return Optional.empty();
        }
        JsonNode id = body.get(FIELD);
        if (!id.isTextual() || !id.asText().matches("job-[0-9a-f]{24}")) {
            throw new IllegalArgumentException(FIELD + ": expected a job id (job-<24 hex digits>), was " + id);
        }
        if (body.size() != 1) {
            throw new IllegalArgumentException("a " + FIELD + " message has no other fields, this one has " + body.size());
        }
        return Optional.of(id.asText());
    }
}
