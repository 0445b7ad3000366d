package io.conveyor.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration Conveyor uses: built once, shared, thread-safe.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /**
     * The shared mapper. Unknown properties are ignored: AWS adds fields to its events over time.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A parse error as a person reads it: {@code line 3, column 7: Unexpected character ...}.
     */
    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        // Jackson names the source in nested locations; the caller already names the file.
        message = message.replaceAll("\\[Source: [^;\\]]*; ", "[").lines().findFirst().orElse(message);
        JsonLocation location = e.getLocation();
        return location == null ? message
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + message;
    }
}
