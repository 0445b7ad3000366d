package io.conveyor.pipeline;

import static io.conveyor.pipeline.PipelineTesting.pipeline;
import static io.conveyor.pipeline.PipelineTesting.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Problem;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pipeline file's syntax, schema and defaults; the graph and values are {@link PipelineChecksTest}'s. */
class PipelineValidatorTest {

    static final String EXAMPLE = """
            {
              "pipeline": "scan-report",
              "description": "Counts, upper-cases, sweeps and summarizes.",
              "batches": {"complete": "quiet", "quietSeconds": 120, "deadlineMinutes": 600, "onMemberFailure": "skip"},
              "steps": [
                {"name": "count", "algorithm": "word-count"},
                {"name": "upper", "algorithm": "uppercase", "after": "count"},
                {"name": "sweep", "algorithm": "threshold", "parameters": {"MODE": "fast"},
                 "fanOut": {"parameterSets": [{"THRESHOLD": "1"}, {"THRESHOLD": "2"}]}},
                {"name": "unpack", "algorithm": "compress", "fanOut": {"members": "archive"}},
                {"name": "listed", "algorithm": "compress", "fanOut": {"members": "listedPrefix"}},
                {"name": "summary", "algorithm": "compress", "gather": "count"}
              ]
            }
            """;

    @Test
    void validate_everyKindOfStep_parsesIntoThePipeline() {
        // Given a pipeline with per-file, per-output, fanned-out and gathering steps
        byte[] bytes = EXAMPLE.getBytes(StandardCharsets.UTF_8);

        // When it is validated
        PipelineValidation validation = PipelineTesting.VALIDATOR.validate("scan.json", bytes, PipelineTesting.ALGORITHMS);

        // Then every step, edge, fan-out and the batch rule are as written; the revision is the bytes' SHA-256
        assertThat(validation.errors()).isEmpty();
        Pipeline pipeline = validation.pipeline();
        assertThat(pipeline.name()).isEqualTo("scan-report");
        assertThat(pipeline.revision()).isEqualTo(Digests.sha256(bytes)).isEqualTo(validation.sha256());
        assertThat(pipeline.description()).isEqualTo("Counts, upper-cases, sweeps and summarizes.");
        assertThat(pipeline.steps()).extracting(Step::input).containsExactly(new StepInput.BatchFiles(),
                new StepInput.OutputsOf("count"), new StepInput.BatchFiles(), new StepInput.BatchFiles(),
                new StepInput.BatchFiles(), new StepInput.GatherOf("count"));
        assertThat(pipeline.step("sweep").orElseThrow().fanOut()).isEqualTo(new FanOut.ParameterSets(
                List.of(Map.of("THRESHOLD", "1"), Map.of("THRESHOLD", "2"))));
        assertThat(pipeline.step("sweep").orElseThrow().parameters()).isEqualTo(Map.of("MODE", "fast"));
        assertThat(pipeline.step("unpack").orElseThrow().fanOut()).isEqualTo(new FanOut.ArchiveMembers());
        assertThat(pipeline.step("listed").orElseThrow().fanOut()).isEqualTo(new FanOut.ListedPrefix());
        assertThat(pipeline.batches()).isEqualTo(new BatchRule(BatchRule.Completion.QUIET, Duration.ofSeconds(120),
                Duration.ofMinutes(600), BatchRule.MemberFailure.SKIP));
    }

    @Test
    void validate_batchesWithoutDeadlineOrPolicy_defaultsTo24HoursAndFail() {
        // Given batches that only say when a batch is complete
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"word-count\"}", "{\"complete\": \"manifest\"}");

        // When it is validated
        Pipeline pipeline = validate(json).accepted().orElseThrow();

