package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's ECS case (issue 15, finding 1) end to end: the algorithm container's command words and
 * environment overrides, as {@link TaskOverrides#of} builds them for a hostile key and a hostile
 * metadata parameter, run for real as a local process; nothing the values say is executed.
 */
class TaskOverridesInjectionTest {

    static final String HOSTILE_KEY = "inputs/probe/q\";id>x;\".txt";
    static final String HOSTILE_THRESHOLD = "0.5; echo INJECTED >&2; #";

    @TempDir
    Path cwd;

    /** A descriptor as the registry holds it: not validated again at dispatch. */
    static Descriptor descriptor(List<String> command, Map<String, String> environment) {
        return new Descriptor("probe", null, "public.ecr.aws/docker/library/busybox:1.36", command, null,
                new Descriptor.Resources(0.25, 256, 0), List.of(), 600, 0, environment,
                List.of(new Descriptor.Parameter("threshold", false, null, null)), List.of(), null, null, List.of());
    }

    static TaskStart start(Descriptor descriptor, String key, String threshold) {
        return TaskOverrides.of("job-0123456789abcdef01234567", 1, "arn:aws:ecs:eu-west-1:123456789012:task-definition/p:1",
                "ci-instance", descriptor, new ObjectRef("conveyor-inputs", key), null, "s3://conveyor-outputs/probe/job/",
                Map.of("threshold", threshold));
    }

    /** What the algorithm container ran: exactly its command words and environment, and a PATH as an image has. */
    record Ran(int exitCode, byte[] stdout, String stderr, List<String> filesLeft) {
    }

    static Ran run(TaskStart start, Path cwd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("algorithm", ".out");
        Path err = Files.createTempFile("algorithm", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(start.algorithmCommand()).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().putAll(start.environment().get(TaskDefinitionWrapper.ALGORITHM));
            Process process = builder.start();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the algorithm ends").isTrue();
            List<String> left;
            try (Stream<Path> files = Files.list(cwd)) {
                left = files.map(file -> file.getFileName().toString()).sorted().toList();
            }
            return new Ran(process.exitValue(), Files.readAllBytes(out), Files.readString(err), left);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void of_placeholdersInsideAShellScript_runNeitherTheKeyNorTheParameter() throws Exception {
        // Given the probe's descriptor, registered before validation refused it: the key and the
        // parameter pasted into an sh -c script
        Descriptor probe = descriptor(List.of("sh", "-c", "printf '%s\\n' \"${CONVEYOR_INPUT}\" ${threshold}"), Map.of());

        // When the container runs the overrides of a job for a hostile key and metadata value
        Ran ran = run(start(probe, HOSTILE_KEY, HOSTILE_THRESHOLD), cwd);

        // Then the shell read both as data: no `id > x`, no INJECTED on stderr
        assertThat(ran.filesLeft()).isEmpty();
        assertThat(ran.stderr()).isEmpty();
        assertThat(ran.exitCode()).isZero();
        assertThat(new String(ran.stdout(), StandardCharsets.UTF_8).lines().toList())
                .startsWith("/conveyor/input/q\";id>x;\".txt", "0.5;", "echo", "INJECTED");
    }

    @Test
    void of_safeForm_passesTheKeyAndTheParameterByteForByte() throws Exception {
        // Given the safe form: values read from the environment, in double quotes, and as arguments
        Descriptor safe = descriptor(List.of("sh", "-c", "printf '%s|%s|%s|%s' \"$CONVEYOR_INPUT\" \"$threshold\" "
                + "\"$LABEL\" \"$1\"", "sh", "${threshold}"), Map.of("LABEL", "t=${threshold}"));

        // When
        Ran ran = run(start(safe, HOSTILE_KEY, HOSTILE_THRESHOLD), cwd);

        // Then
        assertThat(ran.filesLeft()).isEmpty();
        assertThat(ran.stderr()).isEmpty();
        assertThat(new String(ran.stdout(), StandardCharsets.UTF_8)).isEqualTo("/conveyor/input/q\";id>x;\".txt|"
                + HOSTILE_THRESHOLD + "|t=" + HOSTILE_THRESHOLD + "|" + HOSTILE_THRESHOLD);
    }
}
