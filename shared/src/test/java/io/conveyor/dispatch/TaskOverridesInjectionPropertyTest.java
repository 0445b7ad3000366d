package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.testing.HostileStrings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile S3 keys and metadata parameters through the ECS path: the algorithm container's command
 * words and environment overrides from {@link TaskOverrides#of}, run for real as a process. Whatever
 * the values hold, nothing they say runs, and the algorithm gets each byte for byte.
 */
class TaskOverridesInjectionPropertyTest {

    /** The ways an {@code sh -c} algorithm can take its values; each prints them separated by NUL. */
    enum Form {
        /** The safe form: environment variables in double quotes. */
        ENVIRONMENT(List.of("sh", "-c", "printf '%s\\000%s\\000%s' \"$CONVEYOR_INPUT\" \"$threshold\" \"$LABEL\"")),
        /** Values as arguments after the script. */
        ARGUMENTS(List.of("sh", "-c", "printf '%s\\000%s\\000%s' \"$1\" \"$2\" \"$LABEL\"", "sh", "${CONVEYOR_INPUT}",
                "${threshold}")),
        /** Placeholders inside the script: refused by validation now, and still never pasted into at dispatch. */
        ACCEPTED_BEFORE_THE_RULE(List.of("sh", "-c", "printf '%s\\000%s\\000%s' \"${CONVEYOR_INPUT}\" \"${threshold}\" "
                + "\"$LABEL\""));

        final List<String> command;

        Form(List<String> command) {
            this.command = command;
        }
    }

    /** A hostile key, a hostile parameter value and a form, drawn from a seeded source. */
    static Stream<Arguments> samples() {
        return HostileStrings.samples(source -> Arguments.of(source.key(), source.value(), source.oneOf(Form.values())));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("samples")
    void of_hostileKeyAndParameter_runsNothingAndPassesTheValuesByteForByte(String key, String threshold, Form form) throws Exception {
        Path cwd = Files.createTempDirectory("container");
        try {
            // Given a job of a hostile key and metadata value
            Descriptor descriptor = TaskOverridesInjectionTest.descriptor(form.command, Map.of("LABEL", "t=${threshold}"));
            TaskStart start = TaskOverridesInjectionTest.start(descriptor, key, threshold);

            // When the algorithm container runs exactly its command words and environment
            TaskOverridesInjectionTest.Ran ran = TaskOverridesInjectionTest.run(start, cwd);

            // Then no side effect, and the algorithm got every value exactly
            assertThat(ran.filesLeft()).isEmpty();
            assertThat(ran.stderr()).isEmpty();
            assertThat(ran.exitCode()).isZero();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes((TaskDefinitionWrapper.INPUT_DIR + "/" + TaskOverrides.stagedName(key))
                    .getBytes(StandardCharsets.UTF_8));
            expected.write(0);
            expected.writeBytes(threshold.getBytes(StandardCharsets.UTF_8));
            expected.write(0);
            expected.writeBytes(("t=" + threshold).getBytes(StandardCharsets.UTF_8));
            assertThat(ran.stdout()).isEqualTo(expected.toByteArray());
            assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM)).containsEntry("threshold", threshold);
        } finally {
            Files.delete(cwd);
        }
    }
}
