package io.conveyor.descriptor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Validates descriptors in either format and normalizes them: JSON syntax (line and column), the
 * JSON Schema in {@code algorithms/schema/}, legacy conversion, then the rules a schema cannot
 * express ({@link SemanticChecks}). Every error is reported, each with its JSON path.
 *
 * <p>Thread-safe; build one and keep it (loading the schemas takes a moment).
 */
public final class DescriptorValidator {

    /** What a failed oneOf (a command) means; the bounds are the schema's. */
    private static final String ONE_OF_COMMAND = "must be a non-empty array of strings (at most 256, each at most "
            + "4096 characters) or a non-empty string (at most 8192 characters)";

    /** Fields only the legacy format has. */
    static final Set<String> LEGACY_FIELDS = Set.of("container_name", "system", "input_file_path", "output_file_path",
            "executable", "executable_path", "run_command", "instance_type", "memory", "CPU",
            "user_specified_environment_variables", "port", "sequence_run");
    /** Fields only the current format has. */
    static final Set<String> CURRENT_FIELDS = Set.of("image", "command", "input", "resources", "instanceTypes",
            "timeoutSeconds", "retries", "environment", "parameters", "ports", "isolation", "local", "then");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final JsonSchema current;
    private final JsonSchema legacy;

    /**
     * The name an algorithm of the original tool's format is registered under: lowercase letters, digits
     * and dashes (what a legacy descriptor's {@code name}, or a {@code user_request.json}, writes becomes this).
     */
    public static String legacyName(String written) {
        return LegacyConverter.normalizeName(written);
    }

