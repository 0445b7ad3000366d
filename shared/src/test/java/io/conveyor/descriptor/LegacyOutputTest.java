package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The original tool's {@code $output} ({@code Result-<name>-<input file name>} in the output folder), its
 * {@code input_file_path} (a read-only mount of the input folder) and {@code output_file_path}, and the
 * {@code CONVEYOR_INPUT_NAME} they rest on.
 */
class LegacyOutputTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    private static Validation legacy(String fields) {
        return VALIDATOR.validate("x.json", ("{\"name\": \"sorter\", \"container_name\": \"busybox:1.36\", " + fields + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Validation current(String fields) {
        return VALIDATOR.validate("x.json", ("{\"name\": \"x\", \"image\": \"busybox:1.36\", \"resources\": {\"vcpu\": 0.25,"
                + " \"memoryMiB\": 128}, " + fields + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validate_legacySortOutput_outputIsResultNameInputNameInTheOutputFolder() {
        // Given the original's documented form
        Validation validation = legacy("\"run_command\": \"sort $input -o $output\"");

        // Then $output is a file path in the output folder, not the folder itself
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().command()).containsExactly("sort", "${CONVEYOR_INPUT}", "-o",
                "${CONVEYOR_OUTPUT_DIR}/Result-sorter-${CONVEYOR_INPUT_NAME}");
    }

    @Test
    void validate_legacyNameAsWritten_keptInTheResultWhileTheAlgorithmNameIsNormalized() {
        Validation validation = VALIDATOR.validate("x.json", ("{\"name\": \"Change 123\", \"container_name\": \"b:1\","
                + " \"run_command\": \"cp $input $output\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(validation.descriptor().name()).isEqualTo("change-123");
        assertThat(validation.descriptor().command()).last().isEqualTo("${CONVEYOR_OUTPUT_DIR}/Result-Change 123-${CONVEYOR_INPUT_NAME}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a/b|a-b", "x${CONVEYOR_JOB_ID}|x-conveyor-job-id"})
    void validate_legacyNameThatCannotBeAFileName_resultUsesTheNormalizedNameWithAWarning(String written, String normalized) {
        Validation validation = VALIDATOR.validate("x.json", ("{\"name\": \"" + written + "\", \"container_name\": \"b:1\","
                + " \"run_command\": \"cp $input $output\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().command()).last()
                .isEqualTo("${CONVEYOR_OUTPUT_DIR}/Result-" + normalized + "-${CONVEYOR_INPUT_NAME}");
        assertThat(validation.warnings()).anySatisfy(warning -> {
            assertThat(warning.path()).isEqualTo("/name");
            assertThat(warning.message()).contains("results are named Result-" + normalized + "-<input file name>");
        });
    }

    @Test
    void validate_legacyInputFilePath_becomesTheInputFolderWithAWarningAboutTheProcessMode() {
        Validation validation = legacy("\"run_command\": \"cp $input $output\", \"input_file_path\": \"/data/in/\","
                + " \"output_file_path\": \"/data/out\"");

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().input().folder()).isEqualTo("/data/in");
        assertThat(validation.warnings()).anySatisfy(warning -> {
            assertThat(warning.path()).isEqualTo("/input_file_path");
            assertThat(warning.message()).contains("/data/in/<its file name>", "local process mode it does not");
        });
        assertThat(validation.warnings()).anySatisfy(warning -> {
            assertThat(warning.path()).isEqualTo("/output_file_path");
            assertThat(warning.message()).startsWith("not used: $output is ${CONVEYOR_OUTPUT_DIR}/Result-sorter-");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/|is a system folder", "data/in|is not an absolute path", "/data/../etc|holds an empty, '.' or '..' part",
            "/usr/local/in|is a system folder", "/conveyor/input|lies in /conveyor", "/proc/1|is a system folder"})
    void validate_legacyInputFilePathThatCannotBeMounted_isNotMountedWithAWarning(String path, String reason) {
        // Given the original's own example uses "/": still accepted, the input found through $input
        Validation validation = legacy("\"run_command\": \"cp $input $output\", \"input_file_path\": \"" + path + "\"");

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().input().folder()).isNull();
        assertThat(validation.warnings()).anySatisfy(warning -> {
            assertThat(warning.path()).isEqualTo("/input_file_path");
            assertThat(warning.message()).startsWith("not mounted: ").contains(reason);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/etc|is a system folder", "relative|is not an absolute path", "/conveyor|lies in /conveyor",
            "/data/|ends with '/'", "/a//b|holds an empty", "/a:/b|':'"})
    void validate_currentInputFolderThatCannotBeMounted_isAnErrorAtItsPath(String path, String reason) {
        Validation validation = current("\"command\": [\"cat\", \"${CONVEYOR_INPUT}\"], \"input\": {\"folder\": \"" + path + "\"}");

        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).singleElement().satisfies(error -> {
            assertThat(error.path()).isEqualTo("/input/folder");
            assertThat(error.message()).contains(reason);
        });
    }

    @Test
    void validate_inputNameAsProgramOrInsideAShellScript_isRefusedLikeAParameter() {
        // The uploader's file name may start with '-' or hold shell text: refused where a value would choose what runs
        Validation program = current("\"command\": [\"${CONVEYOR_INPUT_NAME}\"]");
        Validation script = current("\"command\": [\"sh\", \"-c\", \"cat ${CONVEYOR_INPUT_NAME}\"]");
        Validation option = current("\"command\": [\"python3\", \"${CONVEYOR_OUTPUT_DIR}/${CONVEYOR_INPUT_NAME}\"]");
        Validation argument = current("\"command\": [\"cp\", \"${CONVEYOR_INPUT}\", \"${CONVEYOR_OUTPUT_DIR}/${CONVEYOR_INPUT_NAME}\"]");

        assertThat(program.errors()).extracting(Problem::path).containsExactly("/command/0");
        assertThat(script.errors()).extracting(Problem::path).containsExactly("/command/2");
        assertThat(option.errors()).extracting(Problem::path).containsExactly("/command/1");
        assertThat(argument.errors()).isEmpty();
    }

    @Test
    void jobCommand_hostileInputName_staysInsideTheOneOutputWord() {
        // Given a legacy command and a file name made of shell text, quotes and a newline
        Descriptor descriptor = legacy("\"run_command\": \"sort $input -o $output\"").descriptor();
        String name = "a'$(id)\"\n;rm -rf x`.txt";

        // When the job's words are built
        JobCommand job = JobCommand.of(descriptor.command(), Map.of(), Map.of(Placeholders.INPUT, "/conveyor/input/" + name,
                Placeholders.INPUT_NAME, name, Placeholders.OUTPUT_DIR, "/conveyor/output"));

        // Then still four words, the name pasted as text, and in the environment as itself
        assertThat(job.command()).isEqualTo(List.of("sort", "/conveyor/input/" + name, "-o",
                "/conveyor/output/Result-sorter-" + name));
        assertThat(job.environment()).containsEntry("CONVEYOR_INPUT_NAME", name);
    }
}
