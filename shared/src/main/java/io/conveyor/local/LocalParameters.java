package io.conveyor.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of an input's parameters in the local mode, where S3 has object metadata: those given for
 * every input ({@code --param K=V}), overridden by the input's sidecar, a JSON object of strings in a
 * file beside it named {@code <input name>.conveyor-params} ({@code {"threshold": "0.5"}}). A file whose
 * name ends so is never an input: the inbox scanner leaves it to the input it belongs to.
 */
public final class LocalParameters {

    /** What a sidecar's name ends with. */
    public static final String SIDECAR_SUFFIX = ".conveyor-params";

    /** A parameter's name, as the descriptor schema allows it. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** A sidecar that cannot be read as parameters; the message names the file and what is wrong. */
    public static final class BadSidecarException extends IOException {
        BadSidecarException(String message) {
            super(message);
        }
    }

    private LocalParameters() {
    }

    /** The sidecar of an input file. */
    public static Path sidecar(Path input) {
        return input.resolveSibling(input.getFileName() + SIDECAR_SUFFIX);
    }

    /** Whether a file is a sidecar (and so never an input). */
    public static boolean isSidecar(Path file) {
        // The whole path ends so exactly when its last name does (the suffix holds no separator), and a path's text is
        // kept once made: an inbox's scan asks this of every file.
        return file.toString().endsWith(SIDECAR_SUFFIX);
    }

    /** Refuses a name no descriptor could declare. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name + "' is not a parameter name (letters, digits"
                    + " and _, not starting with a digit, at most 128)");
        }
    }

    /** {@code --param} values, then the input's sidecar's, which win. */
    static Map<String, String> of(LocalSettings settings, Path input) throws BadSidecarException {
        Map<String, String> values = new LinkedHashMap<>(settings.parameters());
        values.putAll(read(sidecar(input)));
        return values;
    }

    /**
     * {@code --param} values, then the input's sidecar's, then a pipeline job's own (its place's), which win over
     * both whatever the case of their names (parameter names match case-insensitively).
     */
    static Map<String, String> of(LocalSettings settings, Path input, io.conveyor.jobs.PipelinePlace place)
            throws BadSidecarException {
        Map<String, String> values = of(settings, input);
        if (place != null) {
            place.parameters().keySet().forEach(name -> values.keySet().removeIf(given -> given.equalsIgnoreCase(name)));
            values.putAll(place.parameters());
        }
        return values;
    }

    /** A sidecar's parameters; none when there is no sidecar. */
    static Map<String, String> read(Path sidecar) throws BadSidecarException {
        if (!Files.isRegularFile(sidecar)) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(sidecar));
        } catch (JsonProcessingException e) {
            throw new BadSidecarException(sidecar + ": not JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw new BadSidecarException(sidecar + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadSidecarException(sidecar + ": must be a JSON object of parameter names to string values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!NAME.matcher(field.getKey()).matches()) {
                throw new BadSidecarException(sidecar + ": /" + field.getKey() + ": not a parameter name");
            }
            if (!field.getValue().isTextual()) {
                throw new BadSidecarException(sidecar + ": /" + field.getKey() + ": must be a string, was "
                        + field.getValue().getNodeType().name().toLowerCase());
            }
            values.put(field.getKey(), field.getValue().textValue());
        }
        return values;
    }
}
