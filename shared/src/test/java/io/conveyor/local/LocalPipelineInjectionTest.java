package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Problem;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's local-mode case (issue 15, finding 1) end to end, with real processes: input names that
 * are shell code reach an {@code sh -c} algorithm as data only.
 */
class LocalPipelineInjectionTest {

    /** Names that run {@code id > x} or {@code touch pwned} if a shell ever reads them as code. */
    static final List<String> HOSTILE_NAMES = List.of("q\";id>x;\".txt", "$(touch pwned).txt", "`touch pwned`.txt",
            "a\ntouch pwned\n.txt", "it's'; touch pwned; '.txt", "x\" && touch pwned && \".txt");

    @TempDir
    Path workspace;

    private final List<String> rejected = Collections.synchronizedList(new ArrayList<>());

    private LocalPipeline.Summary runOnce() throws Exception {
        LocalSettings settings = new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"),
                workspace.resolve("algorithms"), 2, 8192, Duration.ofMillis(150), Duration.ofMillis(20));
        LocalPipeline.Listener listener = new LocalPipeline.Listener() {
            @Override
            public void descriptorRejected(Path file, List<Problem> errors) {
                errors.forEach(error -> rejected.add(file.getFileName() + " " + error));
            }

            @Override
            public void jobChanged(JobRecord record) {
            }
        };
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), listener,
                Clock.systemUTC()).run(true, () -> false);
    }

    /** An algorithm that works in the spy folder, so that whatever an injected command writes stays there. */
    private Path algorithm(String name, String script) throws IOException {
        Path spy = Files.createDirectories(workspace.resolve("spy-" + name));
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms").resolve(name + ".json"), """
                {"name": "%s", "image": "public.ecr.aws/docker/library/busybox:1.36",
                 "command": ["sh", "-c", "cd \\"$SPY\\" && %s"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 256}, "retries": 0,
                 "local": {"environment": {"SPY": "%s"}}}
                """.formatted(name, script, spy));
        for (String file : HOSTILE_NAMES) {
            Path input = workspace.resolve("inbox").resolve(name).resolve(file);
            Files.createDirectories(input.getParent());
            Files.writeString(input, "content of " + file);
        }
        return spy;
    }

    private List<String> namesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(path -> path.getFileName().toString()).toList();
        }
    }

    @Test
    void run_safeShellFormOnHostileNames_copiesEachInputAndRunsNothing() throws Exception {
        // Given the safe form: the input's path read from the environment, in double quotes
        Path spy = algorithm("probe-safe", "cat \\\"$CONVEYOR_INPUT\\\" > \\\"$CONVEYOR_OUTPUT_DIR/copy\\\" && "
                + "printf %s \\\"$CONVEYOR_INPUT\\\" > \\\"$CONVEYOR_OUTPUT_DIR/name\\\"");

        // When
        LocalPipeline.Summary summary = runOnce();

        // Then every file was processed as data, and nothing it says ran
        assertThat(rejected).isEmpty();
        assertThat(summary.jobs()).hasSize(HOSTILE_NAMES.size()).allSatisfy(job -> {
            assertThat(job.state()).as(job.input()).isEqualTo(JobState.SUCCEEDED);
            String file = Path.of(job.input()).getFileName().toString();
            Path output = Path.of(job.output());
            assertThat(output.resolve("copy")).content().isEqualTo("content of " + file);
            assertThat(output.resolve("name")).content().endsWith("/" + file);
        });
        assertThat(spy).isEmptyDirectory();
        assertThat(namesUnder(workspace)).doesNotContain("x", "pwned");
    }

    @Test
    void run_placeholderInsideAShellScript_isRefusedAndNothingRuns() throws Exception {
        // Given the probe's descriptor: ${CONVEYOR_INPUT} pasted into the script, in double quotes
        Path spy = algorithm("probe-unsafe", "cat \\\"${CONVEYOR_INPUT}\\\" > \\\"$CONVEYOR_OUTPUT_DIR/copy\\\"");

        // When
        LocalPipeline.Summary summary = runOnce();

        // Then no name ran, and the descriptor is refused with the path, the rule and the safe form
        assertThat(spy).isEmptyDirectory();
        assertThat(namesUnder(workspace)).doesNotContain("x", "pwned");
        assertThat(summary.jobs()).noneMatch(job -> job.state() == JobState.SUCCEEDED);
        assertThat(rejected).anySatisfy(error -> assertThat(error).startsWith("probe-unsafe.json /command/2: puts "
                + "${CONVEYOR_INPUT} inside a shell script").contains("use \"$CONVEYOR_INPUT\" (the environment "
                + "variable, in double quotes) instead of ${CONVEYOR_INPUT} inside a shell script"));
    }
}
