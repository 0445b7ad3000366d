package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.conveyor.storage.Digests;
import java.util.ArrayList;
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
        this.current = JsonSchemas.load("descriptor.schema.json");
        this.legacy = JsonSchemas.load("legacy-descriptor.schema.json");
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
        JsonNode root = text == null ? null : DescriptorJson.parse(JsonSchemas.STRICT, text, unreadable);
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

    private static List<Problem> schemaErrors(JsonSchema schema, JsonNode document) {
        return JsonSchemas.problems(schema, document, ONE_OF_COMMAND);
    }

    private static List<Problem> sorted(List<Problem> problems) {
        return JsonSchemas.sorted(problems);
    }

    private static Validation rejected(String source, DescriptorFormat format, String sha256, List<Problem> errors) {
        return rejected(source, format, sha256, errors, List.of());
    }

    private static Validation rejected(String source, DescriptorFormat format, String sha256, List<Problem> errors,
                                       List<Problem> warnings) {
        return new Validation(source, format, null, sha256, sorted(errors), sorted(warnings));
    }
}
