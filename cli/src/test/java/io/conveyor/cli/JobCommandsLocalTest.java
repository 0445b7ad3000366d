package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands on a local outbox whose records the local mode made: what a user of
 * {@code conveyor local} sees, with the exit codes and {@code -o json} shapes scripts rely on.
 */
class JobCommandsLocalTest {

    static final String COUNTS = """
            {"name": "counts", "image": "busybox", "command": ["sh", "-c", "echo counted; wc -c \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/n.txt\\""],
             "input": {"suffixes": [".txt"]}, "resources": {"vcpu": 0.25, "memoryMiB": 128}, "retries": 0,
             "parameters": [{"name": "threshold", "default": "0.5"}]}
            """;
    static final String FAILS = """
            {"name": "fails", "image": "busybox", "command": ["sh", "-c", "echo about to fail; echo boom >&2; exit 3"],
             "input": {"suffixes": [".txt"]}, "resources": {"vcpu": 0.25, "memoryMiB": 128}, "retries": 0}
            """;

    @TempDir
    Path dir;
    Path outbox;

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    private Run conveyor(String... args) {
        return conveyor(Map.of(), args);
    }

    private Run conveyor(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Conveyor.run(List.of(args), Environment.of(environment), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run onOutbox(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--outbox");
        all.add(outbox.toString());
        return conveyor(all.toArray(String[]::new));
    }

    private Run runLocalOnce() {
        return conveyor("local", "--once", "--stable", "0", "--inbox", dir.resolve("inbox").toString(), "--outbox",
                outbox.toString(), "--algorithms", dir.resolve("algorithms").toString());
    }

    @BeforeEach
    void aLocalRunWithASuccessAndAFailure() throws IOException {
        // Given two algorithms, an input for each, and one run of the local mode over them
        Files.createDirectories(dir.resolve("algorithms"));
        Files.writeString(dir.resolve("algorithms/counts.json"), COUNTS);
        Files.writeString(dir.resolve("algorithms/fails.json"), FAILS);
        Files.createDirectories(dir.resolve("inbox/counts"));
        Files.createDirectories(dir.resolve("inbox/fails"));
        Files.writeString(dir.resolve("inbox/counts/a.txt"), "hello");
        Files.writeString(dir.resolve("inbox/fails/b.txt"), "hello");
        outbox = dir.resolve("outbox");
        Run local = runLocalOnce();
        assertThat(local.exit()).as(local.err()).isEqualTo(1);
    }

    private String idOf(String state) throws IOException {
        JsonNode jobs = onOutbox("jobs", "--state", state, "-o", "json").json();
        assertThat(jobs).hasSize(1);
        return jobs.get(0).path("id").asText();
    }

    @Test
    void jobs_outboxOfALocalRun_listsEachJobAndFilters() throws IOException {
        // When
        Run table = onOutbox("jobs");
        Run json = onOutbox("jobs", "-o", "json");
        Run failed = onOutbox("jobs", "--state", "failed", "-o", "json");
        Run byAlgorithm = onOutbox("jobs", "--algorithm", "counts", "-o", "json");
        Run byInput = onOutbox("jobs", "--input", "fails/", "-o", "json");
        Run limited = onOutbox("jobs", "--limit", "1", "-o", "json");
        Run future = onOutbox("jobs", "--since", "2999-01-01T00:00:00Z");

        // Then
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .startsWith("JOB").contains("ALGORITHM", "INPUT", "STATE", "ATTEMPTS", "DURATION", "REASON"));
        assertThat(table.out()).contains("counts/a.txt", "SUCCEEDED", "fails/b.txt", "FAILED");
        assertThat(json.json()).hasSize(2);
        assertThat(json.json().get(0).fieldNames()).toIterable().contains("id", "algorithm", "input", "state",
                "attempts", "queuedAt");
        assertThat(failed.json()).extracting(job -> job.path("algorithm").asText()).containsExactly("fails");
        assertThat(byAlgorithm.json()).extracting(job -> job.path("state").asText()).containsExactly("SUCCEEDED");
        assertThat(byInput.json()).extracting(job -> job.path("algorithm").asText()).containsExactly("fails");
        assertThat(limited.json()).hasSize(1);
        assertThat(future.exit()).isZero();
        assertThat(future.out()).isEmpty();
        assertThat(future.err()).contains("no jobs match");
    }

    @Test
    void jobs_badFlags_areUsageErrorsNamingTheFlag() {
        assertThat(onOutbox("jobs", "--state", "DONE")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--state");
        });
        assertThat(onOutbox("jobs", "--since", "yesterday")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--since", "yesterday");
        });
        assertThat(onOutbox("jobs", "--limit", "0").err()).contains("--limit");
        assertThat(conveyor("jobs", "--outbox", dir.resolve("nowhere").toString())).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--outbox", "nowhere", "no jobs/ folder");
        });
    }

    @Test
    void show_failedJob_tellsItsStoryByIdAndByInput() throws IOException {
        // Given
        String failed = idOf("FAILED");

        // When
        Run byId = onOutbox("show", failed);
        Run byInput = onOutbox("show", "b.txt");
        Run json = onOutbox("show", failed, "-o", "json");
        Run missing = onOutbox("show", "job-000000000000000000000000");

        // Then
        assertThat(byId.exit()).isZero();
        assertThat(byId.out()).startsWith(failed + "  FAILED").contains("algorithm", "fails", "attempts", "1 of 1",
                "exit code", "3", "boom", "conveyor logs " + failed);
        assertThat(byInput.out()).startsWith(failed);
        assertThat(json.json().path("id").asText()).isEqualTo(failed);
        assertThat(json.json().path("exitCode").asInt()).isEqualTo(3);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("job-000000000000000000000000");
    }

    @Test
    void show_succeededJob_printsItsProvenance() throws IOException {
        // Given
        String succeeded = idOf("SUCCEEDED");

        // When
        Run show = onOutbox("show", succeeded);

        // Then the descriptor revision, the input's version and each output's checksum are there
        assertThat(show.out()).containsPattern("revision [0-9a-f]{64}").containsPattern("version sha256:[0-9a-f]{64}")
                .containsPattern("n\\.txt  sha256:[0-9a-f]{64}");
    }

    @Test
    void logs_localJob_printsWhatTheAlgorithmWrote() throws IOException {
        // Given
        String failed = idOf("FAILED");

        // When
        Run logs = onOutbox("logs", failed);
        Run container = onOutbox("logs", failed, "--container", "algorithm");
        Run stageIn = onOutbox("logs", failed, "--container", "stage-in");
        Run attempt = onOutbox("logs", failed, "--attempt", "4");

        // Then both streams are there (their order across the two pipes is not kept); the flags at fault are named
        assertThat(logs.exit()).isZero();
        assertThat(logs.out()).contains("about to fail", "boom");
        assertThat(container.out()).contains("boom");
        assertThat(stageIn.exit()).isEqualTo(2);
        assertThat(stageIn.err()).contains("--container stage-in", "algorithm");
        assertThat(attempt.exit()).isEqualTo(2);
        assertThat(attempt.err()).contains("--attempt 4", "attempts 1 to 1");
    }

    @Test
    void retry_failedJob_isQueuedAndTheNextRunRunsItAgain() throws IOException {
        // Given a failed job
        String failed = idOf("FAILED");

        // When it is retried, and the local mode runs
        Run retry = onOutbox("retry", failed);
        JsonNode queued = onOutbox("show", failed, "-o", "json").json();
        runLocalOnce();
        JsonNode after = onOutbox("show", failed, "-o", "json").json();

        // Then it ran a second attempt (it fails again: the algorithm did not change)
        assertThat(retry.exit()).as(retry.err()).isZero();
        assertThat(retry.out()).contains(failed, "queued again (was FAILED)", "same revision");
        assertThat(queued.path("state").asText()).isEqualTo("QUEUED");
        assertThat(after.path("state").asText()).isEqualTo("FAILED");
        assertThat(after.path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void retry_afterTheDescriptorChanged_saysSoAndRunsTheNewRevision() throws IOException {
        // Given a failed job whose algorithm was fixed since
        String failed = idOf("FAILED");
        Files.writeString(dir.resolve("algorithms/fails.json"), FAILS.replace("exit 3", "exit 0"));

        // When
        Run retry = onOutbox("retry", "--state", "FAILED");
        runLocalOnce();

        // Then
        assertThat(retry.out()).contains(failed, "algorithm 'fails' changed: revision");
        assertThat(onOutbox("show", failed, "-o", "json").json().path("state").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void retry_sameImageOnAnOutbox_isRefusedSayingTheLocalModeHasNoImages() throws IOException {
        String failed = idOf("FAILED");

        Run retry = onOutbox("retry", failed, "--same-image");

        assertThat(retry.exit()).isEqualTo(2);
        assertThat(retry.err()).contains("--same-image: the local mode runs no container images");
        assertThat(onOutbox("show", failed, "-o", "json").json().path("state").asText()).isEqualTo("FAILED");
    }

    @Test
    void retry_succeededJob_needsForce() throws IOException {
        String succeeded = idOf("SUCCEEDED");

        Run plain = onOutbox("retry", succeeded);
        Run forced = onOutbox("retry", succeeded, "--force");
        Run missing = onOutbox("retry", "job-000000000000000000000000");
        Run both = onOutbox("retry", succeeded, "--state", "FAILED");

        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).contains("nothing to do");
        assertThat(onOutbox("show", succeeded, "-o", "json").json().path("state").asText()).isEqualTo("QUEUED");
        assertThat(forced.out()).contains("queued again (was SUCCEEDED)");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no such job");
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void cancel_queuedJob_isCancelledAndTheNextRunLeavesIt() throws IOException {
        // Given a job queued again by a retry
        String failed = idOf("FAILED");
        onOutbox("retry", failed);

        // When it is cancelled, and the local mode runs
        Run cancel = conveyor(Map.of("CONVEYOR_USER", "alice"), "cancel", failed, "--reason", "wrong input",
                "--outbox", outbox.toString());
        runLocalOnce();
        JsonNode after = onOutbox("show", failed, "-o", "json").json();
        Run again = onOutbox("cancel", failed);

        // Then
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains(failed, "cancelled");
        assertThat(after.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(after.path("reason").asText()).contains("alice", "wrong input");
        assertThat(after.path("attempt").asInt()).isEqualTo(1);
        assertThat(again.out()).contains("nothing to do");
        assertThat(onOutbox("cancel").exit()).isEqualTo(2);
    }

    @Test
    void submit_localFile_landsInTheInboxWithItsParameters() throws IOException {
        // Given a file
        Path file = Files.writeString(dir.resolve("c.txt"), "more");

        // When
        Run submitted = onOutbox("submit", file.toString(), "--algorithm", "counts", "--param", "threshold=0.9");
        Run undeclared = onOutbox("submit", file.toString(), "--algorithm", "counts", "--param", "colour=red");
        Run unknown = onOutbox("submit", file.toString(), "--algorithm", "nope");
        Run noFile = onOutbox("submit", dir.resolve("none.txt").toString(), "--algorithm", "counts");

        // Then it is where conveyor local takes it, its parameter beside it; the rest name their fault
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        assertThat(dir.resolve("inbox/counts/c.txt")).hasContent("more");
        assertThat(Files.list(dir.resolve("inbox/counts")).map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.startsWith("c.txt") && name.contains("param"));
        assertThat(undeclared.exit()).isEqualTo(2);
        assertThat(undeclared.err()).contains("--param colour", "threshold");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--algorithm nope");
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("none.txt");
    }

    @Test
    void register_localDescriptors_copiesTheValidOneAndNamesTheOthersErrors() throws IOException {
        // Given a valid descriptor and one with a wrong field
        Path good = Files.writeString(dir.resolve("upper.json"), COUNTS.replace("\"counts\"", "\"upper\""));
        Path bad = Files.writeString(dir.resolve("bad.json"), COUNTS.replace("\"counts\"", "\"Bad Name\""));

        // When
        Run run = onOutbox("register", good.toString(), bad.toString());
        Run listed = onOutbox("algorithms", "-o", "json");

        // Then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("ACCEPTED  " + good, "REJECTED  " + bad, "/name");
        assertThat(dir.resolve("algorithms/upper.json")).exists();
        assertThat(dir.resolve("algorithms/bad.json")).doesNotExist();
        assertThat(listed.json()).extracting(a -> a.path("name").asText()).contains("counts", "fails", "upper");
    }

    @Test
    void algorithms_local_showsWhatCanBeUsed() {
        Run table = onOutbox("algorithms");
        Run one = onOutbox("algorithms", "counts");
        Run missing = onOutbox("algorithms", "nope");

        assertThat(table.out()).contains("counts", "fails", "VALID", ".txt");
        assertThat(one.out()).contains("parameter", "threshold = 0.5", "accepts");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope");
    }

    @Test
    void watch_finishedJobs_exitZeroOnlyWhenAllSucceeded() throws IOException {
        assertThat(onOutbox("watch", idOf("SUCCEEDED")).exit()).isZero();
        assertThat(onOutbox("watch", idOf("SUCCEEDED"), idOf("FAILED")).exit()).isEqualTo(1);
        assertThat(onOutbox("watch").err()).contains("no job", "under way");
    }

    @Test
    void fleet_local_saysThereIsNone() {
        Run run = onOutbox("fleet");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("local mode", "no fleet");
    }

    @Test
    void target_fromTheEnvironmentAndTheConfigFile_isTheOutbox() throws IOException {
        // Given the outbox named by the environment, then by a config file
        Path config = Files.createDirectories(dir.resolve("config/conveyor")).resolve("config");
        Files.writeString(config, "# mine\noutbox=" + outbox + "\n");

        // When
        Run fromEnvironment = conveyor(Map.of("CONVEYOR_OUTBOX", outbox.toString()), "jobs", "-o", "json");
        Run fromConfig = conveyor(Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()), "jobs", "-o", "json");
        Files.writeString(config, "outbx=" + outbox + "\n");
        Run badConfig = conveyor(Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()), "jobs");
        Run both = conveyor("jobs", "--outbox", outbox.toString(), "--stack", "prod");

        // Then
        assertThat(fromEnvironment.exit()).as(fromEnvironment.err()).isZero();
        assertThat(fromEnvironment.out()).contains("counts");
        assertThat(fromConfig.exit()).as(fromConfig.err()).isZero();
        assertThat(fromConfig.out()).contains("fails");
        assertThat(badConfig.exit()).isEqualTo(2);
        assertThat(badConfig.err()).contains(config + ":1", "outbx");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--outbox", "--stack");
    }
}