    public DescriptorValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
        this.current = load(factory, config, "descriptor.schema.json");
        this.legacy = load(factory, config, "legacy-descriptor.schema.json");
    }

    private static JsonSchema load(JsonSchemaFactory factory, SchemaValidatorsConfig config, String file) {
        try (InputStream in = DescriptorValidator.class.getResourceAsStream("schema/" + file)) {
            if (in == null) {
                throw new IllegalStateException("schema " + file + " is not on the classpath");
            }
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Validates one descriptor.
     *
     * @param source  what to call it in errors (a file name, an S3 URI)
     * @param content its bytes
     */
    public Validation validate(String source, byte[] content) {
        String sha256 = Digests.sha256(content);
        List<Problem> unreadable = new ArrayList<>();
        String text = DescriptorJson.decodeUtf8(content, unreadable);
        JsonNode root = text == null ? null : DescriptorJson.parse(STRICT, text, unreadable);
        if (!unreadable.isEmpty()) {
            return rejected(source, null, sha256, unreadable);
        }
        if (root == null || root.isMissingNode()) {
            return rejected(source, null, sha256, List.of(new Problem("", "is empty: a descriptor is a JSON object")));
        }
        if (!root.isObject()) {
            return rejected(source, null, sha256, List.of(new Problem("", "must be a JSON object, was "
                    + root.getNodeType().name().toLowerCase())));
        }
        List<String> legacyFields = fields(root, LEGACY_FIELDS);
        List<String> currentFields = fields(root, CURRENT_FIELDS);
        if (!legacyFields.isEmpty() && !currentFields.isEmpty()) {
            return rejected(source, null, sha256, List.of(new Problem("", "mixes legacy fields " + legacyFields
                    + " with current ones " + currentFields + "; write one format")));
        }
        DescriptorFormat format = legacyFields.isEmpty() ? DescriptorFormat.CURRENT : DescriptorFormat.LEGACY;
        List<Problem> numberErrors = DescriptorJson.takeOutUnreadableNumbers(root);
        Set<String> numberPaths = new java.util.HashSet<>(numberErrors.stream().map(Problem::path).toList());
        List<Problem> schemaErrors = new ArrayList<>(numberErrors);
        schemaErrors.addAll(DescriptorJson.nulProblems(root, ""));
        for (Problem problem : schemaErrors(format == DescriptorFormat.LEGACY ? legacy : current, root)) {
            if (!numberPaths.contains(problem.path())) {
                schemaErrors.add(problem);
            }
        }
        if (format == DescriptorFormat.LEGACY) {
            schemaErrors = oneLegacyCommandError(schemaErrors);
        }
        if (!schemaErrors.isEmpty()) {
            return rejected(source, format, sha256, schemaErrors);
        }
        List<Problem> warnings = new ArrayList<>();
        List<Problem> errors = new ArrayList<>();
        ObjectNode document = (ObjectNode) root;
        LegacyConverter.PathMap paths = LegacyConverter.PathMap.IDENTITY;
        if (format == DescriptorFormat.LEGACY) {
            LegacyConverter.Conversion conversion = LegacyConverter.convert(document);
            document = conversion.document();
            paths = conversion.paths();
            warnings.addAll(conversion.warnings());
            errors.addAll(conversion.errors());
            List<Problem> converted = schemaErrors(current, document);
            for (Problem problem : converted) {
                errors.add(new Problem(paths.toSource(problem.path()), problem.message()));
            }
        }
        if (!errors.isEmpty()) {
            return rejected(source, format, sha256, errors);
        }
        SemanticChecks.Result checked = SemanticChecks.check(document);
        for (Problem problem : checked.errors()) {
            errors.add(new Problem(paths.toSource(problem.path()), problem.message()));
        }
        for (Problem problem : checked.warnings()) {
            warnings.add(new Problem(paths.toSource(problem.path()), problem.message()));
        }
        if (!errors.isEmpty()) {
            return rejected(source, format, sha256, errors, warnings);
        }
        return new Validation(source, format, checked.descriptor(), sha256, List.of(), sorted(warnings));
    }

    /** The legacy schema's anyOf names each way to give a command; one sentence says it better. */
    private static List<Problem> oneLegacyCommandError(List<Problem> errors) {
        Set<Problem> alternatives = Set.of(new Problem("", "required property 'run_command' not found"),
                new Problem("", "required property 'executable_path' not found"),
                new Problem("", "required property 'executable' not found"));
        if (!errors.containsAll(alternatives)) {
            return errors;
        }
        List<Problem> merged = new ArrayList<>(errors.stream().filter(error -> !alternatives.contains(error)).toList());
        merged.add(new Problem("", "needs a command: run_command, or executable_path (or executable)"));
        return sorted(merged);
    }

    private static List<String> fields(JsonNode root, Set<String> names) {
        List<String> found = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (names.contains(name)) {
                found.add(name);
            }
        });
        return found;
    }

    /** Schema violations as problems: the path of the value at fault and the rule, without duplicates. */
    private static List<Problem> schemaErrors(JsonSchema schema, JsonNode document) {
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
            if ("oneOf".equals(message.getType())) {
                text = ONE_OF_COMMAND;
            }
            Problem problem = new Problem(path, text);
            if (!problems.contains(problem)) {
                problems.add(problem);
            }
        }
        return dropOneOfDetails(sorted(problems));
    }

    /** What the schema's patterns mean, in words an author reads faster than a regex. */
    private static final java.util.Map<String, String> PATTERNS = java.util.Map.of(
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

    private static String explainPattern(String text) {
        String marker = "does not match the regex pattern ";
        int at = text.indexOf(marker);
        if (at < 0) {
            return text;
        }
        String friendly = PATTERNS.get(text.substring(at + marker.length()));
        return friendly == null ? text : text.substring(0, at) + friendly;
    }

    /** A failed oneOf also reports each branch's failure at the same path; the summary says it all. */
    private static List<Problem> dropOneOfDetails(List<Problem> problems) {
        Set<String> summarized = new java.util.HashSet<>();
        for (Problem problem : problems) {
            if (problem.message().equals(ONE_OF_COMMAND)) {
                summarized.add(problem.path());
            }
        }
        return problems.stream().filter(problem -> !summarized.contains(problem.path())
                || problem.message().equals(ONE_OF_COMMAND)).toList();
    }

    private static List<Problem> sorted(List<Problem> problems) {
        return problems.stream().sorted(Comparator.comparing(Problem::path).thenComparing(Problem::message)).toList();
    }

    private static Validation rejected(String source, DescriptorFormat format, String sha256, List<Problem> errors) {
        return rejected(source, format, sha256, errors, List.of());
    }

    private static Validation rejected(String source, DescriptorFormat format, String sha256, List<Problem> errors,
                                       List<Problem> warnings) {
        return new Validation(source, format, null, sha256, sorted(errors), sorted(warnings));
    }
}
