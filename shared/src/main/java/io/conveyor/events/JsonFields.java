package io.conveyor.events;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
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
            JsonNode root;
            // One JSON value and nothing after it: a body with more is not what any AWS service sends.
            try (JsonParser parser = Json.mapper().createParser(body)) {
                root = Json.mapper().readTree(parser);
                if (root != null && parser.nextToken() != null) {
                    JsonLocation at = parser.currentTokenLocation();
                    throw new MalformedEventException("message body has data after its JSON object, at line "
                            + at.getLineNr() + ", column " + at.getColumnNr());
                }
            } catch (java.io.IOException e) {
                if (e instanceof JsonProcessingException processing) {
                    throw processing;
                }
                throw new java.io.UncheckedIOException(e);
            }
            if (root == null || !root.isObject()) {
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
