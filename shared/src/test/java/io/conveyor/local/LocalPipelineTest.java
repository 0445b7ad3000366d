package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local pipeline with real processes (sh and POSIX tools) on a temporary workspace.
 */
class LocalPipelineTest {

    @TempDir
    Path workspace;

    /** Everything the pipeline told its listener. */
    static final class Recorder implements LocalPipeline.Listener {
        final List<JobRecord> changes = Collections.synchronizedList(new ArrayList<>());
        final List<String> rejectedDescriptors = new ArrayList<>();
        final List<String> loadedDescriptors = new ArrayList<>();
        final List<String> ignored = new ArrayList<>();

        @Override
        public void descriptorRejected(Path file, List<io.conveyor.descriptor.Problem> errors) {
            rejectedDescriptors.add(file.getFileName() + ": " + errors);
        }

        @Override
        public void descriptorLoaded(String name, Path file) {
            loadedDescriptors.add(name + " from " + file.getFileName());
        }

        @Override
        public void ignored(Path file, String reason) {
            ignored.add(file.getFileName() + ": " + reason);
        }

        @Override
        public void jobChanged(JobRecord record) {
            changes.add(record);
        }
    }

    private final Recorder recorder = new Recorder();

    private LocalSettings settings(double cpus, Duration stable) throws IOException {
        Files.createDirectories(workspace.resolve("inbox"));
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                cpus, 8192, stable, Duration.ofMillis(20));
    }

    private LocalPipeline.Summary runOnce(double cpus) throws Exception {
        return runOnce(cpus, Duration.ofMillis(150));
    }

    private LocalPipeline.Summary runOnce(double cpus, Duration stable) throws Exception {
        LocalSettings settings = settings(cpus, stable);
        // As ./conveyor local runs: with the algorithms folder's pipelines
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder,
                Clock.systemUTC(), new FolderPipelineCatalog(settings.algorithms(), recorder)).run(true, () -> false);
    }

    /** Runs without --once on a thread of its own until {@code until} holds (or 20 s), then stops it. */
    private LocalPipeline.Summary runWhile(LocalSettings settings, java.util.concurrent.Callable<Boolean> step)
            throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (var background = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<LocalPipeline.Summary> run = background.submit(() -> new LocalPipeline(settings,
                    new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder, Clock.systemUTC())
                    .run(false, stop::get));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!step.call() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            stop.set(true);
            return run.get();
        }
    }

    private JobRecord heard(JobState state) {
        synchronized (recorder.changes) {
            return recorder.changes.stream().filter(r -> r.state() == state).findFirst().orElse(null);
        }
    }

    @Test
    void run_runningJobCancelledByAnotherProcessesStore_endsItsProcessAndStaysCancelled() throws Exception {
        // Given a long job running in a pipeline that keeps running
        descriptor("slow.json", "{\"name\": \"slow\", \"image\": \"busybox:1.36\", \"retries\": 2,"
                + " \"command\": [\"sleep\", \"30\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("slow/a.txt", "a");
        LocalSettings settings = settings(2, Duration.ZERO);
        FileJobStore elsewhere = new FileJobStore(settings.jobs());
        long[] cancelledAt = {0};

        // When a job command cancels it through a store of its own on the same folder
        LocalPipeline.Summary summary = runWhile(settings, () -> {
            JobRecord running = heard(JobState.RUNNING);
            if (running != null && cancelledAt[0] == 0) {
                new io.conveyor.jobs.JobUpdates(elsewhere, Clock.systemUTC()).apply(elsewhere.read(running.id())
                        .orElseThrow(), List.of(new io.conveyor.jobs.JobEvent.CancelRequested("cancelled by alice")));
                cancelledAt[0] = System.nanoTime();
            }
            return running != null && !ProcessHandle.of(running.pid()).map(ProcessHandle::isAlive).orElse(false);
        });
        long latencyMillis = (System.nanoTime() - cancelledAt[0]) / 1_000_000;

        // Then its process ended within a poll or so, and the job is CANCELLED, not retried
        JobRecord job = heard(JobState.RUNNING);
        assertThat(ProcessHandle.of(job.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(latencyMillis).as("stopped promptly").isLessThan(5000);
        assertThat(summary.jobs()).singleElement().satisfies(record -> {
            assertThat(record.state()).isEqualTo(JobState.CANCELLED);
            assertThat(record.attempt()).isEqualTo(1);
        });
    }

    @Test
    void run_failedJobOfAnEarlierRunRetriedByAnotherProcessesStore_runsAgainWithoutARestart() throws Exception {
        // Given a job that failed in an earlier run, its algorithm since fixed
        descriptor("flaky.json", "{\"name\": \"flaky\", \"image\": \"busybox:1.36\", \"retries\": 0,"
                + " \"command\": [\"sh\", \"-c\", \"test -f " + workspace.resolve("fixed") + "\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("flaky/a.txt", "a");
        JobRecord failed = runOnce(2).jobs().get(0);
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        Files.writeString(workspace.resolve("fixed"), "");
        LocalSettings settings = settings(2, Duration.ZERO);
        FileJobStore elsewhere = new FileJobStore(settings.jobs());
        boolean[] retried = {false};

        // When, while a new run goes on, a job command retries it
        LocalPipeline.Summary summary = runWhile(settings, () -> {
            if (!retried[0]) {
                Thread.sleep(200);
                new io.conveyor.jobs.JobUpdates(elsewhere, Clock.systemUTC()).apply(elsewhere.read(failed.id())
                        .orElseThrow(), List.of(new io.conveyor.jobs.JobEvent.RetryRequested(1, "retried by alice")));
                retried[0] = true;
            }
            return elsewhere.get(failed.id()).orElseThrow().state() == JobState.SUCCEEDED;
        });

        // Then it ran again and succeeded, on its second attempt
        assertThat(summary.jobs()).singleElement().satisfies(record -> {
            assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(record.attempt()).isEqualTo(2);
        });
    }

    @Test
    void run_descriptorAddedWhileRunning_isUsedForInputsDroppedAfterIt() throws Exception {
        // Given a pipeline running with no descriptor at all
        Files.createDirectories(workspace.resolve("algorithms"));
        LocalSettings settings = settings(2, Duration.ZERO);
        boolean[] added = {false};

        // When a descriptor is added, then an input for it
        LocalPipeline.Summary summary = runWhile(settings, () -> {
            if (!added[0]) {
                Thread.sleep(300);
                descriptor("later.json", "{\"name\": \"later\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                        + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
                Thread.sleep(300);
                input("later/a.txt", "a");
                added[0] = true;
            }
            return heard(JobState.SUCCEEDED) != null || heard(JobState.FAILED) != null;
        });

        // Then the input ran with it
        assertThat(recorder.loadedDescriptors).containsExactly("later from later.json");
        assertThat(summary.jobs()).singleElement().satisfies(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
    }

    @Test
    void run_inboxFolderMissing_isRefusedBeforeAnythingIsWritten() throws Exception {
        descriptor("x.json", "{}");
        LocalSettings settings = new LocalSettings(workspace.resolve("no-inbox"), workspace.resolve("outbox"),
                workspace.resolve("algorithms"), 1, 1024, Duration.ZERO, Duration.ofMillis(20));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalPipeline.checkFolders(settings))
                .hasMessageContaining(workspace.resolve("no-inbox").toString()).hasMessageContaining("no inbox folder");
        assertThat(workspace.resolve("no-inbox")).doesNotExist();
        assertThat(workspace.resolve("outbox")).doesNotExist();
    }

    @Test
    void run_onceAfterAnEarlierRunFailedAFile_reportsThatJobAsDoneEarlierAndFails() throws Exception {
        descriptor("bad.json", "{\"name\": \"bad\", \"image\": \"busybox:1.36\", \"retries\": 0,"
                + " \"command\": [\"false\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("bad/a.txt", "a");
        assertThat(runOnce(2).anyFailed()).isTrue();

        LocalPipeline.Summary second = runOnce(2);

        assertThat(second.jobs()).isEmpty();
        assertThat(second.earlier()).singleElement().satisfies(job -> assertThat(job.state()).isEqualTo(JobState.FAILED));
        assertThat(second.anyFailed()).as("the outcome does not depend on which run did the work").isTrue();
    }

    @Test
    void run_onceOverMoreEarlierSuccessesThanListed_listsEveryFailureAndCountsTheSuccessesLeftOut() throws Exception {
        // Given an earlier run that did EARLIER_LISTED + 2 files successfully and failed one
        descriptor("ok.json", "{\"name\": \"ok\", \"image\": \"busybox:1.36\", \"retries\": 0,"
                + " \"command\": [\"true\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        descriptor("bad.json", "{\"name\": \"bad\", \"image\": \"busybox:1.36\", \"retries\": 0,"
                + " \"command\": [\"false\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        int succeeded = LocalPipeline.EARLIER_LISTED + 2;
        for (int i = 0; i < succeeded; i++) {
            input("ok/" + i + ".txt", "line " + i);
        }
        input("bad/a.txt", "a");
        assertThat(runOnce(2).jobs()).hasSize(succeeded + 1);

        // When the same inbox is run again
        LocalPipeline.Summary second = runOnce(2);

        // Then nothing runs; the failure and EARLIER_LISTED successes are listed, the other two counted
        assertThat(second.jobs()).isEmpty();
        assertThat(second.earlier()).hasSize(LocalPipeline.EARLIER_LISTED + 1)
                .filteredOn(job -> job.state() == JobState.FAILED).singleElement()
                .satisfies(job -> assertThat(job.algorithm()).isEqualTo("bad"));
        assertThat(second.earlierNotListed()).isEqualTo(2);
        assertThat(second.earlierCount()).isEqualTo(succeeded + 1);
        assertThat(second.anyFailed()).isTrue();
    }

    @Test
    void run_hiddenFilesLinksAndABadlyEncodedName_areSkippedSayingWhy() throws Exception {
        // Given an inbox with a hidden file, links to nothing, to a folder and to a file outside, and a
        // name that is not valid UTF-8 (made by the shell: Java cannot name it)
        descriptor("copy.json", "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        Path folder = Files.createDirectories(workspace.resolve("inbox/copy"));
        input("copy/.hidden.txt", "h");
        Files.createSymbolicLink(folder.resolve("dangling.txt"), workspace.resolve("nothing"));
        Files.createSymbolicLink(folder.resolve("folder-link"), Files.createDirectories(workspace.resolve("elsewhere")));
        Files.createSymbolicLink(folder.resolve("outside.txt"), Files.writeString(workspace.resolve("secret.txt"), "s"));
        assertThat(new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'bad\\377.txt')\"").directory(folder.toFile())
                .start().waitFor()).isZero();

        // When the pipeline runs once
        LocalPipeline.Summary summary = runOnce(2, Duration.ZERO);

        // Then nothing became a job, and each was said once with its reason
        assertThat(summary.jobs()).isEmpty();
        assertThat(recorder.ignored).hasSize(5).anySatisfy(line -> assertThat(line).startsWith(".hidden.txt: a hidden file"))
                .anySatisfy(line -> assertThat(line).startsWith("dangling.txt: a symbolic link to nothing"))
                .anySatisfy(line -> assertThat(line).startsWith("folder-link: a symbolic link to a folder"))
                .anySatisfy(line -> assertThat(line).startsWith("outside.txt: a symbolic link to ").contains("outside the inbox"))
                .anySatisfy(line -> assertThat(line).contains("its name is not valid"));
    }

    private void descriptor(String file, String json) throws IOException {
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms").resolve(file), json);
    }

    private Path input(String relative, String content) throws IOException {
        Path file = workspace.resolve("inbox").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private void bundledExamples() throws IOException {
        Path examples = Path.of("..", "algorithms").toAbsolutePath().normalize();
        Files.createDirectories(workspace.resolve("algorithms"));
        try (Stream<Path> files = Files.list(examples)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Files.copy(file, workspace.resolve("algorithms").resolve(file.getFileName()));
            }
        }
        try (Stream<Path> walk = Files.walk(examples.resolve("samples"))) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path target = workspace.resolve("inbox").resolve(examples.resolve("samples").relativize(file));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }

    private static Path only(JobRecord job) {
        assertThat(job.outputs()).hasSize(1);
        return Path.of(job.output()).resolve(job.outputs().get(0));
    }

    private static Map<String, List<JobRecord>> byAlgorithm(LocalPipeline.Summary summary) {
        return summary.jobs().stream().collect(Collectors.groupingBy(JobRecord::algorithm));
    }

    @Test
    void run_bundledExamples_everyJobSucceedsWithTheRightOutput() throws Exception {
        bundledExamples();

        LocalPipeline.Summary summary = runOnce(2);

        assertThat(summary.jobs()).extracting(JobRecord::state).containsOnly(JobState.SUCCEEDED);
        Map<String, List<JobRecord>> jobs = byAlgorithm(summary);
        assertThat(jobs.keySet()).containsExactlyInAnyOrder("archive", "compress", "csv-stats", "uppercase", "word-count",
                "concatenate");
        assertThat(Files.readString(only(jobs.get("csv-stats").get(0)))).startsWith("column,count,min,max,mean\nmonth,48,1,12,6.50\n");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(only(jobs.get("compress").get(0))))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
                    Files.readString(workspace.resolve("inbox/compress/server.log")));
        }
        assertThat(Files.readString(only(jobs.get("uppercase").get(0)))).startsWith("CONVEYOR RUNS CONTAINERIZED");
        assertThat(Files.readString(only(jobs.get("archive").get(0)))).startsWith("# Archived");
        // The chain: uppercase's output went on to word-count, where it lies, with the parent recorded.
        assertThat(jobs.get("word-count")).hasSize(4).anySatisfy(child -> {
            assertThat(child.parent()).isEqualTo(jobs.get("uppercase").get(0).id());
            assertThat(Files.readString(only(child)).trim()).startsWith("2  9 65");
        });
        // The text-report pipeline: each file of its batch counted, then one gather joining both counts.
        assertThat(jobs.get("word-count")).filteredOn(job -> job.pipeline() != null).hasSize(2);
        assertThat(jobs.get("concatenate")).singleElement().satisfies(gather -> assertThat(Files.readString(only(gather)))
                .contains("notes.txt", "todo.txt"));
        assertThat(Files.list(workspace.resolve("outbox/jobs")).filter(f -> f.toString().endsWith(".json")).count())
                .isEqualTo(9);
    }

    @Test
    void run_again_processesNothingTwice() throws Exception {
        bundledExamples();
        List<JobRecord> first = runOnce(2).jobs();

        LocalPipeline.Summary second = runOnce(2);

        assertThat(first).hasSize(9);
        assertThat(second.jobs()).isEmpty();
        assertThat(new FileJobStore(workspace.resolve("outbox/jobs")).all()).containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    void run_afterTheDescriptorChanged_doesNotRunOldFilesAgainButTakesNewOnes() throws Exception {
        descriptor("copy.json", "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"command\": [\"cp\","
                + " \"${CONVEYOR_INPUT}\", \"${CONVEYOR_OUTPUT_DIR}\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("copy/old.txt", "old");
        runOnce(2);
        descriptor("copy.json", "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"retries\": 1, \"command\": [\"cp\","
                + " \"${CONVEYOR_INPUT}\", \"${CONVEYOR_OUTPUT_DIR}\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("copy/new.txt", "new");

        LocalPipeline.Summary second = runOnce(2);

        assertThat(second.jobs()).singleElement().satisfies(job -> {
            assertThat(job.input()).endsWith("new.txt");
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        });
    }

    @Test
    void run_whileAnotherRunHoldsTheOutbox_isRefused() throws Exception {
        descriptor("copy.json", "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        Files.createDirectories(workspace.resolve("outbox"));
        try (var channel = java.nio.channels.FileChannel.open(workspace.resolve("outbox/.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var lock = channel.lock()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runOnce(2))
                    .isInstanceOf(LocalPipeline.OutboxBusyException.class)
                    .hasMessageStartingWith("another conveyor local is using " + workspace.resolve("outbox"));
        }
    }

    @Test
    void run_fileOfAnUnknownAlgorithm_runsOnceItsDescriptorArrives() throws Exception {
        Files.createDirectories(workspace.resolve("algorithms"));
        input("later/a.txt", "a");
        assertThat(runOnce(2).jobs()).singleElement().satisfies(job -> assertThat(job.state()).isEqualTo(JobState.FAILED));
        descriptor("later.json", "{\"name\": \"later\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");

        LocalPipeline.Summary second = runOnce(2);

        assertThat(second.jobs()).singleElement().satisfies(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
    }

    @Test
    void run_failingAlgorithm_isRetriedThenFailsWithItsStderrTail() throws Exception {
        descriptor("flaky.json", "{\"name\": \"flaky\", \"image\": \"busybox:1.36\", \"retries\": 2,"
                + " \"command\": [\"sh\", \"-c\", \"echo \\\"attempt $CONVEYOR_ATTEMPT\\\" >> \\\"$CONVEYOR_OUTPUT_DIR/log\\\";"
                + " echo \\\"no such column: total\\\" >&2; exit 3\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("flaky/data.csv", "a,b\n1,2\n");

        LocalPipeline.Summary summary = runOnce(2);

        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.attempt()).isEqualTo(3);
            assertThat(job.exitCode()).isEqualTo(3);
            assertThat(job.reason()).isEqualTo("exit code 3");
            assertThat(job.stderrTail()).isEqualTo("no such column: total");
            assertThat(Files.readString(only(job))).isEqualTo("attempt 3\n");
        });
        assertThat(recorder.changes).filteredOn(change -> change.state() == JobState.QUEUED && change.reason() != null)
                .extracting(JobRecord::reason)
                .containsExactly("exit code 3; trying again (attempt 2 of 3)", "exit code 3; trying again (attempt 3 of 3)");
        assertThat(summary.anyFailed()).isTrue();
    }

    @Test
    void run_algorithmPastItsTimeout_isKilledWithItsChildren() throws Exception {
        String token = "30." + (1000 + new java.util.Random().nextInt(9000));
        descriptor("slow.json", "{\"name\": \"slow\", \"image\": \"busybox:1.36\", \"retries\": 0, \"timeoutSeconds\": 1,"
                + " \"command\": [\"sh\", \"-c\", \"sleep " + token + "; touch \\\"$CONVEYOR_OUTPUT_DIR/finished\\\"\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("slow/a.txt", "x");
        long started = System.nanoTime();

        LocalPipeline.Summary summary = runOnce(2);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.reason()).isEqualTo("timed out after 1 s (timeoutSeconds)");
            assertThat(job.exitCode()).isNull();
        });
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains("sleep " + token)).toList())
                .as("no process of the job is left").isEmpty();
    }

    @Test
    void run_inputsTheAlgorithmDoesNotTake_endWithAReasonAndBadDescriptorsAreSkipped() throws Exception {
        descriptor("text.json", "{\"name\": \"text\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"input\": {\"suffixes\": [\".txt\"], \"maxSizeMiB\": 1}, \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        descriptor("broken.json", "{\"name\": \"broken\", \"image\": \"busybox:1.36\"}");
        descriptor("huge.json", "{\"name\": \"huge\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"resources\": {\"vcpu\": 16, \"memoryMiB\": 1024}, \"instanceTypes\": [\"m5.4xlarge\"]}");
        input("text/ok.txt", "fine");
        input("text/picture.png", "not text");
        input("text/big.txt", "x".repeat(1024 * 1024 + 1));
        input("nobody/a.txt", "x");
        input("huge/a.txt", "x");

        LocalPipeline.Summary summary = runOnce(2);

        Map<String, String> reasons = summary.jobs().stream().collect(Collectors.toMap(
                job -> Path.of(job.input()).getFileName().toString() + "@" + job.algorithm(),
                job -> job.state() + (job.reason() == null ? "" : ": " + job.reason())));
        assertThat(reasons).containsEntry("ok.txt@text", "SUCCEEDED")
                .containsEntry("picture.png@text", "FAILED: rejected: 'picture.png' does not end in one of [.txt] (input.suffixes of text)")
                .containsEntry("big.txt@text", "FAILED: rejected: is 1048577 bytes, over input.maxSizeMiB (1 MiB) of text")
                .containsEntry("a.txt@nobody", "FAILED: rejected: unknown algorithm 'nobody': no valid descriptor of that name in "
                        + workspace.resolve("algorithms"))
                .containsEntry("a.txt@huge", "FAILED: rejected: needs 16.0 vCPU and 1024 MiB; this machine offers 2.0 CPUs, 8192 MiB (--cpus, --memory)");
        assertThat(recorder.rejectedDescriptors).singleElement().asString().startsWith("broken.json: [/: required property 'command' not found");
    }

    @Test
    void run_oneCpu_runsOneOneCpuJobAtATimeAndQueuesTheRest() throws Exception {
        descriptor("busy.json", "{\"name\": \"busy\", \"image\": \"busybox:1.36\", \"command\": [\"sh\", \"-c\", \"sleep 0.3\"],"
                + " \"resources\": {\"vcpu\": 1, \"memoryMiB\": 128}}");
        for (int i = 0; i < 3; i++) {
            input("busy/" + i + ".txt", "job " + i);
        }

        LocalPipeline.Summary summary = runOnce(1);

        assertThat(summary.jobs()).extracting(JobRecord::state).containsOnly(JobState.SUCCEEDED);
        assertThat(recorder.changes).anySatisfy(change -> assertThat(change.state()).isEqualTo(JobState.WAITING_FOR_CAPACITY));
        int concurrent = 0;
        int most = 0;
        for (JobRecord change : recorder.changes) {
            if (change.state() == JobState.STARTING) {
                most = Math.max(most, ++concurrent);
            } else if (change.state().terminal() && change.startedAt() != null) {
                concurrent--;
            }
        }
        assertThat(most).isEqualTo(1);
    }

    @Test
    void run_fileStillBeingWritten_isTakenOnlyOnceItStoppedChanging() throws Exception {
        descriptor("copy.json", "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"command\": [\"cp\", \"${CONVEYOR_INPUT}\","
                + " \"${CONVEYOR_OUTPUT_DIR}\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        Path file = input("copy/growing.txt", "");
        Future<?> writer = Executors.newSingleThreadExecutor().submit(() -> {
            for (int i = 0; i < 12; i++) {
                Files.writeString(file, "line " + i + "\n", java.nio.file.StandardOpenOption.APPEND);
                Thread.sleep(50);
            }
            return null;
        });

        // A file must stay unchanged for the whole window (wide here, for a busy machine) to be taken.
        LocalPipeline.Summary summary = runOnce(2, Duration.ofMillis(800));
        writer.get();

        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.inputVersion()).isEqualTo("sha256:" + Digests.sha256(Files.readAllBytes(file)));
            assertThat(Files.readString(only(job))).endsWith("line 11\n");
        });
    }

    @Test
    void run_fileRightInTheInbox_isIgnoredSayingWhereInputsGo() throws Exception {
        Files.createDirectories(workspace.resolve("algorithms"));
        input("stray.txt", "not below an algorithm's folder");

        LocalPipeline.Summary summary = runOnce(2);

        assertThat(summary.jobs()).isEmpty();
        assertThat(recorder.ignored).containsExactly("stray.txt: inputs go under " + workspace.resolve("inbox")
                + "/<algorithm>/");
    }

    @Test
    void run_algorithmsFolderHoldingMoreThanDescriptors_loadsEachNameOnceAndSkipsTheRest() throws Exception {
        // Given two descriptors of one name, a README and a folder whose name ends in .json
        String copy = "{\"name\": \"copy\", \"image\": \"busybox:1.36\", \"command\": [\"true\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}";
        descriptor("copy-a.json", copy);
        descriptor("copy-b.json", copy);
        descriptor("README.md", "# Algorithms of this team");
        Files.createDirectories(workspace.resolve("algorithms/old.json"));

        LocalPipeline.Summary summary = runOnce(2);

        // Then the first (by file name) is loaded, the second is refused naming the clash, the rest is not looked at
        assertThat(summary.jobs()).isEmpty();
        assertThat(recorder.loadedDescriptors).containsExactly("copy from copy-a.json");
        assertThat(recorder.rejectedDescriptors).containsExactly("copy-b.json: [/name: 'copy' is also the name of another"
                + " descriptor in " + workspace.resolve("algorithms") + "]");
    }

    @Test
    void summary_jobsNoneOfWhichFailed_isNoFailure() {
        java.time.Instant at = java.time.Instant.parse("2026-11-21T10:00:00Z");
        JobRecord queued = io.conveyor.testing.JobFixtures.queued(io.conveyor.testing.JobFixtures.job("/inbox/a/x.txt",
                "sha256:ab", "a", "r1", 1), at);
        JobRecord cancelled = io.conveyor.testing.JobFixtures.after(queued, at,
                new io.conveyor.jobs.JobEvent.CancelRequested("by hand"));
        JobRecord failed = io.conveyor.testing.JobFixtures.after(queued, at, new io.conveyor.jobs.JobEvent.Rejected("no"));

        assertThat(new LocalPipeline.Summary(List.of(queued, cancelled), List.of(), 0).anyFailed()).isFalse();
        assertThat(new LocalPipeline.Summary(List.of(queued), List.of(failed), 0).anyFailed()).isTrue();
    }

    @Test
    void run_stoppedJustAfterAnAttemptSucceeded_keepsTheSuccess() throws Exception {
        descriptor("slow.json", "{\"name\": \"slow\", \"image\": \"busybox:1.36\", \"command\": [\"sh\", \"-c\","
                + " \"sleep 0.3; echo done > \\\"$CONVEYOR_OUTPUT_DIR/result.txt\\\"\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 128}}");
        input("slow/a.txt", "a");

        LocalPipeline.Summary summary = runUntilItsProcessEnded();

        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(Files.readString(only(job))).isEqualTo("done\n");
        });
    }

    @Test
    void run_stoppedJustAfterAnAttemptFailed_leavesTheJobRunningForTheNextRunToResume() throws Exception {
        descriptor("slow.json", "{\"name\": \"slow\", \"image\": \"busybox:1.36\", \"retries\": 0,"
                + " \"command\": [\"sh\", \"-c\", \"sleep 0.3; exit 3\"], \"resources\": {\"vcpu\": 0.25,"
                + " \"memoryMiB\": 128}}");
        input("slow/a.txt", "a");

        LocalPipeline.Summary summary = runUntilItsProcessEnded();

        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.RUNNING);
            assertThat(job.attempt()).isEqualTo(1);
        });
    }

    /**
     * Runs until the first job's process has ended and its report has had time to arrive, as when the
     * run is stopped (Ctrl-C) while that report waits to be handled: the loop is held meanwhile, so that
     * the report is still in its queue when the run stops.
     */
    private LocalPipeline.Summary runUntilItsProcessEnded() throws Exception {
        LocalSettings settings = settings(2, Duration.ofMillis(50));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean[] stopped = {false};
        java.util.function.BooleanSupplier stop = () -> {
            if (!stopped[0]) {
                Long pid;
                synchronized (recorder.changes) {
                    pid = recorder.changes.stream().map(JobRecord::pid).filter(java.util.Objects::nonNull).findFirst()
                            .orElse(null);
                }
                boolean ended = pid != null && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (ended) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                stopped[0] = ended || System.nanoTime() > deadline;
            }
            return stopped[0];
        };
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder,
                Clock.systemUTC()).run(false, stop);
    }
}
