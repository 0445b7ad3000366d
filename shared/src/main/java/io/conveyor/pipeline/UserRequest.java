package io.conveyor.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.storage.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The original tool's workflow request ({@code user_request.json}) as a {@link Pipeline}.
 *
 * <pre>{"input_s3_name": "...", "output_s3_name": "...", "key_pair": "...", "account_id": "...", "region": "...",
 *  "process": {"type": "single_run" | "sequence_run",
 *              "algorithms": [{"name": "...", "port": [9090], "variables": {"NAME": "value"}}]}}</pre>
 *
 * <ul>
 *   <li>{@code single_run}: one step per listed algorithm, each taking the batch's files (one job per input
 *       for each); the original set up only the first, which a warning says when more are listed.</li>
 *   <li>{@code sequence_run}: a chain in the listed order, each step taking each output of the one before
 *       ({@link StepInput.OutputsOf}), as the original chained buckets.</li>
 *   <li>{@code variables}: the step's parameter values; each must be a declared parameter of the algorithm
 *       (a legacy descriptor's {@code user_specified_environment_variables}), hold no secret, and not be a
 *       variable that changes what runs.</li>
 *   <li>{@code port}: each must be one of the algorithm's ports.</li>
 *   <li>The buckets, {@code key_pair}, {@code account_id} and {@code region} are not used (each warning says
 *       why): the stack has its own.</li>
 * </ul>
 * The pipeline is named after the file ({@code algorithms/genomics.json} is {@code genomics}), its revision is
 * the SHA-256 of the bytes, and its batches end after {@link #QUIET_PERIOD} without a new file
 * ({@link BatchRule.Completion#QUIET}): no step gathers, so that only closes the batch's bookkeeping.
 */
public final class UserRequest {

    /** The largest request read. */
    public static final int MAX_BYTES = 64 * 1024;
    /** The most algorithms one request lists. */
    public static final int MAX_ALGORITHMS = 32;
    /** How long a batch waits for another file before it is complete. */
    public static final Duration QUIET_PERIOD = Duration.ofMinutes(10);
    /** How long a batch may stay open. */
    public static final Duration DEADLINE = Duration.ofDays(1);

    static final Set<String> FIELDS = Set.of("input_s3_name", "output_s3_name", "key_pair", "account_id", "region", "process");
    static final Set<String> PROCESS_FIELDS = Set.of("type", "algorithms");
    static final Set<String> ALGORITHM_FIELDS = Set.of("name", "port", "variables");
    private static final Map<String, String> NOT_USED = Map.of(
            "input_s3_name", "inputs go to the stack's input bucket, under inputs/%s/<batch>/ (the original created or "
                    + "reused the bucket named here)",
            "output_s3_name", "outputs go to the stack's output bucket, under outputs/<algorithm>/ (the original "
                    + "created or reused the bucket named here)",
            "key_pair", "Conveyor launches its instances from the stack's launch template, with no key pair: no one "
                    + "logs in to them",
            "account_id", "the stack's account is used (the original needed it to let its bucket send to its queue)",
            "region", "the stack's region is used");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private UserRequest() {
    }

    /**
     * A request converted: the pipeline (when there is no error), the warnings and the errors, each naming
     * the field of the request it is about.
     */
    public record Conversion(Pipeline pipeline, List<Problem> warnings, List<Problem> errors) {

        public Conversion {
            warnings = List.copyOf(warnings);
            errors = List.copyOf(errors);
        }

        /** Whether it converted without error. */
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** Whether {@code content} is meant as a workflow request: a JSON object with a {@code process} field. */
    public static boolean recognizes(byte[] content) {
        try {
            JsonNode root = STRICT.readTree(content);
            return root != null && root.isObject() && root.has("process");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Converts one request.
     *
     * @param source     where it lies ({@code algorithms/genomics.json}, an S3 key): its file name names the pipeline
     * @param content    its bytes
     * @param algorithms the registered (valid) descriptor of a name, as names are normalized
     */
    public static Conversion convert(String source, byte[] content, Function<String, Optional<Descriptor>> algorithms) {
        List<Problem> warnings = new ArrayList<>();
        List<Problem> errors = new ArrayList<>();
        JsonNode root = read(content, errors);
        if (root == null) {
            return new Conversion(null, warnings, errors);
        }
        String name = pipelineName(source, warnings, errors);
        unknownFields(root, "", FIELDS, errors);
        for (String field : List.of("input_s3_name", "output_s3_name", "key_pair", "account_id", "region")) {
            if (root.has(field) && text(root, field, "", errors) != null) {
                warnings.add(new Problem("/" + field, "not used: " + NOT_USED.get(field).formatted(name)));
            }
        }
        JsonNode process = root.get("process");
        if (process == null || !process.isObject()) {
            errors.add(new Problem("/process", process == null ? "is missing: it says what runs ({\"type\": "
                    + "\"single_run\", \"algorithms\": [...]})" : "must be an object"));
            return new Conversion(null, warnings, errors);
        }
        unknownFields(process, "/process", PROCESS_FIELDS, errors);
        String type = text(process, "type", "/process", errors);
        if (type == null && !process.has("type")) {
            errors.add(new Problem("/process/type", "is missing: single_run or sequence_run"));
        } else if (type != null && !type.equals("single_run") && !type.equals("sequence_run")) {
            errors.add(new Problem("/process/type", "is '" + UserRequestSteps.shown(type)
                    + "': single_run (each algorithm on each input) or sequence_run (a chain in the listed order)"));
            type = null;
        }
        List<Step> steps = UserRequestSteps.steps(process.get("algorithms"), "sequence_run".equals(type), algorithms,
                warnings, errors);
        if (!errors.isEmpty() || type == null) {
            return new Conversion(null, warnings, errors);
        }
        if (type.equals("single_run") && steps.size() > 1) {
            warnings.add(new Problem("/process/algorithms", "single_run: each of the " + steps.size() + " algorithms runs "
                    + "on every input (the original tool set up only the first)"));
        }
        BatchRule batches = new BatchRule(BatchRule.Completion.QUIET, QUIET_PERIOD, DEADLINE, BatchRule.MemberFailure.FAIL);
        Pipeline pipeline = new Pipeline(name, Digests.sha256(content), "Converted from the original tool's "
                + type + " request", steps, batches);
        return new Conversion(pipeline, warnings, errors);
    }

    private static JsonNode read(byte[] content, List<Problem> errors) {
        if (content.length > MAX_BYTES) {
            errors.add(new Problem("", "is " + content.length + " bytes; a request holds at most " + MAX_BYTES));
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            errors.add(new Problem("", "is not valid UTF-8: save the file as UTF-8"));
            return null;
        }
        try {
            JsonNode root = STRICT.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
            if (root == null || !root.isObject()) {
                errors.add(new Problem("", "must be a JSON object ({\"process\": {...}, ...})"));
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            errors.add(new Problem("", "is not valid JSON" + where + ": " + e.getOriginalMessage()));
            return null;
        }
    }

    /** The file name without {@code .json}, normalized as algorithm names are. */
    private static String pipelineName(String source, List<Problem> warnings, List<Problem> errors) {
        String file = source.substring(source.lastIndexOf('/') + 1);
        String stem = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
        String name = DescriptorValidator.legacyName(stem);
        if (name.isEmpty() || name.length() > 64) {
            errors.add(new Problem("", "its file name '" + UserRequestSteps.shown(file) + "' names the pipeline and "
                    + "must give 1 to 64 letters, digits or dashes"));
        } else if (!name.equals(stem)) {
            warnings.add(new Problem("", "the pipeline is named '" + name + "' after its file '"
                    + UserRequestSteps.shown(file) + "': upload inputs under inputs/" + name + "/<batch>/"));
        }
        return name;
    }

    static void unknownFields(JsonNode node, String path, Set<String> known, List<Problem> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!known.contains(field)) {
                errors.add(new Problem(path + "/" + UserRequestSteps.pointer(field), "unknown field '"
                        + UserRequestSteps.shown(field) + "'; the fields are " + String.join(", ", new java.util.TreeSet<>(known))));
            }
        }
    }

    /** The string {@code field} of {@code node}, or {@code null} (with an error when it is there but not a string). */
    static String text(JsonNode node, String field, String path, List<Problem> errors) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new Problem(path + "/" + field, "must be a string, not " + value.getNodeType().name().toLowerCase()));
            return null;
        }
        return value.textValue();
    }
}
