package io.conveyor.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The body of a jobs-queue message that asks dispatch to look at a batch again (a {@link BatchEvent.Tick}), sent
 * delayed for a {@link BatchDecision.LookAgain}: {@code {"conveyorBatch": {"pipeline": "<p>", "batch": "<b>", "at":
 * "<instant>"}}}, {@code at} being the look's instant (the tick it brings is {@code Tick(at)}; without it, a tick of
 * no look).
 */
public final class BatchMessages {

    /** The one field of such a message. */
    public static final String FIELD = "conveyorBatch";
    /** SQS's longest delay of a message, in seconds: a later instant is reached by sending again on the tick. */
    public static final int MAX_DELAY_SECONDS = 900;

    /** A batch of a pipeline, and the instant of the look that names it ({@code null}: none). */
    public record Ref(String pipeline, String batch, Instant at) {
        public Ref {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(batch, "batch");
        }
    }

    private BatchMessages() {
    }

    /** The body of the message for a batch's look at an instant. */
    public static String body(String pipeline, String batch, Instant at) {
        ObjectNode node = Json.mapper().createObjectNode();
        ObjectNode ref = node.putObject(FIELD);
        ref.put("pipeline", pipeline);
        ref.put("batch", batch);
        ref.put("at", at.toString());
        return node.toString();
    }

    /** The delay of the message for an instant {@code seconds} away: never below 0 nor above SQS's 900 s. */
    public static int delaySeconds(long seconds) {
        return (int) Math.max(0, Math.min(MAX_DELAY_SECONDS, seconds));
    }

    /**
     * The batch a message body names, or empty when it is not such a message.
     *
     * @throws IllegalArgumentException when it is such a message but malformed, naming the field
     */
    public static Optional<Ref> batch(JsonNode body) {
        if (body == null || !body.isObject() || !body.has(FIELD)) {
            return Optional.empty();
        }
        if (body.size() != 1) {
            throw new IllegalArgumentException("a " + FIELD + " message has no other fields, this one has " + body.size());
        }
        JsonNode ref = body.get(FIELD);
        if (!ref.isObject() || ref.size() != (ref.has("at") ? 3 : 2)) {
            throw new IllegalArgumentException(FIELD + ": expected {\"pipeline\": ..., \"batch\": ..., \"at\": ...}, was "
                    + ref);
        }
        return Optional.of(new Ref(name(ref, "pipeline"), name(ref, "batch"), ref.has("at") ? at(ref.get("at")) : null));
    }

    private static Instant at(JsonNode value) {
        try {
            return Instant.parse(value.asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(FIELD + ".at: expected an ISO-8601 instant, was " + value);
        }
    }

    private static String name(JsonNode ref, String field) {
        JsonNode value = ref.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank() || value.asText().contains("/")
                || value.asText().length() > 255) {
            throw new IllegalArgumentException(FIELD + "." + field + ": expected a name (1 to 255 characters, no '/'), was "
                    + value);
        }
        return value.asText();
    }
}
