package io.conveyor.descriptor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schemas of {@code algorithms/schema/} (descriptors, legacy descriptors, pipelines) and the one
 * way their violations become {@link Problem}s: the path of the value at fault, unknown fields named, and
 * patterns explained in words.
 */
public final class JsonSchemas {

    /** Reads JSON as the validators do: duplicate keys refused, decimals exact. */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** What the schemas' patterns mean, in words an author reads faster than a regex. */
    private static final Map<String, String> PATTERNS = Map.of(
            "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$",
            "must be lowercase letters, digits and dashes, at most 64 characters, starting and ending with a letter or digit",
            "^[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$",
            "must be an image reference: registry/name:tag or registry/name@sha256:<64 hex digits>, the name in lowercase",
            "^[A-Za-z_][A-Za-z0-9_]{0,127}$",
            "must be a variable name: letters, digits and underscores, not starting with a digit, at most 128 characters",
            "^\\.[A-Za-z0-9._-]{1,32}$",
            "must be a file name ending that starts with a dot, e.g. '.csv'",
            "^[a-z][a-z0-9-]*\\.[a-z0-9]+$",
            "must be an EC2 instance type such as 't3.small'");

    private JsonSchemas() {
    }

    /** The schema {@code algorithms/schema/<file>}, as the build copies it onto the classpath. */
    public static JsonSchema load(String file) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        try (InputStream in = JsonSchemas.class.getResourceAsStream("schema/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema " + file + " is not on the classpath");
            }
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Schema violations as problems, ordered by path, without duplicates.
     *
     * @param oneOf what a failed {@code oneOf} means at its path (its branches' own failures there are
     *              dropped), or {@code null} to keep the validator's words
     */
    public static List<Problem> problems(JsonSchema schema, JsonNode document, String oneOf) {
        Set<ValidationMessage> messages = schema.validate(document);
        List<Problem> problems = new ArrayList<>();
        for (ValidationMessage message : messages) {
            String path = message.getInstanceLocation().toString();
            String text = message.getMessage();
            // networknt prefixes the message with the location it already gave us.
            if (text.startsWith(path + ": ")) {
                text = text.substring(path.length() + 2);
            } else if (text.startsWith(": ")) {
                text = text.substring(2);
            }
            if ("additionalProperties".equals(message.getType()) && message.getProperty() != null) {
                path = path + "/" + message.getProperty();
                text = "unknown field '" + message.getProperty() + "'";
            }
            text = explainPattern(text);
            if (oneOf != null && "oneOf".equals(message.getType())) {
                text = oneOf;
            }
            Problem problem = new Problem(path, text);
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
        List<Problem> ordered = sorted(problems);
        if (oneOf == null) {
            return ordered;
        }
        Set<String> summarized = new HashSet<>();
        ordered.stream().filter(problem -> problem.message().equals(oneOf)).forEach(problem -> summarized.add(problem.path()));
        return ordered.stream().filter(problem -> !summarized.contains(problem.path())
                || problem.message().equals(oneOf)).toList();
    }

    private static String explainPattern(String text) {
        String marker = "does not match the regex pattern ";
        int at = text.indexOf(marker);
        if (at < 0) {
            return text;
        }
        String friendly = PATTERNS.get(text.substring(at + marker.length()));
        return friendly == null ? text : text.substring(0, at) + friendly;
    }

    /** Problems ordered by path, then message. */
    public static List<Problem> sorted(List<Problem> problems) {
        return problems.stream().sorted(Comparator.comparing(Problem::path).thenComparing(Problem::message)).toList();
    }
}
