package io.conveyor.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.descriptor.DescriptorJson;
import io.conveyor.descriptor.Problem;
import io.conveyor.storage.Digests;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline file accepted before (a registry's copy), read by the functions that make its jobs (dispatch,
 * task-events, the reconciler) without its JSON Schema: {@link PipelineValidator} checked it at registration, and
 * the schema validator is not in those functions' artifacts (only the register function and the CLI carry it).
 * The rules a schema cannot express ({@link PipelineChecks}) are applied again, so a record edited by hand into
 * something broken is refused, never run.
 */
public final class AcceptedPipeline {

    /** Reads JSON as the validators do: duplicate keys refused, decimals exact. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private AcceptedPipeline() {
    }

    /**
     * The pipeline of an accepted file; its revision is the SHA-256 of {@code content}.
     *
     * @throws IllegalArgumentException naming {@code source} and every problem, when it is not a pipeline
     */
    public static Pipeline read(String source, byte[] content) {
        List<Problem> problems = new ArrayList<>();
        String text = DescriptorJson.decodeUtf8(content, problems);
        JsonNode root = text == null ? null : DescriptorJson.parse(STRICT, text, problems);
        if (problems.isEmpty() && (root == null || !root.isObject())) {
            problems.add(new Problem("", "must be a JSON object"));
        }
        if (problems.isEmpty()) {
            PipelineChecks.Result checked = PipelineChecks.check((ObjectNode) root, Digests.sha256(content), null);
            if (checked.errors().isEmpty()) {
                return checked.pipeline();
            }
            problems.addAll(checked.errors());
        }
        throw new IllegalArgumentException(source + " is not a pipeline: " + problems);
    }
}
