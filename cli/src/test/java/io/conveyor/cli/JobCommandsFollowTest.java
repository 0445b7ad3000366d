package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logs --follow} and {@code watch} while a job runs: they follow it as it goes and end when it
 * is over, with its exit code.
 */
class JobCommandsFollowTest {

    private static final String SLOW = """
            {"name": "slow", "image": "busybox", "command": ["sh", "-c", "echo first; sleep 2; echo second"],
             "input": {"suffixes": [".txt"]}, "resources": {"vcpu": 0.25, "memoryMiB": 128}, "retries": 0}
            """;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void logsFollowAndWatch_runningLocalJob_followItToItsEnd(@TempDir Path dir) throws Exception {
        // Given a local mode running a job that writes a line, waits, writes another
        Files.createDirectories(dir.resolve("algorithms"));
        Files.writeString(dir.resolve("algorithms/slow.json"), SLOW);
        Files.createDirectories(dir.resolve("inbox/slow"));
        Files.writeString(dir.resolve("inbox/slow/a.txt"), "x");
        Path outbox = dir.resolve("outbox");
        ExecutorService terminals = Executors.newCachedThreadPool();
        CompletableFuture<CommandRun> local = CompletableFuture.supplyAsync(() -> CommandRun.of(Map.of(), List.of(
                "local", "--once", "--stable", "0", "--inbox", dir.resolve("inbox").toString(), "--outbox",
                outbox.toString(), "--algorithms", dir.resolve("algorithms").toString())), terminals);
        String id = runningJob(outbox);

        // When its logs are followed, and it is watched, from other "terminals"
        CompletableFuture<CommandRun> watch = CompletableFuture.supplyAsync(() -> CommandRun.of(Map.of(), List.of(
                "watch", id, "--interval", "0.2", "--outbox", outbox.toString())), terminals);
        CommandRun follow = CommandRun.of(Map.of(), List.of("logs", id, "--follow", "--outbox", outbox.toString()));

        // Then the logs hold both lines, the second written after following began, and both end with the job
        assertThat(follow.exit()).as(follow.err()).isZero();
        assertThat(follow.out()).contains("first", "second");
        assertThat(watch.get(30, TimeUnit.SECONDS)).satisfies(run -> {
            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains(id, "RUNNING", "SUCCEEDED", "1 succeeded, 0 did not");
        });
        assertThat(local.get(30, TimeUnit.SECONDS).exit()).isZero();
        terminals.shutdown();
    }

    private static String runningJob(Path outbox) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(outbox.resolve("jobs"))) {
                CommandRun jobs = CommandRun.of(Map.of(), List.of("jobs", "--state", "RUNNING", "-o", "json",
                        "--outbox", outbox.toString()));
                if (jobs.exit() == 0 && !jobs.out().isBlank()) {
                    JsonNode listed = Json.mapper().readTree(jobs.out());
                    if (listed.size() == 1) {
                        return listed.get(0).path("id").asText();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job ran within 30 s");
    }
}
