package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.JobCommand;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local mode's Docker runtime gives the container every value as an environment variable, so the
 * safe form of a shell script ({@code "$CONVEYOR_INPUT"}) works there too. No Docker engine runs here:
 * the {@code docker run} line is taken apart as Docker would (each {@code --env NAME=VALUE}, then the
 * words after the image) and those words run with that environment.
 */
class DockerInvocationInjectionTest {

    @TempDir
    Path cwd;

    @Test
    void command_safeShellFormOfAHostileName_readsEveryValueFromTheEnvironmentAndRunsNothing() throws Exception {
        // Given the values the local mode gives a Docker attempt (container paths) and a safe-form script
        Descriptor descriptor = new Descriptor("probe", null, "public.ecr.aws/docker/library/busybox:1.36",
                List.of("sh", "-c", "printf '%s|%s|%s|%s|%s' \"$CONVEYOR_INPUT\" \"$CONVEYOR_OUTPUT_DIR\" "
                        + "\"$CONVEYOR_JOB_ID\" \"$CONVEYOR_ATTEMPT\" \"$threshold\""), null,
                new Descriptor.Resources(0.25, 256, 0), List.of(), 600, 0, Map.of(),
                List.of(new Descriptor.Parameter("threshold", false, "0.5; touch pwned", null)), List.of(), null, null, List.of());
        Map<String, String> values = Map.of("CONVEYOR_INPUT", "/conveyor/input/q\";id>x;\".txt",
                "CONVEYOR_OUTPUT_DIR", "/conveyor/output", "CONVEYOR_JOB_ID", "job-1", "CONVEYOR_ATTEMPT", "2",
                "threshold", "0.5; touch pwned");
        JobCommand job = JobCommand.of(descriptor.command(), descriptor.environment(), values);

        // When the docker run line is built, and its container part runs as Docker would run it
        List<String> line = DockerInvocation.command(descriptor, "conveyor-job-1-2", cwd, job.environment(),
                job.command(), "1000:1000");
        Map<String, String> environment = new HashMap<>();
        int image = line.indexOf(descriptor.image());
        for (int i = 0; i < image; i++) {
            if (line.get(i).equals("--env")) {
                String variable = line.get(++i);
                environment.put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
            }
        }
        ProcessBuilder builder = new ProcessBuilder(line.subList(image + 1, line.size())).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

        // Then every value came from the environment, as written, and nothing ran
        assertThat(environment).containsAllEntriesOf(values);
        assertThat(stdout).isEqualTo("/conveyor/input/q\";id>x;\".txt|/conveyor/output|job-1|2|0.5; touch pwned");
        try (Stream<Path> files = Files.list(cwd)) {
            assertThat(files).isEmpty();
        }
    }
}
