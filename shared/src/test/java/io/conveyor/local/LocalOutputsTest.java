package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.JobFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox laid out like the output bucket: a job's output in {@code outputs/<algorithm>/<input
 * path>/<job>/}, its attempts in {@code .work/<job>/attempt-<n>/} until it ends.
 */
class LocalOutputsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path workspace;

    LocalSettings settings() {
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                1, 1024, Duration.ZERO, Duration.ofMillis(10));
    }

    @Test
    void outputDir_inboxFileChainStepOrOtherFile_liesAsInTheOutputBucket() {
        LocalSettings settings = settings();
        LocalOutputs outputs = new LocalOutputs(settings);
        JobRecord fromInbox = job(settings.inbox().resolve("count/2026/a.txt"), "count");
        Path produced = settings.outputs().resolve("count/2026/a.txt").resolve(fromInbox.id()).resolve("counts.txt");
        JobRecord chained = job(produced, "sum");
        JobRecord elsewhere = job(workspace.resolve("elsewhere/b.txt"), "count");

        assertThat(outputs.outputDir(fromInbox))
                .isEqualTo(settings.outputs().resolve("count/2026/a.txt").resolve(fromInbox.id()));
        assertThat(outputs.outputDir(chained)).isEqualTo(settings.outputs().resolve("sum/count/2026/a.txt")
                .resolve(fromInbox.id()).resolve("counts.txt").resolve(chained.id()));
        assertThat(outputs.outputDir(elsewhere)).isEqualTo(settings.outputs().resolve("count/b.txt")
                .resolve(elsewhere.id()));
        assertThat(outputs.belowOutputs(produced)).isEqualTo("count/2026/a.txt/" + fromInbox.id() + "/counts.txt");
    }

    @Test
    void cleanUp_finishedJobsFolder_leavesItsPlaceAtOnceAndIsRemovedByTheRemovalsAsAreLeftoversOfAStoppedRun()
            throws Exception {
        // Given a finished job's working folder, and removals that run only when told
        LocalSettings settings = settings();
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        LocalOutputs outputs = new LocalOutputs(settings, queued::add);
        JobRecord done = job(settings.inbox().resolve("count/a.txt"), "count");
        Path attempt = outputs.attemptDir(done);
        Files.createDirectories(attempt.resolve("input"));
        Files.writeString(attempt.resolve("input/a.txt"), "a");

        // When it is cleaned up
        outputs.cleanUp(done);

        // Then its place is free at once (a retry may make it again), its files wait aside for the removals
        assertThat(settings.work().resolve(done.id())).doesNotExist();
        assertThat(queued).hasSize(1);
        Path aside;
        try (java.util.stream.Stream<Path> entries = Files.list(settings.work())) {
            aside = entries.filter(e -> e.getFileName().toString().startsWith(".removing-" + done.id())).findFirst()
                    .orElseThrow();
        }
        assertThat(aside.resolve(attempt.getFileName()).resolve("input/a.txt")).hasContent("a");

        // And a later run, finding it there (this run stopped before its removals ran), removes it
        queued.clear();
        outputs.removeLeftovers();
        assertThat(queued).hasSize(1);
        queued.forEach(Runnable::run);
        assertThat(aside).doesNotExist();
        assertThat(settings.work()).isEmptyDirectory();
    }

    @Test
    void keep_jobEndingASecondTime_replacesWhatItsFirstEndKept() throws Exception {
        // Given a job that ended once with a.txt (then somebody asked for it to run again)
        LocalOutputs outputs = new LocalOutputs(settings());
        JobRecord first = started(job(settings().inbox().resolve("count/a.txt"), "count"));
        write(outputs.attemptDir(first).resolve("output/a.txt"));
        assertThat(outputs.keep(first)).containsExactly("a.txt");
        JobRecord second = JobFixtures.after(first, T0, JobEvent.AttemptEnded.of(1, new JobEvent.ExitCode(1, null, null)),
                new JobEvent.RetryRequested(1, "again"), new JobEvent.StartRequested(null));
        write(outputs.attemptDir(second).resolve("output/sub/b.txt"));

        // When its second attempt's output is kept
        assertThat(outputs.keep(second)).containsExactly("sub/b.txt");

        // Then only that lies where the job's output lies
        assertThat(LocalOutputs.files(outputs.outputDir(second))).containsExactly("sub/b.txt");
    }

    @Test
    void keep_attemptThatLeftNoOutputFolder_keepsAnEmptyOne() throws Exception {
        LocalOutputs outputs = new LocalOutputs(settings());
        JobRecord started = started(job(settings().inbox().resolve("count/a.txt"), "count"));

        assertThat(outputs.keep(started)).isEmpty();
        assertThat(outputs.outputDir(started)).isEmptyDirectory();
    }

    @Test
    void cleanUp_finishedJob_removesItsAttemptsAndAJobWithoutAnyIsFine() throws Exception {
        LocalOutputs outputs = new LocalOutputs(settings());
        JobRecord started = started(job(settings().inbox().resolve("count/a.txt"), "count"));
        write(outputs.attemptDir(started).resolve("output/deep/a.txt"));
        JobRecord never = job(settings().inbox().resolve("count/b.txt"), "count");

        outputs.cleanUp(started);
        outputs.cleanUp(never);

        assertThat(settings().work().resolve(started.id())).doesNotExist();
        assertThat(settings().work().resolve(never.id())).doesNotExist();
    }

    static JobRecord job(Path input, String algorithm) {
        return JobFixtures.queued(JobFixtures.job(input.toString(), "sha256:ab", algorithm, "r1", 1), T0);
    }

    static JobRecord started(JobRecord queued) {
        return JobFixtures.after(queued, T0, new JobEvent.StartRequested(null));
    }

    static void write(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, file.getFileName().toString());
    }
}
