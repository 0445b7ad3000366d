package io.conveyor.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;

/**
 * Reading event JSON with errors that name the field's path.
 */
final class JsonFields {

    private JsonFields() {
    }

    /**
     * A message body as a JSON object.
     */
    static JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedEventException("message body is empty");
        }
        try {
            JsonNode root = Json.mapper().readTree(body);
            if (!root.isObject()) {
                throw new MalformedEventException("message body is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("message body is not JSON: " + Json.describe(e), e);
        }
    }

    /**
     * A required string field of {@code node}, which lies at {@code path} ("" for the root).
     */
    static String text(JsonNode node, String field, String path) {
        String at = path.isEmpty() ? field : path + "." + field;
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedEventException(at + ": missing");
        }
        if (!value.isTextual()) {
            throw new MalformedEventException(at + ": expected a string, was " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    /**
     * An optional whole-number field, or {@code null}.
     */
    static Long wholeNumber(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MalformedEventException((path.isEmpty() ? field : path + "." + field)
                    + ": expected a whole number, was " + value);
        }
        return value.asLong();
    }
}
