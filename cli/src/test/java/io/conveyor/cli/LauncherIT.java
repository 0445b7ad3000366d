package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The {@code ./conveyor} script at the repository root, run as a user runs it.
 */
@AwsEmulator
class LauncherIT {

    private static final Path HOME = InvokeIT.HOME;

    record Result(int exit, String out, List<String> err) {
    }

    private static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("conveyor").toString());
        builder.command().addAll(List.of(args));
        builder.directory(HOME.toFile()).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        builder.environment().putAll(env);
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("./conveyor did not finish within 5 minutes");
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8).trim(),
                Files.readAllLines(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    @Test
    void conveyorInvoke_againstMoto_printsTheResponseJsonOnStdout(Emulator emulator, @TempDir Path dir) throws Exception {
        try (EcsClient ecs = emulator.clients().ecs()) {
            ecs.createCluster(r -> r.clusterName("conveyor"));
        }

        Result result = run(dir, Map.of("AWS_REGION", Emulator.REGION, "AWS_ENDPOINT_URL", emulator.endpoint().toString()),
                "invoke", "fleet-monitor", "--event", "events/fleet-monitor/scheduled.json",
                "--env-vars", "events/env-vars.json");

        assertThat(result.exit()).as(String.join("\n", result.err())).isZero();
        JsonNode report = Json.mapper().readTree(result.out());
        assertThat(report.path("instances").isArray()).isTrue();
        assertThat(report.path("idle").asInt()).isZero();
        assertThat(result.err()).anySatisfy(line -> assertThat(line).contains("outcome=swept instances=0"));
    }

    @Test
    void conveyorInvoke_taskEvents_runsWithSqsAndS3OnTheLaunchersClasspath(Emulator emulator, @TempDir Path dir)
            throws Exception {
        // task-events builds its S3 and SQS clients at start: both must be on ./conveyor's runtime classpath
        InvokeIT.createOutputBucket(emulator);

        Result result = run(dir, Map.of("AWS_REGION", Emulator.REGION, "AWS_ENDPOINT_URL", emulator.endpoint().toString()),
                "invoke", "task-events", "--event", "events/task-events/task-stopped.json",
                "--env-vars", "events/env-vars.json");

        assertThat(result.exit()).as(String.join("\n", result.err())).isZero();
        assertThat(Json.mapper().readTree(result.out()).path("batchItemFailures")).isEmpty();
        assertThat(result.err()).anySatisfy(line -> assertThat(line).contains("outcome=unknown-job"));
    }

    @Test
    void conveyorInvoke_unknownFunction_exitsTwoWithOneLineOnStderr(Emulator emulator, @TempDir Path dir) throws Exception {
        Result result = run(dir, Map.of(), "invoke", "no-such-function", "--event", "events/fleet-monitor/scheduled.json");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("conveyor: unknown function 'no-such-function'"));
    }

    @Test
    void conveyor_classDataArchiveOlderThanTheJars_isWrittenAnew(@TempDir Path dir) throws Exception {
        // Given the launcher's class-data archive, older than the jars (as after a build by ./mvnw rather than by it)
        Path archive = HOME.resolve("cli/target/conveyor.jsa");
        assertThat(run(dir, Map.of(), "--version").exit()).isZero();
        assertThat(archive).as("the archive a run writes at exit").exists();
        java.nio.file.attribute.FileTime jar = Files.getLastModifiedTime(HOME.resolve("cli/target/conveyor-cli.jar"));
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(jar.toMillis() - 60_000));

        // When a command runs
        assertThat(run(dir, Map.of(), "--version").exit()).isZero();

        // Then the JVM, which refuses such an archive and would not replace it, was given none and wrote a new one
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(jar);
    }

    @Test
    void conveyorLocal_afterAShortCommandWroteItsArchive_writesAnArchiveOfItsOwn(@TempDir Path dir) throws Exception {
        // Given no class-data archives, and a short command run first, which writes the archive of its own classes
        Path shortCommands = HOME.resolve("cli/target/conveyor.jsa");
        Path localMode = HOME.resolve("cli/target/conveyor-local.jsa");
        Files.deleteIfExists(shortCommands);
        Files.deleteIfExists(localMode);
        assertThat(run(dir, Map.of(), "--version").exit()).isZero();
        assertThat(shortCommands).exists();
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(shortCommands);
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("algorithms"));
        Files.createDirectories(work.resolve("inbox"));

        // When the local mode runs
        Result local = run(dir, Map.of(), "local", "--once", "--stable", "0", "--inbox", work.resolve("inbox").toString(),
                "--outbox", work.resolve("outbox").toString(), "--algorithms", work.resolve("algorithms").toString());

        // Then it wrote an archive of its own (one the JVM could map is never added to), and left the other alone
        assertThat(local.exit()).as(String.join("\n", local.err())).isZero();
        assertThat(localMode).as("the local mode's archive").exists();
        assertThat(Files.getLastModifiedTime(shortCommands)).isEqualTo(written);
    }

    @Test
    void conveyorJobCommands_onALocalOutbox_exitCodesAndJsonAsDocumented(@TempDir Path dir) throws Exception {
        // Given a local run of word-count over one file
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("algorithms"));
        Files.copy(HOME.resolve("algorithms/word-count.json"), work.resolve("algorithms/word-count.json"));
        Files.createDirectories(work.resolve("inbox/word-count"));
        Files.writeString(work.resolve("inbox/word-count/notes.txt"), "one two three\n");
        Result local = run(dir, Map.of(), "local", "--once", "--stable", "0", "--inbox", work.resolve("inbox").toString(),
                "--outbox", work.resolve("outbox").toString(), "--algorithms", work.resolve("algorithms").toString());
        assertThat(local.exit()).as(String.join("\n", local.err())).isZero();

        // When the job commands are run as a script would
        Result version = run(dir, Map.of(), "--version");
        Result jobs = run(dir, Map.of("CONVEYOR_OUTBOX", work.resolve("outbox").toString()), "jobs", "-o", "json");
        JsonNode listed = Json.mapper().readTree(jobs.out());
        String id = listed.get(0).path("id").asText();
        Result logs = run(dir, Map.of("CONVEYOR_OUTBOX", work.resolve("outbox").toString()), "logs", id);
        Result missing = run(dir, Map.of("CONVEYOR_OUTBOX", work.resolve("outbox").toString()), "show", "job-nope");
        Result usage = run(dir, Map.of(), "jobs", "--state");

        // Then
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("conveyor ");
        assertThat(jobs.exit()).isZero();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(listed.get(0).path("input").asText()).endsWith("notes.txt");
        assertThat(logs.exit()).isZero();
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).singleElement().satisfies(line -> assertThat(line).contains("job-nope"));
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).anySatisfy(line -> assertThat(line).contains("--state"));
    }
}
