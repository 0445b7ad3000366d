package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.cli.CommandRun;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The job commands ({@code conveyor jobs, show, logs, cancel, retry, watch, submit, register, algorithms,
 * fleet}) run as a user runs them, with {@code --env-file} pointing at a sandbox whose records the real
 * handlers make: exit codes, table lines, {@code -o json} shapes, and the emulator's state where it matters.
 */
class SandboxJobCommandsIT {

    static SandboxRun run;
    static Path envFile;
    /** A flaky algorithm's input succeeds once a file of its name lies here. */
    static Path fixed;

    @BeforeAll
    static void start() throws Exception {
        run = SandboxRun.start("commands", Map.of(), Sandbox.Staging.SDK);
        envFile = run.work.resolve("sandbox.env");
        run.sandbox.envFile().write(envFile);
        fixed = Files.createDirectories(run.work.resolve("fixed"));
        run.register(SandboxRun.HOME.resolve("algorithms/word-count.json"));
        run.register("talks.json", """
                {"name": "talks", "image": "busybox:1.36",
                 "command": ["sh", "-c", "echo counting \\"$CONVEYOR_INPUT\\"; wc -w < \\"$CONVEYOR_INPUT\\"; echo done >&2"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");
        run.register("slow.json", """
                {"name": "slow", "image": "busybox:1.36", "retries": 2,
                 "command": ["sh", "-c", "echo begun; sleep 300"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");
        run.register("pause.json", """
                {"name": "pause", "image": "busybox:1.36",
                 "command": ["sh", "-c", "sleep 2; wc -w < \\"$CONVEYOR_INPUT\\""],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");
        run.register("flaky.json", """
                {"name": "flaky", "image": "busybox:1.36", "retries": 0,
                 "command": ["sh", "-c", "if [ -e \\"%s/$(basename \\"$CONVEYOR_INPUT\\")\\" ]; then echo fixed > \\"$CONVEYOR_OUTPUT_DIR/ok.txt\\"; else echo broken >&2; exit 3; fi"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""".formatted(fixed));
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    static CommandRun conveyor(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.add(1, "--env-file");
        line.add(2, envFile.toString());
        return CommandRun.of(Map.of("CONVEYOR_USER", "alice"), line);
    }

    static JsonNode json(CommandRun result) throws IOException {
        assertThat(result.exit()).as(result.toString()).isZero();
        return Json.mapper().readTree(result.out());
    }

    static Path file(String name, String content) throws IOException {
        Path folder = Files.createDirectories(run.work.resolve("files-" + System.nanoTime()));
        return Files.writeString(folder.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Submits one file and returns its job id, read from the first word printed. */
    static String submit(Path file, String algorithm) {
        CommandRun submitted = conveyor("submit", file.toString(), "--algorithm", algorithm);
        assertThat(submitted.exit()).as(submitted.toString()).isZero();
        String id = submitted.lines().get(0).split("\\s+")[0];
        assertThat(id).as(submitted.toString()).startsWith("job-");
        return id;
    }

    static JobRecord awaitRecord(String id, java.util.function.Predicate<JobRecord> done) throws InterruptedException {
        SandboxRun.await(id, Duration.ofSeconds(90), () -> run.jobs.get(id).map(done::test).orElse(false));
        return run.jobs.get(id).orElseThrow();
    }

    @Test
    void register_bundledAndBrokenDescriptors_acceptedOneListedRejectedOneWithItsErrorPath() throws Exception {
        // Given a bundled descriptor and a broken one
        Path bundled = SandboxRun.HOME.resolve("algorithms/csv-stats.json");
        Path broken = file("broken.json", """
                {"name": "broken", "image": "busybox:1.36", "command": ["true"],
                 "resources": {"vcpu": -1, "memoryMiB": 128}}""");

        // When each is registered
        CommandRun accepted = conveyor("register", bundled.toString());
        CommandRun rejected = conveyor("register", broken.toString());

        // Then the first is ACCEPTED (exit 0), the second REJECTED with its error's path (exit 1)
        assertThat(accepted.exit()).as(accepted.toString()).isZero();
        assertThat(accepted.lines().get(0)).isEqualTo("ACCEPTED  " + bundled + "  -> csv-stats");
        assertThat(rejected.exit()).as(rejected.toString()).isEqualTo(1);
        assertThat(rejected.lines().get(0)).startsWith("REJECTED  " + broken);
        assertThat(rejected.out()).contains(broken + ": /resources/vcpu");

        // And algorithms lists the registered one, and the rejected one with its error
        CommandRun table = conveyor("algorithms");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.lines().get(0)).startsWith("ALGORITHM").contains("STATUS", "REVISION", "IMAGE");
        assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith("csv-stats ").contains("ACTIVE"));
        assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith("broken").contains("REJECTED",
                "/resources/vcpu"));
        JsonNode all = json(conveyor("algorithms", "-o", "json"));
        assertThat(all.isArray()).isTrue();
        CommandRun one = conveyor("algorithms", "csv-stats");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.lines().get(0)).startsWith("csv-stats  ACTIVE  revision ");
        assertThat(one.out()).contains("  image        ", "  descriptor   s3://");
        JsonNode described = json(conveyor("algorithms", "csv-stats", "-o", "json"));
        assertThat(described.path("name").asText()).isEqualTo("csv-stats");
        assertThat(described.path("revision").asText()).hasSize(64);
        assertThat(conveyor("algorithms", "nope").exit()).isEqualTo(1);
    }

    @Test
    void submit_wordCountWithWait_printsTheJobIdAndSucceeds() throws Exception {
        // Given a text file
        Path words = file("submitted.txt", "one two three\n");

        // When it is submitted to word-count, waiting for its job
        CommandRun submitted = conveyor("submit", words.toString(), "--algorithm", "word-count", "--wait",
                "--timeout", "90");

        // Then the job id is printed first, the job SUCCEEDED, and the output is in the bucket
        assertThat(submitted.exit()).as(submitted.toString()).isZero();
        String id = submitted.lines().get(0).split("\\s+")[0];
        assertThat(id).startsWith("job-");
        assertThat(submitted.lines().get(0)).endsWith("s3://" + run.inputBucket() + "/inputs/word-count/submitted.txt");
        assertThat(submitted.out()).contains(id + "  SUCCEEDED", "1 succeeded, 0 did not");
        JobRecord record = run.jobs.get(id).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.output(record, "counts.txt")).contains(" 3 ");
    }

    @Test
    void submit_undeclaredParameterOrUnknownAlgorithm_exit2NamingIt() throws Exception {
        // Given a text file
        Path words = file("refused.txt", "one\n");

        // When it is submitted with a parameter word-count does not declare, or to no such algorithm
        CommandRun undeclared = conveyor("submit", words.toString(), "--algorithm", "word-count", "--param", "colour=red");
        CommandRun unknown = conveyor("submit", words.toString(), "--algorithm", "no-such-thing");

        // Then both are usage errors naming what is wrong, and nothing was uploaded
        assertThat(undeclared.exit()).as(undeclared.toString()).isEqualTo(2);
        assertThat(undeclared.err()).contains("--param colour: word-count has no such parameter");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("--algorithm no-such-thing: no such algorithm is registered");
        assertThat(run.s3.listObjectsV2(r -> r.bucket(run.inputBucket()).prefix("inputs/word-count/refused"))
                .contents()).isEmpty();
        assertThat(run.s3.listObjectsV2(r -> r.bucket(run.inputBucket()).prefix("inputs/no-such-thing/"))
                .contents()).isEmpty();
    }

    @Test
    void jobs_filters_listThroughTheJobIndex() throws Exception {
        // Given two talks jobs over
        String first = submit(file("list-a.txt", "a b\n"), "talks");
        String second = submit(file("list-b.txt", "a b c\n"), "talks");
        awaitRecord(first, job -> job.state().terminal());
        awaitRecord(second, job -> job.state().terminal());

        // When they are listed, as a table and as JSON, with each filter
        CommandRun table = conveyor("jobs", "--algorithm", "talks");
        JsonNode byAlgorithm = json(conveyor("jobs", "--algorithm", "talks", "-o", "json"));
        JsonNode byState = json(conveyor("jobs", "--state", "SUCCEEDED", "-o", "json"));
        JsonNode byInput = json(conveyor("jobs", "--input", "inputs/talks/list-", "-o", "json"));
        JsonNode bySince = json(conveyor("jobs", "--since", "1h", "--algorithm", "talks", "-o", "json"));
        JsonNode limited = json(conveyor("jobs", "--input", "inputs/talks/list-", "--limit", "1", "-o", "json"));
        JsonNode future = json(conveyor("jobs", "--since", "2099-01-01T00:00:00Z", "-o", "json"));

        // Then each shows what it should, newest first
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.lines().get(0)).matches("JOB +ALGORITHM +INPUT +STATE +ATTEMPTS +DURATION +REASON *");
        assertThat(table.lines()).anySatisfy(line -> assertThat(line).startsWith(first + " ")
                .contains(" talks ", " inputs/talks/list-a.txt ", " SUCCEEDED "));
        assertThat(ids(byAlgorithm)).contains(first, second);
        assertThat(byAlgorithm.get(0).fieldNames()).toIterable().contains("id", "algorithm", "input", "state",
                "attempts", "queuedAt");
        assertThat(byAlgorithm.findValuesAsText("algorithm")).containsOnly("talks");
        assertThat(ids(byState)).contains(first, second);
        assertThat(byState.findValuesAsText("state")).containsOnly("SUCCEEDED");
        assertThat(ids(byInput)).containsExactly(second, first);
        assertThat(byInput.get(1).path("input").asText())
                .isEqualTo("s3://" + run.inputBucket() + "/inputs/talks/list-a.txt");
        assertThat(ids(bySince)).contains(first, second);
        assertThat(ids(limited)).containsExactly(second);
        assertThat(future.size()).isZero();
    }

    @Test
    void show_succeededJob_tellsItsWholeStoryWithProvenance() throws Exception {
        // Given a job over
        String id = submit(file("shown.txt", "one two three\n"), "word-count");
        awaitRecord(id, job -> job.state().terminal());

        // When it is shown by id, as JSON, and by its input key
        CommandRun shown = conveyor("show", id);
        JsonNode record = json(conveyor("show", id, "-o", "json"));
        CommandRun byInput = conveyor("show", "inputs/word-count/shown.txt");
        CommandRun missing = conveyor("show", "job-nope");

        // Then its attempts, exit codes, digests, log streams and output checksums are there
        assertThat(shown.exit()).as(shown.toString()).isZero();
        assertThat(shown.lines().get(0)).isEqualTo(id + "  SUCCEEDED");
        assertThat(shown.out()).contains("  algorithm    word-count (revision ", "  attempt 1: STOPPED  arn:aws:ecs:",
                "    algorithm  exit code 0", "  logs: conveyor logs " + id);
        assertThat(record.path("id").asText()).isEqualTo(id);
        assertThat(record.path("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode task = record.path("tasks").path(0);
        assertThat(task.path("attempt").asInt()).isEqualTo(1);
        assertThat(task.path("exitCodes").path("algorithm").asInt(-1)).isZero();
        assertThat(task.path("logStreams").path("algorithm").asText()).startsWith("word-count/algorithm/");
        assertThat(task.path("imageDigests").path("algorithm").asText()).startsWith("sha256:");
        assertThat(record.path("outputChecksums").fieldNames()).toIterable().anySatisfy(name ->
                assertThat(name).endsWith("counts.txt"));
        assertThat(byInput.exit()).as(byInput.toString()).isZero();
        assertThat(byInput.lines().get(0)).startsWith(id);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no job 'job-nope'");
    }

    @Test
    void logs_job_printsWhatItsContainersWrote() throws Exception {
        // Given a job whose algorithm writes to stdout and stderr
        String id = submit(file("three.txt", "one two three\n"), "talks");
        awaitRecord(id, job -> job.state() == JobState.SUCCEEDED);

        // When its logs are read: all containers, the algorithm's alone, and an attempt it never had
        CommandRun all = conveyor("logs", id);
        CommandRun algorithm = conveyor("logs", id, "--container", "algorithm");
        CommandRun ninth = conveyor("logs", id, "--attempt", "9");

        // Then the algorithm's output is there, under its header when there are several containers
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).contains("==> algorithm (attempt 1) <==");
        assertThat(algorithm.exit()).as(algorithm.toString()).isZero();
        assertThat(algorithm.lines()).hasSize(3).endsWith("3", "done");
        assertThat(algorithm.lines().get(0)).startsWith("counting /").endsWith("/three.txt");
        assertThat(ninth.exit()).isEqualTo(2);
        assertThat(ninth.err()).contains("--attempt 9: " + id + " has attempts 1 to 1");
    }

    @Test
    void cancel_runningJobAndByInput_cancelledWithTheUserNamedInTheStopReason() throws Exception {
        // Given two jobs whose algorithm runs for minutes, both RUNNING
        String one = submit(file("cancel-one.txt", "x\n"), "slow");
        String two = submit(file("cancel-two.txt", "x\n"), "slow");
        JobRecord running = awaitRecord(one, job -> job.state() == JobState.RUNNING);
        awaitRecord(two, job -> job.state() == JobState.RUNNING);

        // When alice cancels the first by id, and the second by its input's prefix
        CommandRun byId = conveyor("cancel", one, "--reason", "wrong input");
        CommandRun byInput = conveyor("cancel", "--input", "inputs/slow/cancel-t", "-o", "json");

        // Then each is CANCELLED, its task stopped with a reason naming alice
        assertThat(byId.exit()).as(byId.toString()).isZero();
        assertThat(byId.lines()).containsExactly(one + "  cancelled (was RUNNING); its task (attempt 1) was asked to stop");
        JsonNode outcomes = json(byInput);
        assertThat(outcomes.size()).isEqualTo(1);
        assertThat(outcomes.get(0).path("jobId").asText()).isEqualTo(two);
        assertThat(outcomes.get(0).path("kind").asText()).isEqualTo("DONE");
        String taskArn = running.task(1).orElseThrow().taskArn();
        try (EcsClient ecs = run.sandbox.emulator().ecs()) {
            SandboxRun.await("the cancelled task stopped", Duration.ofSeconds(60), () -> "STOPPED".equals(ecs
                    .describeTasks(r -> r.cluster(run.sandbox.stack().clusterName()).tasks(taskArn)).tasks().get(0)
                    .lastStatus()));
            assertThat(ecs.describeTasks(r -> r.cluster(run.sandbox.stack().clusterName()).tasks(taskArn)).tasks()
                    .get(0).stoppedReason()).isEqualTo("Conveyor: cancelled by alice: wrong input");
        }
        assertThat(run.jobs.get(one).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(run.jobs.get(two).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(run.jobs.get(two).orElseThrow().reason()).startsWith("cancelled by alice");
        JsonNode listed = json(conveyor("jobs", "--state", "CANCELLED", "--algorithm", "slow", "-o", "json"));
        assertThat(ids(listed)).contains(one, two);
    }

    @Test
    void retry_failedJob_runsAgainAndWatchSaysHowItEnded() throws Exception {
        // Given two jobs of an algorithm that fails until its input is fixed
        String first = submit(file("retried.txt", "x\n"), "flaky");
        String second = submit(file("retried-by-state.txt", "x\n"), "flaky");
        awaitRecord(first, job -> job.state().terminal());
        awaitRecord(second, job -> job.state().terminal());
        CommandRun watchedFailure = conveyor("watch", first, "--interval", "0.5");

        // When the input is fixed and the first job retried by id, the second by its state
        Files.writeString(fixed.resolve("retried.txt"), "");
        Files.writeString(fixed.resolve("retried-by-state.txt"), "");
        CommandRun retried = conveyor("retry", first);
        assertThat(run.jobs.get(first).orElseThrow().state()).as("just after retry").isNotEqualTo(JobState.FAILED);
        CommandRun byState = conveyor("retry", "--state", "FAILED", "--algorithm", "flaky", "-o", "json");
        CommandRun watchedSuccess = conveyor("watch", first, second, "--interval", "0.5", "--timeout", "90");

        // Then watch said 1 for the failure, the retries queued them, and both ran again to success
        assertThat(watchedFailure.exit()).as(watchedFailure.toString()).isEqualTo(1);
        assertThat(watchedFailure.out()).contains(first + "  FAILED", "0 succeeded, 1 did not");
        assertThat(retried.exit()).as(retried.toString()).isZero();
        assertThat(retried.lines().get(0)).startsWith(first + "  ");
        JsonNode outcomes = json(byState);
        assertThat(outcomes.findValuesAsText("jobId")).contains(second).doesNotContain(first);
        assertThat(watchedSuccess.exit()).as(watchedSuccess.toString()).isZero();
        for (String id : List.of(first, second)) {
            JobRecord after = run.jobs.get(id).orElseThrow();
            assertThat(after.state()).as(id).isEqualTo(JobState.SUCCEEDED);
            assertThat(after.tasks()).as(id + ": a new attempt").hasSizeGreaterThan(1);
        }
    }

    @Test
    void retry_succeededJob_nothingToDoUnlessForced() throws Exception {
        // Given a job that succeeded
        String id = submit(file("forced.txt", "one\n"), "word-count");
        JobRecord done = awaitRecord(id, job -> job.state().terminal());
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        CommandRun watched = conveyor("watch", id);

        // When it is retried without --force, then with it
        CommandRun unforced = conveyor("retry", id);
        CommandRun forced = conveyor("retry", id, "--force");

        // Then the first does nothing, the second runs it again
        assertThat(watched.exit()).as(watched.toString()).isZero();
        assertThat(unforced.exit()).as(unforced.toString()).isZero();
        assertThat(unforced.lines().get(0)).startsWith(id + "  nothing to do: ");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(forced.lines().get(0)).startsWith(id + "  ").doesNotContain("nothing to do");
        JobRecord again = awaitRecord(id, job -> job.state().terminal() && job.tasks().size() > done.tasks().size());
        assertThat(again.state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void fleet_sandbox_listsItsInstancesAndQueues() throws Exception {
        // Given a sandbox that has run jobs (the fleet launched an instance for them)
        String id = submit(file("fleet.txt", "one\n"), "word-count");
        awaitRecord(id, job -> job.state().terminal());

        // When its fleet is shown, as a table and as JSON
        CommandRun table = conveyor("fleet");
        JsonNode fleet = json(conveyor("fleet", "-o", "json"));

        // Then its instances and queues are listed, and what moto's CloudWatch cannot tell is said
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.err()).contains("conveyor fleet: CloudWatch did not answer");
        assertThat(table.lines().get(0)).startsWith("INSTANCE").contains("STATE", "TYPE", "TASKS");
        assertThat(table.out()).contains("QUEUE");
        assertThat(fleet.path("instances").size()).isGreaterThanOrEqualTo(1);
        assertThat(fleet.path("instances").get(0).path("id").asText()).startsWith("i-");
        assertThat(fleet.path("instances").get(0).path("state").asText()).isEqualTo("running");
        assertThat(fleet.path("queues").findValuesAsText("name")).hasSize(8);
        assertThat(fleet.path("queues").findValuesAsText("deadLetter")).contains("true", "false");
        assertThat(fleet.path("warnings").size()).isEqualTo(1);
    }

    @Test
    void report_sandboxRun_timelineByInstanceAndCost() throws Exception {
        // Given a job that ran on one of the sandbox's instances for a few seconds (ECS tells times in seconds)
        String id = submit(file("reported.txt", "one two\n"), "pause");
        awaitRecord(id, job -> job.state() == JobState.SUCCEEDED);
        Path page = run.work.resolve("report/report.html");
        Path trace = run.work.resolve("report/trace.tsv");

        // When the run is reported at the bundled prices, and at a price given for every type
        CommandRun bundled = conveyor("report", "-o", page.toString());
        String unpricedPage = Files.readString(page);
        CommandRun priced = conveyor("report", "-o", trace.toString(), "--price-per-hour", "0.36");

        // Then the job's attempt sits on its instance's lane, and the cost is told or its type named as unpriced
        assertThat(bundled.exit()).as(bundled.toString()).isZero();
        assertThat(unpricedPage).contains("data-job=\"" + id + "\"", "class=\"lane\"", "No price for: ");
        assertThat(priced.exit()).as(priced.toString()).isZero();
        String line = Files.readAllLines(trace).stream().filter(row -> row.startsWith(id + "\t")).findFirst().orElseThrow();
        String[] fields = line.split("\t", -1);
        assertThat(fields[3]).as("lane").startsWith("i-");
        assertThat(fields[13]).as("cost_usd of " + line).isNotEmpty();
        assertThat(new java.math.BigDecimal(fields[13])).as("cost_usd").isPositive();
    }

    static List<String> ids(JsonNode jobs) {
        return jobs.findValuesAsText("id");
    }
}
