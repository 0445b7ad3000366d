package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.storage.Digests;
import io.conveyor.testing.JobFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One attempt run as ECS runs a task, with real (tiny) sh processes: the input staged, the container
 * contract filled in, the start and the end reported; and what it reports when it cannot start, when
 * Conveyor breaks around a process that ran, or when the run stops under it.
 */
class AttemptRunnerTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path workspace;

    final List<AttemptReport> reports = new CopyOnWriteArrayList<>();

    @Test
    void run_algorithm_reportsItsProcessThenItsEndWithTheContractFilledIn() throws Exception {
        // Given a descriptor with an environment variable and a parameter with a default
        Descriptor descriptor = descriptor("""
                "command": ["sh", "-c", "echo \\"$GREETING|$NOTE|$CONVEYOR_ATTEMPT\\" > \\"$CONVEYOR_OUTPUT_DIR/env.txt\\";\
                 cat \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/copy.txt\\""],
                "environment": {"GREETING": "hello ${CONVEYOR_JOB_ID}"},
                "parameters": [{"name": "NOTE", "default": "plain"}]""");
        JobRecord job = starting("one two\n");

        // When its attempt runs
        runner().run(job, descriptor, reports::add);

        // Then its process was reported, then its end, and it saw what the contract promises
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0)).isInstanceOfSatisfying(AttemptReport.Started.class, started -> {
            assertThat(started.jobId()).isEqualTo(job.id());
            assertThat(started.attempt()).isEqualTo(1);
            assertThat(started.pid()).isPositive();
            assertThat(Instant.parse(started.processStart())).isAfter(T0);
        });
        assertThat(reports.get(1)).isInstanceOfSatisfying(AttemptReport.Exited.class, exited -> {
            assertThat(exited.result().exitCode()).isZero();
            assertThat(exited.result().timedOut()).isFalse();
        });
        Path output = outputs().attemptDir(job).resolve("output");
        assertThat(output.resolve("env.txt")).hasContent("hello " + job.id() + "|plain|1");
        assertThat(output.resolve("copy.txt")).hasContent("one two");
    }

    @Test
    void run_descriptorWithALocalSection_runsItsCommandAndEnvironmentHere() throws Exception {
        Descriptor descriptor = descriptor("""
                "command": ["false"], "environment": {"WHERE": "ecs", "KEPT": "yes"},
                "local": {"command": ["sh", "-c", "echo \\"$WHERE $KEPT\\" > \\"$CONVEYOR_OUTPUT_DIR/where.txt\\""],
                          "environment": {"WHERE": "local, attempt ${CONVEYOR_ATTEMPT}"}}""");
        JobRecord job = starting("x");

        runner().run(job, descriptor, reports::add);

        assertThat(reports).last().isInstanceOfSatisfying(AttemptReport.Exited.class,
                exited -> assertThat(exited.result().exitCode()).isZero());
        assertThat(outputs().attemptDir(job).resolve("output/where.txt")).hasContent("local, attempt 1 yes");
    }

    @Test
    void run_inputChangedSinceItWasTaken_startsNothingAndSaysSo() throws Exception {
        JobRecord job = starting("first content");
        Files.writeString(Path.of(job.input()), "second content");

        runner().run(job, descriptor("\"command\": [\"touch\", \"${CONVEYOR_OUTPUT_DIR}/ran\"]"), reports::add);

        assertThat(reports).containsExactly(new AttemptReport.NotStarted(job.id(), 1,
                "the input changed after it was taken; its new content is taken as a new job", true));
        assertThat(outputs().attemptDir(job).resolve("output/ran")).doesNotExist();
    }

    @Test
    void run_attemptFolderLeftByACrashedRun_isEmptiedFirst() throws Exception {
        JobRecord job = starting("x");
        Path left = outputs().attemptDir(job).resolve("output/half-written.csv");
        Files.createDirectories(left.getParent());
        Files.writeString(left, "1,2,");

        runner().run(job, descriptor("\"command\": [\"touch\", \"${CONVEYOR_OUTPUT_DIR}/done\"]"), reports::add);

        assertThat(LocalOutputs.files(outputs().attemptDir(job).resolve("output"))).containsExactly("done");
    }

    @Test
    void run_nextAttemptInAFreedFolder_writesOverTheStagedCopyAndFindsNothingOfTheEarlierOne() throws Exception {
        // Given an attempt that left output and a stray file in its folder, freed once it ended
        JobRecord first = starting("a.txt", "first input");
        runner().run(first, descriptor("\"command\": [\"sh\", \"-c\","
                + " \"echo x > scratch.tmp; echo y > $CONVEYOR_OUTPUT_DIR/y\"]"), reports::add);
        Path folder = outputs().attemptDir(first);
        Path firstCopy = folder.resolve("input/a.txt");
        Object inode = Files.getAttribute(firstCopy, "unix:ino");
        assertThat(firstCopy).as("its space given back as it ended").isEmptyFile();
        outputs().free(first.id(), first.attempt());

        // When the next job's attempt runs there
        JobRecord next = starting("b.txt", "second input");
        runner().run(next, descriptor("""
                "command": ["sh", "-c", "ls -A > \\"$CONVEYOR_OUTPUT_DIR/top\\";\
                 ls -A input > \\"$CONVEYOR_OUTPUT_DIR/in\\";\
                 cat \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/copy\\""]"""), reports::add);

        // Then it worked in the same folder, on its own input in the same file, and saw nothing of the first
        assertThat(outputs().attemptDir(next)).isEqualTo(folder);
        assertThat(reports).last().isInstanceOfSatisfying(AttemptReport.Exited.class,
                exited -> assertThat(exited.result().exitCode()).isZero());
        assertThat(folder.resolve("output/top")).hasContent("input\noutput");
        assertThat(folder.resolve("output/in")).hasContent("b.txt");
        assertThat(folder.resolve("output/copy")).hasContent("second input");
        assertThat(Files.getAttribute(folder.resolve("input/b.txt"), "unix:ino")).isEqualTo(inode);
    }

    @Test
    void run_stagedCopyAnAlgorithmTurnedIntoALink_isNeitherTruncatedThroughItNorWrittenThrough() throws Exception {
        // Given an algorithm that replaces its staged copy with a link to a file of the user's
        Path victim = workspace.resolve("notes.txt");
        Files.writeString(victim, "precious");
        JobRecord first = starting("a.txt", "first input");
        runner().run(first, descriptor("\"command\": [\"ln\", \"-sf\", \"" + victim + "\", \"${CONVEYOR_INPUT}\"]"),
                reports::add);
        assertThat(Files.isSymbolicLink(outputs().attemptDir(first).resolve("input/a.txt"))).isTrue();
        outputs().free(first.id(), first.attempt());

        // When the next attempt there stages an input of the same name
        JobRecord next = starting("a.txt", "second input");
        runner().run(next, descriptor("\"command\": [\"true\"]"), reports::add);

        // Then the file the link pointed at is as it was, and the attempt ran on its own copy
        assertThat(victim).hasContent("precious");
        assertThat(reports).last().isInstanceOfSatisfying(AttemptReport.Exited.class,
                exited -> assertThat(exited.result().exitCode()).isZero());
        assertThat(Files.isSymbolicLink(outputs().attemptDir(next).resolve("input/a.txt"))).isFalse();
    }

    @Test
    void run_programThatCannotStart_isReportedAsNotStarted() throws Exception {
        JobRecord job = starting("x");

        runner().run(job, descriptor("\"command\": [\"/no/such/program\"]"), reports::add);

        assertThat(reports).singleElement().isInstanceOfSatisfying(AttemptReport.NotStarted.class, notStarted -> {
            assertThat(notStarted.reason()).startsWith("cannot start: java.io.IOException: Cannot run program"
                    + " \"/no/such/program\"");
            assertThat(notStarted.inputChanged()).isFalse();
        });
    }

    @Test
    void run_algorithmWritingBothStreams_keepsThemInTheAttemptsLogOutsideItsWorkingFolder() throws Exception {
        // Given an algorithm that writes to standard output and standard error
        JobRecord job = starting("x");

        // When its attempt runs
        runner().run(job, descriptor("\"command\": [\"sh\", \"-c\", \"echo result line; echo warning line >&2\"]"),
                reports::add);

        // Then both are kept in outbox/logs/<job>/<attempt>/algorithm.log, where the job's end leaves them
        Path log = settings().outbox().resolve("logs").resolve(job.id()).resolve("1").resolve("algorithm.log");
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("result line", "warning line");
        assertThat(reports).last().isInstanceOfSatisfying(AttemptReport.Exited.class,
                exited -> assertThat(exited.result().stderrTail()).isEqualTo("warning line"));
    }

    @Test
    void run_parametersGivenForAllAndInASidecar_reachTheAlgorithmTheSidecarWinning() throws Exception {
        // Given --param values for every input, and a sidecar beside this input overriding one of them
        JobRecord job = starting("x");
        Files.writeString(LocalParameters.sidecar(Path.of(job.input())), "{\"THRESHOLD\": \"0.9\"}");
        AttemptRunner runner = new AttemptRunner(settings().withParameters(Map.of("THRESHOLD", "0.5", "MODE", "fast")),
                new LocalProcessRunner(), outputs());

        // When its attempt runs
        runner.run(job, descriptor("""
                "command": ["sh", "-c", "echo \\"$THRESHOLD $MODE\\" > \\"$CONVEYOR_OUTPUT_DIR/seen\\""],
                "parameters": [{"name": "THRESHOLD", "required": true}, {"name": "MODE", "required": true}]"""),
                reports::add);

        // Then the algorithm saw both, the sidecar's value over the common one
        assertThat(outputs().attemptDir(job).resolve("output/seen")).hasContent("0.9 fast");
    }

    @Test
    void run_requiredParameterGivenNowhere_startsNothingAndNamesWhereToGiveIt() throws Exception {
        JobRecord job = starting("x");

        runner().run(job, descriptor("\"command\": [\"true\"], \"parameters\": [{\"name\": \"THRESHOLD\","
                + " \"required\": true}]"), reports::add);

        assertThat(reports).singleElement().isInstanceOfSatisfying(AttemptReport.NotStarted.class,
                notStarted -> assertThat(notStarted.reason()).contains("THRESHOLD", "--param", "a.txt.conveyor-params"));
    }

    @Test
    void run_stoppedWhileTheAlgorithmRuns_endsItsProcessAndReportsNothingMore() throws Exception {
        // Given an attempt whose algorithm runs for long
        JobRecord job = starting("x");
        Descriptor descriptor = descriptor("\"command\": [\"sleep\", \"30\"]");
        Thread attempt = Thread.ofVirtual().start(() -> runner().run(job, descriptor, reports::add));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reports.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long pid = ((AttemptReport.Started) reports.get(0)).pid();

        // When the run stops (the pipeline shuts its attempts down)
        attempt.interrupt();
        attempt.join(Duration.ofSeconds(10));

        // Then the process is gone and the job is left as it is, for the next run to resume
        assertThat(attempt.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(reports).hasSize(1);
    }

    // ------------------------------------------------------------------ fixtures

    LocalSettings settings() {
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                1, 1024, Duration.ZERO, Duration.ofMillis(10));
    }

    /** The attempts' folders, one for the test: a runner and the test see the same. */
    LocalOutputs outputs;

    LocalOutputs outputs() {
        if (outputs == null) {
            outputs = new LocalOutputs(settings());
        }
        return outputs;
    }

    AttemptRunner runner() {
        return new AttemptRunner(settings(), new LocalProcessRunner(), outputs());
    }

    /** The first attempt of a job of an inbox file with this content, as placement leaves it. */
    JobRecord starting(String content) throws Exception {
        return starting("a.txt", content);
    }

    JobRecord starting(String name, String content) throws Exception {
        Path input = settings().inbox().resolve("run").resolve(name);
        Files.createDirectories(input.getParent());
        Files.writeString(input, content);
        return JobFixtures.after(JobFixtures.queued(JobFixtures.job(input.toString(), "sha256:" + Digests.sha256(input),
                "run", "r1", 1), T0), T0, new JobEvent.StartRequested(null));
    }

    static Descriptor descriptor(String fields) {
        String json = "{\"name\": \"run\", \"image\": \"busybox:1.36\", \"timeoutSeconds\": 20, " + fields
                + ", \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}";
        return new DescriptorValidator().validate("run.json", json.getBytes(StandardCharsets.UTF_8)).accepted()
                .orElseThrow();
    }
}