        // Then the deadline is 24 hours and a failed member fails the gather
        assertThat(pipeline.batches()).isEqualTo(new BatchRule(BatchRule.Completion.MANIFEST, null, Duration.ofHours(24),
                BatchRule.MemberFailure.FAIL));
    }

    @Test
    void validate_malformedJson_namesLineAndColumn() {
        // Given a pipeline missing a comma on its third line
        String json = "{\"pipeline\": \"scan\",\n \"steps\": [\n {\"name\": \"a\" \"algorithm\": \"word-count\"}]}";

        // When it is validated
        PipelineValidation validation = validate(json);

        // Then the one error says where
        assertThat(validation.errors()).singleElement().satisfies(problem ->
                assertThat(problem.message()).startsWith("not valid JSON: line 3, column"));
    }

    @Test
    void validate_invalidUtf8_namesTheByteOffset() {
        // Given a description holding an overlong encoding
        byte[] head = "{\"pipeline\": \"scan\", \"description\": \"x".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 4);
        bytes[head.length] = (byte) 0xC0;
        bytes[head.length + 1] = (byte) 0xAD;
        bytes[head.length + 2] = '"';
        bytes[head.length + 3] = '}';

        // When it is validated
        PipelineValidation validation = PipelineTesting.VALIDATOR.validate("p.json", bytes, PipelineTesting.ALGORITHMS);

        // Then the error names the offset
        assertThat(validation.errors()).extracting(Problem::message).singleElement().asString()
                .contains("not valid UTF-8: at byte offset " + head.length);
    }

    @Test
    void validate_wrongTypesAndUnknownFields_namesEachPath() {
        // Given a step name that is a number, an unknown field, and a deadline of zero
        String json = pipeline("{\"name\": 7, \"algorithm\": \"word-count\", \"colour\": \"red\"}",
                "{\"complete\": \"marker\", \"deadlineMinutes\": 0}");

        // When it is validated
        List<String> errors = validate(json).errors().stream().map(Problem::toString).toList();

        // Then each is reported at its path, all at once
        assertThat(errors).anyMatch(e -> e.startsWith("/steps/0/name: ") && e.contains("string"))
                .contains("/steps/0/colour: unknown field 'colour'")
                .anyMatch(e -> e.startsWith("/batches/deadlineMinutes: ") && e.contains("1"));
    }

    @Test
    void validate_nameNotLowercase_explainsTheForm() {
        // Given a pipeline name with capitals and an underscore
        String json = "{\"pipeline\": \"Scan_Report\", \"steps\": [{\"name\": \"a\", \"algorithm\": \"word-count\"}]}";

        // When it is validated
        PipelineValidation validation = validate(json);

        // Then the error says the form names take
        assertThat(validation.errors()).containsExactly(new Problem("/pipeline", "must be lowercase letters, digits and "
                + "dashes, at most 64 characters, starting and ending with a letter or digit"));
    }

    @Test
    void validate_fanOutWithBothKinds_saysExactlyOne() {
        // Given a fan-out over parameter sets and members at once
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"fanOut\": {\"parameterSets\": "
                + "[{\"THRESHOLD\": \"1\"}], \"members\": \"archive\"}}", null);

        // When it is validated
        PipelineValidation validation = validate(json);

        // Then one sentence says what a fan-out is
        assertThat(validation.errors()).containsExactly(new Problem("/steps/0/fanOut", PipelineValidator.ONE_OF_FAN_OUT));
    }

    @Test
    void validate_emptyOrTooManyParameterSets_refused() {
        // Given no parameter set, and 101 of them
        String none = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"fanOut\": {\"parameterSets\": []}}", null);
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            sets.append(i == 0 ? "" : ",").append("{\"THRESHOLD\": \"").append(i).append("\"}");
        }
        String many = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"fanOut\": {\"parameterSets\": ["
                + sets + "]}}", null);

        // When they are validated
        // Then both are refused at the list
        assertThat(validate(none).errors()).extracting(Problem::path).contains("/steps/0/fanOut/parameterSets");
        assertThat(validate(many).errors()).extracting(Problem::path).contains("/steps/0/fanOut/parameterSets");
    }

    @Test
    void validate_nulInAValue_refused() {
        // Given a parameter value holding NUL
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"parameters\": {\"THRESHOLD\": "
                + "\"1\\u0000\"}}", null);

        // When it is validated
        PipelineValidation validation = validate(json);

        // Then it is refused at the value
        assertThat(validation.errors()).extracting(Problem::path).containsExactly("/steps/0/parameters/THRESHOLD");
    }

    @Test
    void validate_notAnObject_saysWhatItWas() {
        // Given an array, and nothing
        // When they are validated
        // Then each says what a pipeline is
        assertThat(validate("[1]").errors()).containsExactly(new Problem("", "must be a JSON object, was array"));
        assertThat(validate("  ").errors()).containsExactly(new Problem("", "is empty: a pipeline is a JSON object"));
    }

    @Test
    void validate_originalToolsRequest_isCheckedAsThePipelineItConvertsTo() {
        // Given the original tool's workflow request: a sequence of two algorithms, with buckets it named
        byte[] request = """
                {"input_s3_name": "my-in", "output_s3_name": "my-out", "key_pair": "kp", "account_id": "123", "region": "us-east-1",
                 "process": {"type": "sequence_run", "algorithms": [{"name": "word-count"}, {"name": "uppercase"}]}}
                """.getBytes(StandardCharsets.UTF_8);

        // When it is validated like any pipeline file
        PipelineValidation validation = PipelineTesting.VALIDATOR.validate("algorithms/genomics.json", request,
                PipelineTesting.ALGORITHMS);

        // Then it is the chain it asked for, named after its file, kept as the pipeline file it converts to (whose
        // SHA-256 is its revision), with each field it does not use reported as such
        assertThat(validation.errors()).isEmpty();
        Pipeline pipeline = validation.pipeline();
        assertThat(pipeline.name()).isEqualTo("genomics");
        assertThat(pipeline.steps()).extracting(Step::algorithm).containsExactly("word-count", "uppercase");
        assertThat(pipeline.steps()).extracting(Step::input).containsExactly(new StepInput.BatchFiles(),
                new StepInput.OutputsOf("word-count"));
        assertThat(validation.document()).isNotNull();
        assertThat(pipeline.revision()).isEqualTo(Digests.sha256(validation.document())).isEqualTo(validation.sha256());
        assertThat(PipelineTesting.VALIDATOR.read("again.json", validation.document()).pipeline().steps())
                .isEqualTo(pipeline.steps());
        assertThat(validation.warnings()).extracting(Problem::path)
                .contains("/input_s3_name", "/output_s3_name", "/key_pair", "/account_id", "/region");
        assertThat(PipelineFiles.isPipeline(request)).isTrue();
    }

    @Test
    void validate_originalToolsRequestNamingAnUnknownAlgorithm_isRefusedAtItsField() {
        // Given a request naming an algorithm nobody registered
        byte[] request = "{\"process\": {\"type\": \"single_run\", \"algorithms\": [{\"name\": \"nope\"}]}}"
                .getBytes(StandardCharsets.UTF_8);

        // When it is validated, then the error names the request's own field
        PipelineValidation validation = PipelineTesting.VALIDATOR.validate("algorithms/r.json", request,
                PipelineTesting.ALGORITHMS);
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).extracting(Problem::path).contains("/process/algorithms/0/name");
    }
}
