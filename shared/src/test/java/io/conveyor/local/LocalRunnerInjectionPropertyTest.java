package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.JobCommand;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.testing.HostileStrings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * Hostile input names and parameter values through the local mode's runner path: the words and
 * environment {@link JobCommand} builds, run by {@link LocalProcessRunner} for real. Whatever the
 * values hold, nothing they say runs, and the algorithm gets each byte for byte.
 */
class LocalRunnerInjectionPropertyTest {

    /** The ways an {@code sh -c} algorithm can take its values. */
    enum Form {
        /** The safe form: environment variables in double quotes. */
        ENVIRONMENT(List.of("sh", "-c", "cat \"$CONVEYOR_INPUT\" > \"$CONVEYOR_OUTPUT_DIR/copy\" && printf %s "
                + "\"$CONVEYOR_INPUT\" > \"$CONVEYOR_OUTPUT_DIR/input\" && printf %s \"$threshold\" > "
                + "\"$CONVEYOR_OUTPUT_DIR/threshold\"")),
        /** Values as arguments after the script. */
        ARGUMENTS(List.of("sh", "-c", "cat \"$1\" > \"$2/copy\" && printf %s \"$1\" > \"$2/input\" && printf %s "
                + "\"$3\" > \"$2/threshold\"", "sh", "${CONVEYOR_INPUT}", "${CONVEYOR_OUTPUT_DIR}", "${threshold}")),
        /** Placeholders inside the script: refused by validation now, and still never pasted into at run time. */
        ACCEPTED_BEFORE_THE_RULE(List.of("sh", "-c", "cat \"${CONVEYOR_INPUT}\" > \"${CONVEYOR_OUTPUT_DIR}/copy\" && "
                + "printf %s \"${CONVEYOR_INPUT}\" > \"${CONVEYOR_OUTPUT_DIR}/input\" && printf %s \"${threshold}\" > "
                + "\"${CONVEYOR_OUTPUT_DIR}/threshold\""));

        final List<String> command;

        Form(List<String> command) {
            this.command = command;
        }
    }

    /** A hostile input name, a hostile parameter value and a form, drawn from a seeded source. */
    static Stream<Arguments> samples() {
        return HostileStrings.samples(source -> Arguments.of(source.fileName(), source.value(), source.oneOf(Form.values())));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("samples")
    void run_hostileNameAndParameter_runsNothingAndPassesTheValuesByteForByte(String name, String threshold, Form form) throws Exception {
        Path attempt = Files.createTempDirectory("attempt");
        try {
            // Given an attempt folder as the local mode lays it out, the input staged under its own name
            Path staged = Files.createDirectories(attempt.resolve("input")).resolve(name);
            byte[] content = ("content of " + name).getBytes(StandardCharsets.UTF_8);
            Files.write(staged, content);
            Path output = Files.createDirectories(attempt.resolve("output"));
            Map<String, String> values = Map.of(Placeholders.INPUT, staged.toString(), Placeholders.OUTPUT_DIR,
                    output.toString(), Placeholders.JOB_ID, "job-0123456789abcdef01234567", Placeholders.ATTEMPT, "1",
                    "threshold", threshold);

            // When the job's words run as the local mode runs them
            JobCommand job = JobCommand.of(form.command, Map.of(), values);
            LocalProcessRunner.Result result = new LocalProcessRunner().run(job.command(), job.environment(), attempt,
                    Duration.ofSeconds(20), attempt.resolve("algorithm.log"), (pid, at) -> { });

            // Then no side effect, and the algorithm got every value exactly
            assertThat(listing(attempt)).containsExactlyInAnyOrder("input", "input/" + name, "output", "output/copy",
                    "output/input", "output/threshold", "algorithm.log");
            assertThat(result.stderrTail()).isEmpty();
            assertThat(result.exitCode()).isZero();
            assertThat(Files.readAllBytes(output.resolve("copy"))).isEqualTo(content);
            assertThat(Files.readAllBytes(output.resolve("input"))).isEqualTo(staged.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(Files.readAllBytes(output.resolve("threshold"))).isEqualTo(threshold.getBytes(StandardCharsets.UTF_8));
        } finally {
            delete(attempt);
        }
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(path -> !path.equals(root)).map(path -> root.relativize(path).toString()).toList();
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
