package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validation refuses a placeholder where its value would become code (issue 15, finding 1): the error
 * names the word's path, the rule and the safe form; the safe forms themselves are accepted.
 */
class DescriptorValidatorInjectionTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    private static final String SAFE_INPUT = "use \"$CONVEYOR_INPUT\" (the environment variable, in double quotes) "
            + "instead of ${CONVEYOR_INPUT} inside a shell script";
    private static final String SAFE_THRESHOLD = "use \"$threshold\" (the environment variable, in double quotes) "
            + "instead of ${threshold} inside a shell script";

    /** A current-format descriptor with a parameter {@code threshold}, the given command and extra fields. */
    private static String descriptor(String command, String extra) {
        return "{\"name\": \"probe\", \"image\": \"public.ecr.aws/docker/library/busybox:1.36\", \"command\": " + command
                + ", \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}, \"parameters\": [{\"name\": \"threshold\"}]"
                + (extra == null ? "" : ", " + extra) + "}";
    }

    private static Validation validate(String json) {
        return VALIDATOR.validate("algorithms/probe.json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> refused() {
        String script = "\"wc ${CONVEYOR_INPUT}\"";
        return Stream.of(
                Arguments.of("sh -c", descriptor("[\"sh\", \"-c\", " + script + "]", null), "/command/2", SAFE_INPUT),
                Arguments.of("the probe's parameter in bash -ec", descriptor("[\"bash\", \"-ec\", "
                        + "\"analyze --threshold ${threshold} \\\"$CONVEYOR_INPUT\\\"\"]", null), "/command/2", SAFE_THRESHOLD),
                Arguments.of("placeholder in double quotes", descriptor("[\"sh\", \"-c\", \"cat \\\"${CONVEYOR_INPUT}\\\"\"]", null),
                        "/command/2", SAFE_INPUT),
                Arguments.of("/bin/sh -xc", descriptor("[\"/bin/sh\", \"-xc\", " + script + "]", null), "/command/2", SAFE_INPUT),
                Arguments.of("dash -c -e", descriptor("[\"dash\", \"-c\", \"-e\", " + script + "]", null), "/command/3", SAFE_INPUT),
                Arguments.of("zsh -o pipefail -c", descriptor("[\"zsh\", \"-o\", \"pipefail\", \"-c\", " + script + "]", null),
                        "/command/4", SAFE_INPUT),
                Arguments.of("ksh -c --", descriptor("[\"ksh\", \"-c\", \"--\", " + script + "]", null), "/command/3", SAFE_INPUT),
                Arguments.of("busybox sh -c", descriptor("[\"busybox\", \"sh\", \"-c\", " + script + "]", null), "/command/3",
                        SAFE_INPUT),
                Arguments.of("env sh -c", descriptor("[\"/usr/bin/env\", \"-i\", \"LC_ALL=C\", \"ash\", \"-c\", " + script + "]",
                        null), "/command/5", SAFE_INPUT),
                Arguments.of("nice bash -c", descriptor("[\"nice\", \"-n\", \"5\", \"bash\", \"-c\", " + script + "]", null),
                        "/command/5", SAFE_INPUT),
                Arguments.of("command as one string", descriptor("\"sh -c 'wc ${CONVEYOR_INPUT}'\"", null), "/command",
                        "word 3 puts ${CONVEYOR_INPUT} inside a shell script"),
                Arguments.of("local command", descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]",
                        "\"local\": {\"command\": [\"sh\", \"-c\", " + script + "]}"), "/local/command/2", SAFE_INPUT),
                Arguments.of("python -c", descriptor("[\"python3\", \"-c\", \"print(open('${CONVEYOR_INPUT}').read())\"]", null),
                        "/command/2", "use os.environ[\"CONVEYOR_INPUT\"] instead of ${CONVEYOR_INPUT} inside Python code"),
                Arguments.of("perl -lne", descriptor("[\"perl\", \"-lne\", \"print if /${threshold}/\", \"${CONVEYOR_INPUT}\"]",
                        null), "/command/2", "use $ENV{threshold} instead of ${threshold} inside Perl code"),
                Arguments.of("ruby -e", descriptor("[\"ruby\", \"-e\", \"puts '${threshold}'\"]", null), "/command/2",
                        "use ENV[\"threshold\"] instead of ${threshold} inside Ruby code"),
                Arguments.of("node --eval", descriptor("[\"node\", \"--eval\", \"console.log('${threshold}')\"]", null),
                        "/command/2", "use process.env.threshold instead of ${threshold} inside JavaScript code"),
                Arguments.of("awk program", descriptor("[\"awk\", \"-F,\", \"$1 > ${threshold}\", \"${CONVEYOR_INPUT}\"]", null),
                        "/command/2", "use ENVIRON[\"threshold\"] instead of ${threshold} inside an awk program"),
                Arguments.of("sed script", descriptor("[\"sed\", \"-n\", \"s/x/${threshold}/p\", \"${CONVEYOR_INPUT}\"]", null),
                        "/command/2", "use a fixed sed script"),
                Arguments.of("a parameter as the program", descriptor("[\"${threshold}\", \"${CONVEYOR_INPUT}\"]", null),
                        "/command/0", "puts ${threshold} into the program to run"),
                Arguments.of("a parameter among a shell's options", descriptor("[\"sh\", \"${threshold}\", \"${CONVEYOR_INPUT}\"]",
                        null), "/command/1", "could become an option such as -c"),
                Arguments.of("a parameter before a shell", descriptor("[\"env\", \"${threshold}\", \"sh\", \"-c\", \"true\"]",
                        null), "/command/1", "puts ${threshold} before the code that sh runs"),
                Arguments.of("a parameter in BASH_ENV", descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]",
                        "\"environment\": {\"BASH_ENV\": \"${threshold}\"}"), "/environment/BASH_ENV",
                        "puts ${threshold} into BASH_ENV, which changes how a process runs (bash runs the file it names before any script)"),
                Arguments.of("a placeholder in the local PATH", descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]",
                        "\"local\": {\"environment\": {\"PATH\": \"${CONVEYOR_OUTPUT_DIR}:/usr/bin\"}}"), "/local/environment/PATH",
                        "give PATH a fixed value"),
                Arguments.of("legacy run_command", "{\"name\": \"x\", \"container_name\": \"a/b:1\", "
                        + "\"run_command\": \"sh -c 'cat ${CONVEYOR_INPUT}' $input\"}", "/run_command/2", SAFE_INPUT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void validate_placeholderWhereAValueBecomesCode_isRefusedWithItsPathRuleAndSafeForm(String name, String json,
                                                                                        String path, String message) {
        // When
        Validation validation = validate(json);

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains(message);
        });
    }

    @Test
    void validate_theProbesShellScript_saysWhyAndWhatToWriteInstead() {
        // Given the probe's descriptor: the key and a metadata parameter pasted into an sh -c script
        String json = descriptor("[\"sh\", \"-c\", \"analyze --threshold ${threshold} ${CONVEYOR_INPUT}\"]", null);

        // When
        Validation validation = validate(json);

        // Then one error per placeholder, each naming the word, the rule and the safe form
        assertThat(validation.errors()).containsExactly(
                new Problem("/command/2", "puts ${CONVEYOR_INPUT} inside a shell script (the code that sh runs), where a "
                        + "value pasted as text becomes code: an input named 'x;id' or a parameter '1; id' would run id; "
                        + SAFE_INPUT + ", or pass ${CONVEYOR_INPUT} as an argument after the script and use \"$1\""),
                new Problem("/command/2", "puts ${threshold} inside a shell script (the code that sh runs), where a "
                        + "value pasted as text becomes code: an input named 'x;id' or a parameter '1; id' would run id; "
                        + SAFE_THRESHOLD + ", or pass ${threshold} as an argument after the script and use \"$1\""));
    }

    static Stream<String> accepted() {
        return Stream.of(
                "[\"sh\", \"-c\", \"wc \\\"$CONVEYOR_INPUT\\\" > \\\"$CONVEYOR_OUTPUT_DIR/counts.txt\\\"\"]",
                "[\"sh\", \"-c\", \"analyze --threshold \\\"$threshold\\\" \\\"$CONVEYOR_INPUT\\\"\"]",
                "[\"sh\", \"-c\", \"wc \\\"$1\\\" > \\\"$2/counts.txt\\\"\", \"sh\", \"${CONVEYOR_INPUT}\", \"${CONVEYOR_OUTPUT_DIR}\"]",
                "[\"bash\", \"-c\", \"echo \\\"$1\\\"\", \"bash\", \"${threshold}\"]",
                "[\"sh\", \"/app/run.sh\", \"${CONVEYOR_INPUT}\", \"${threshold}\"]",
                "[\"python3\", \"/app/run.py\", \"-c\", \"${threshold}\", \"${CONVEYOR_INPUT}\"]",
                "[\"python3\", \"-c\", \"import sys; print(sys.argv[1:])\", \"${threshold}\", \"${CONVEYOR_INPUT}\"]",
                "[\"perl\", \"-ne\", \"print if $. > $ENV{threshold}\", \"--\", \"${CONVEYOR_INPUT}\"]",
                "[\"awk\", \"-v\", \"t=${threshold}\", \"$1 > t\", \"${CONVEYOR_INPUT}\"]",
                "[\"sed\", \"-n\", \"1p\", \"${CONVEYOR_INPUT}\"]",
                "[\"grep\", \"-c\", \"${threshold}\", \"${CONVEYOR_INPUT}\"]",
                "[\"env\", \"sh\", \"-c\", \"cat \\\"$CONVEYOR_INPUT\\\"\"]",
                "\"sh -c 'wc \\\"$CONVEYOR_INPUT\\\"'\"");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void validate_valuesPassedAsArgumentsOrReadFromTheEnvironment_isAccepted(String command) {
        Validation validation = validate(descriptor(command, null));

        assertThat(validation.errors()).isEmpty();
    }

    @Test
    void validate_everyBundledExample_isStillValid() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "algorithms"))) {
            examples = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        List<Path> descriptors = new java.util.ArrayList<>();
        for (Path example : examples) {
            if (!io.conveyor.pipeline.PipelineFiles.isPipeline(Files.readAllBytes(example))) {
                descriptors.add(example);
            }
        }
        examples = descriptors;

        assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
        for (Path example : examples) {
            Validation validation = VALIDATOR.validate(example.toString(), Files.readAllBytes(example));
            assertThat(validation.errors()).as(example.toString()).isEmpty();
        }
    }
}
