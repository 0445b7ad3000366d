package io.conveyor.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Pipeline} written back in the pipeline file's format ({@code algorithms/schema/pipeline.schema.json}):
 * how a pipeline made another way (the original tool's {@code user_request.json}, {@link UserRequest}) is checked by
 * every rule of a pipeline file and kept in the registry as one. Its revision is then this document's SHA-256.
 */
public final class PipelineDocument {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PipelineDocument() {
    }

    /** The pipeline as a pipeline file would define it, fields in the order the format's reference shows. */
    public static byte[] write(Pipeline pipeline) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", pipeline.name());
        if (pipeline.description() != null) {
            root.put("description", pipeline.description());
        }
        BatchRule rule = pipeline.batches();
        ObjectNode batches = root.putObject("batches");
        batches.put("complete", rule.completion().name().toLowerCase(Locale.ROOT));
        if (rule.completion() == BatchRule.Completion.QUIET) {
            batches.put("quietSeconds", rule.quietPeriod().toSeconds());
        }
        batches.put("deadlineMinutes", rule.deadline().toMinutes());
        batches.put("onMemberFailure", rule.onMemberFailure().name().toLowerCase(Locale.ROOT));
        ArrayNode steps = root.putArray("steps");
        for (Step step : pipeline.steps()) {
            ObjectNode written = steps.addObject();
            written.put("name", step.name());
            written.put("algorithm", step.algorithm());
            switch (step.input()) {
                case StepInput.OutputsOf after -> written.put("after", after.step());
                case StepInput.GatherOf gather -> written.put("gather", gather.step());
                case StepInput.BatchFiles files -> { }
            }
            switch (step.fanOut()) {
                case FanOut.ParameterSets sets -> {
                    ArrayNode list = written.putObject("fanOut").putArray("parameterSets");
                    sets.sets().forEach(set -> values(list.addObject(), set));
                }
                case FanOut.ArchiveMembers archive -> written.putObject("fanOut").put("members", "archive");
                case FanOut.ListedPrefix listed -> written.putObject("fanOut").put("members", "listedPrefix");
                case FanOut.None none -> { }
            }
            if (!step.parameters().isEmpty()) {
                values(written.putObject("parameters"), step.parameters());
            }
        }
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a pipeline could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void values(ObjectNode node, Map<String, String> values) {
        values.forEach(node::put);
    }
}
