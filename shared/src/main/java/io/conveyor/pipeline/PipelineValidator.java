package io.conveyor.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.conveyor.descriptor.DescriptorJson;
import io.conveyor.descriptor.JsonSchemas;
import io.conveyor.descriptor.Problem;
import io.conveyor.storage.Digests;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates pipeline files as descriptors are validated: UTF-8 and JSON syntax (line and column), the
 * JSON Schema {@code algorithms/schema/pipeline.schema.json}, then the rules a schema cannot express
 * ({@link PipelineChecks}): the steps' graph, the algorithms they name and the values they give. Every
 * error is reported, each with its JSON path.
 *
 * <p>Thread-safe; build one and keep it (loading the schema takes a moment).
 */
public final class PipelineValidator {

    /** What a failed oneOf (a fan-out) means. */
    static final String ONE_OF_FAN_OUT = "must have exactly one of parameterSets (one job per set) or members "
            + "(one job per member of the input)";

    private final JsonSchema schema = JsonSchemas.load("pipeline.schema.json");

    /**
     * Validates one pipeline file.
     *
     * @param source     what to call it in errors (a file name, an S3 URI)
     * @param content    its bytes
     * @param algorithms the algorithms its steps may name
     */
    public PipelineValidation validate(String source, byte[] content, AlgorithmLookup algorithms) {
        return check(source, content, java.util.Objects.requireNonNull(algorithms, "algorithms"));
    }

    /**
     * Reads a pipeline file accepted before (a registry's copy) without looking its algorithms up again:
     * every rule but those that need them. Its algorithms are checked where jobs start.
     */
    public PipelineValidation read(String source, byte[] content) {
        return check(source, content, null);
    }

    private PipelineValidation check(String source, byte[] content, AlgorithmLookup algorithms) {
        if (UserRequest.recognizes(content)) {
            return request(source, content, algorithms);
        }
        String sha256 = Digests.sha256(content);
        List<Problem> errors = new ArrayList<>();
        String text = DescriptorJson.decodeUtf8(content, errors);
        JsonNode root = text == null ? null : DescriptorJson.parse(JsonSchemas.STRICT, text, errors);
        if (!errors.isEmpty()) {
            return rejected(source, sha256, errors, List.of());
        }
        if (root == null || root.isMissingNode()) {
            return rejected(source, sha256, List.of(new Problem("", "is empty: a pipeline is a JSON object")), List.of());
        }
        if (!root.isObject()) {
            return rejected(source, sha256, List.of(new Problem("", "must be a JSON object, was "
                    + root.getNodeType().name().toLowerCase())), List.of());
        }
        errors.addAll(DescriptorJson.takeOutUnreadableNumbers(root));
        Set<String> numberPaths = new HashSet<>(errors.stream().map(Problem::path).toList());
        errors.addAll(DescriptorJson.nulProblems(root, ""));
        JsonSchemas.problems(schema, root, ONE_OF_FAN_OUT).stream()
                .filter(problem -> !numberPaths.contains(problem.path())).forEach(errors::add);
        if (!errors.isEmpty()) {
            return rejected(source, sha256, errors, List.of());
        }
        PipelineChecks.Result checked = PipelineChecks.check((ObjectNode) root, sha256, algorithms);
        if (!checked.errors().isEmpty()) {
            return rejected(source, sha256, checked.errors(), checked.warnings());
        }
        return new PipelineValidation(source, checked.pipeline(), sha256, List.of(),
                JsonSchemas.sorted(checked.warnings()), content);
    }

    /**
     * The original tool's {@code user_request.json} ({@link UserRequest}): converted, then checked as the pipeline file
     * it converts to ({@link PipelineDocument}), whose SHA-256 is the pipeline's revision. Errors of the conversion name
     * the request's own fields; the conversion's warnings (fields not used, and why) come first.
     */
    private PipelineValidation request(String source, byte[] content, AlgorithmLookup algorithms) {
        UserRequest.Conversion conversion = UserRequest.convert(source, content,
                algorithms == null ? name -> java.util.Optional.empty() : algorithms::algorithm);
        if (!conversion.valid()) {
            return rejected(source, Digests.sha256(content), conversion.errors(), conversion.warnings());
        }
        PipelineValidation converted = check(source, PipelineDocument.write(conversion.pipeline()), algorithms);
        List<Problem> warnings = new ArrayList<>(conversion.warnings());
        warnings.addAll(converted.warnings());
        return new PipelineValidation(source, converted.pipeline(), converted.sha256(), converted.errors(), warnings,
                converted.document());
    }

    private static PipelineValidation rejected(String source, String sha256, List<Problem> errors, List<Problem> warnings) {
        return PipelineValidation.rejected(source, sha256, JsonSchemas.sorted(errors), JsonSchemas.sorted(warnings));
    }
}
