package io.conveyor.cli;

import static io.conveyor.cli.ValidateCommandTest.descriptor;
import static io.conveyor.cli.ValidateCommandTest.validate;
import static io.conveyor.cli.ValidateCommandTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.cli.ValidateCommandTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conveyor validate} on pipeline files: next to descriptors, against them, and {@code --explain}. */
class ValidatePipelinesTest {

    private static final Path EXAMPLES = InvokeIT.HOME.resolve("algorithms");

    private static final String SWEEP = """
            {"pipeline": "sweep", "batches": {"complete": "marker", "onMemberFailure": "skip"},
             "steps": [
              {"name": "first", "algorithm": "a", "fanOut": {"parameterSets": [{"LEVEL": "1"}, {"LEVEL": "9"}]}},
              {"name": "next", "algorithm": "b", "after": "first"},
              {"name": "all", "algorithm": "b", "gather": "first"}]}
            """;

    @Test
    void validate_bundledFolder_descriptorsAndPipelinesAreOk() {
        // Given the bundled algorithms folder, which holds descriptors and pipelines
        // When it is validated
        Run run = validate(EXAMPLES.toString());

        // Then every file is OK, the pipelines among them
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("OK " + EXAMPLES.resolve("text-report.json"), "OK " + EXAMPLES.resolve("csv-digest.json"),
                "OK " + EXAMPLES.resolve("word-count.json"));
    }

    @Test
    void validate_pipelineNamingAnAlgorithmNotGivenOrBeside_isAnErrorAtItsPath(@TempDir Path dir) throws Exception {
        // Given a pipeline whose second step names an algorithm that is nowhere
        write(dir, "a.json", descriptor("a", ""));
        String pipeline = write(dir, "p.json", "{\"pipeline\": \"p\", \"steps\": [{\"name\": \"one\", \"algorithm\": \"a\"},"
                + " {\"name\": \"two\", \"algorithm\": \"nowhere\", \"after\": \"one\"}]}");

        // When it is validated alone
        Run run = validate(pipeline);

        // Then the step beside it is found and the missing one is an error
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsExactly(pipeline + ": /steps/1/algorithm: 'nowhere' is no valid descriptor given or "
                + "in the same folder; validate a pipeline with its algorithms' descriptors (conveyor validate DIR)");
    }

    @Test
    void validate_pipelineAgainstDescriptorsGivenElsewhere_checksTheirParameters(@TempDir Path dir) throws Exception {
        // Given a pipeline in one folder and its descriptors, given on the command line, in another
        Path algorithms = dir.resolve("algorithms");
        java.nio.file.Files.createDirectories(algorithms);
        String a = write(algorithms, "a.json", descriptor("a", ", \"parameters\": [{\"name\": \"LEVEL\"}]"));
        String b = write(algorithms, "b.json", descriptor("b", ""));
        String pipeline = write(dir, "sweep.json", SWEEP.replace("LEVEL\": \"9", "DEPTH\": \"9"));

        // When they are validated together
        Run run = validate(a, b, pipeline);

        // Then the undeclared parameter is the one error
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsExactly("OK " + a, "OK " + b, pipeline
                + ": /steps/0/fanOut/parameterSets/1/DEPTH: 'DEPTH' is no parameter of 'a' (it declares LEVEL)");
    }

    @Test
    void validate_pipelineNamedAsADescriptorBesideIt_isRefused(@TempDir Path dir) throws Exception {
        // Given a descriptor a and a pipeline also named a
        write(dir, "a.json", descriptor("a", ""));
        String pipeline = write(dir, "p.json", "{\"pipeline\": \"a\", \"steps\": [{\"name\": \"one\", \"algorithm\": \"a\"}]}");

        // When the folder is validated
        Run run = validate(dir.toString());

        // Then the pipeline is refused at its name
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).anySatisfy(line -> assertThat(line).startsWith(pipeline
                + ": /pipeline: 'a' is also an algorithm's name"));
    }

    @Test
    void validateExplain_pipeline_printsItsStepsAsATreeWithTheBatchRule(@TempDir Path dir) throws Exception {
        // Given a pipeline with a fan-out, a step after it and a gather, beside its descriptors
        write(dir, "a.json", descriptor("a", ", \"parameters\": [{\"name\": \"LEVEL\", \"required\": true}]"));
        write(dir, "b.json", descriptor("b", ""));
        String pipeline = write(dir, "sweep.json", SWEEP);

        // When it is explained
        Run run = validate("--explain", pipeline);

        // Then stdout holds the text, the verdict goes to stderr
        assertThat(run.exit()).isZero();
        assertThat(run.err()).containsExactly("OK " + pipeline);
        assertThat(run.out().get(0)).startsWith("Pipeline sweep (revision ");
        assertThat(run.out().subList(1, run.out().size())).containsExactly(
                "Batches: the files uploaded under inputs/sweep/<batch>/ (locally inbox/sweep/<batch>/)",
                "  A batch is complete when a _COMPLETE file arrives in it. One not complete 24 hours after its first "
                        + "file ends with that reason. A gather runs over the jobs that succeeded; the failed ones are "
                        + "named in its record.",
                "Steps:",
                "  first: a on each file of the batch, ×2 parameter sets (one job each)",
                "      set 1: LEVEL=1",
                "      set 2: LEVEL=9",
                "    next: b on each output of first, as soon as its job succeeds",
                "    all: b once per batch, on every output of first (a folder, CONVEYOR_INPUT_DIR), when the batch is "
                        + "complete and every job of first has ended");
    }

    @Test
    void validateExplain_invalidPipeline_printsNoTextAndExitsOne(@TempDir Path dir) throws Exception {
        // Given a pipeline whose steps loop
        write(dir, "a.json", descriptor("a", ""));
        String pipeline = write(dir, "p.json", "{\"pipeline\": \"p\", \"steps\": [{\"name\": \"one\", \"algorithm\": \"a\"},"
                + " {\"name\": \"x\", \"algorithm\": \"a\", \"after\": \"y\"}, {\"name\": \"y\", \"algorithm\": \"a\", \"after\": \"x\"}]}");

        // When it is explained
        Run run = validate("--explain", pipeline);

        // Then the loop is the error and nothing is explained
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).containsExactly(pipeline + ": /steps/1/after: leads back to 'x': x → y → x; the steps of a "
                + "pipeline may not form a loop");
    }

    @Test
    void validateExplain_originalToolsRequest_printsThePipelineItBecomesAndWhatItDoesNotUse(@TempDir Path dir)
            throws Exception {
        // Given the original tool's workflow request beside the two descriptors it chains
        write(dir, "a.json", descriptor("a", ""));
        write(dir, "b.json", descriptor("b", ""));
        String request = write(dir, "nightly.json", """
                {"key_pair": "my-key", "region": "eu-west-1",
                 "process": {"type": "sequence_run", "algorithms": [{"name": "a"}, {"name": "b"}]}}""");

        // When it is explained
        Run run = validate("--explain", request);

        // Then it is accepted as the pipeline named after its file, a chain a → b, and the fields it does not use
        // are named with their reason
        assertThat(run.exit()).isZero();
        assertThat(run.out().get(0)).startsWith("Pipeline nightly (revision ");
        assertThat(String.join("\n", run.out())).contains("a on each file of the batch", "b on each output of a");
        assertThat(String.join("\n", run.err())).contains("OK " + request, "/key_pair", "/region");
    }
}
