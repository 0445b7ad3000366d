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
 * path>/<job>/}; its attempts in folders of {@code .work/} that one attempt after another works in.
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
    void attemptDir_attemptsHeldAtOnce_workInFoldersOfTheirOwnAndAFreedFolderServesTheNext() {
        LocalSettings settings = settings();
        LocalOutputs outputs = new LocalOutputs(settings);
        JobRecord a = started(job(settings.inbox().resolve("count/a.txt"), "count"));
        JobRecord b = started(job(settings.inbox().resolve("count/b.txt"), "count"));
        JobRecord c = started(job(settings.inbox().resolve("count/c.txt"), "count"));

        Path first = outputs.attemptDir(a);
        Path second = outputs.attemptDir(b);
        assertThat(outputs.attemptDir(a)).as("asked again, the same").isEqualTo(first);
        outputs.free(a.id(), a.attempt());
        outputs.free(a.id(), a.attempt());

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getParent()).isEqualTo(settings.work());
        assertThat(outputs.attemptDir(c)).as("the folder a freed, once").isEqualTo(first);
        assertThat(outputs.attemptDir(a)).as("no other folder was freed").isNotIn(first, second);
    }

    @Test
    void ready_folderAnEarlierAttemptLeft_keepsOnlyTheStagedCopyRenamedToBeWrittenOver() throws Exception {
        // Given a folder whose attempt left its staged copy, a folder it unpacked beside it, output and a stray folder
        LocalOutputs outputs = new LocalOutputs(settings());
        JobRecord earlier = started(job(settings().inbox().resolve("count/a.txt"), "count"));
        Path folder = outputs.attemptDir(earlier);
        write(folder.resolve("input/a.txt"));
        write(folder.resolve("input/unpacked/a.csv"));
        write(folder.resolve("output/sub/counts.txt"));
        write(folder.resolve("scratch/tmp.bin"));
        Object staged = Files.getAttribute(folder.resolve("input/a.txt"), "unix:ino");
        outputs.free(earlier.id(), earlier.attempt());
        JobRecord next = started(job(settings().inbox().resolve("count/b.txt"), "count"));

        // When the next attempt's folder is made ready for its input b.txt
        Path ready = outputs.ready(next, "b.txt");

        // Then it is the same folder, with the staged copy (the same file) under the new name, and nothing else
        assertThat(ready).isEqualTo(folder);
        assertThat(LocalOutputs.files(ready)).containsExactly("input/b.txt");
        assertThat(ready.resolve("output")).isEmptyDirectory();
        assertThat(Files.getAttribute(ready.resolve("input/b.txt"), "unix:ino")).isEqualTo(staged);

        // And a gather's attempt (a folder as its input) finds input/ empty
        outputs.free(next.id(), next.attempt());
        assertThat(outputs.ready(started(job(settings().inbox().resolve("count/c"), "count")), null).resolve("input"))
                .isEmptyDirectory();
    }

    @Test
    void ready_linksAnEarlierAttemptLeft_areRemovedNotFollowed() throws Exception {
        // Given an attempt that replaced its staged copy and its output folder with links to files outside
        LocalOutputs outputs = new LocalOutputs(settings());
        Path outside = workspace.resolve("outside");
        write(outside.resolve("a.txt"));
        write(outside.resolve("keep.txt"));
        JobRecord earlier = started(job(settings().inbox().resolve("count/a.txt"), "count"));
        Path folder = outputs.attemptDir(earlier);
        Files.createDirectories(folder.resolve("input"));
        Files.createSymbolicLink(folder.resolve("input/a.txt"), outside.resolve("a.txt"));
        Files.createSymbolicLink(folder.resolve("output"), outside);
        outputs.free(earlier.id(), earlier.attempt());

        // When the next attempt's folder is made ready for an input of the same name
        Path ready = outputs.ready(started(job(settings().inbox().resolve("count/a.txt"), "count")), "a.txt");

        // Then the links are gone, real folders in their place, and what they pointed at is untouched
        assertThat(Files.isSymbolicLink(ready.resolve("output"))).isFalse();
        assertThat(ready.resolve("output")).isEmptyDirectory();
        assertThat(ready.resolve("input")).isEmptyDirectory();
        assertThat(outside.resolve("a.txt")).hasContent("a.txt");
        assertThat(outside.resolve("keep.txt")).hasContent("keep.txt");
    }

    @Test
    void removeAll_foldersOfThisRunAndLeftoversOfEarlierOnes_areMovedAsideAtOnceAndRemovedByTheRemovals()
            throws Exception {
        // Given a folder an attempt worked in, one an older version left (a folder a job), one a stopped run left
        // aside, and removals that run only when told
        LocalSettings settings = settings();
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        LocalOutputs outputs = new LocalOutputs(settings, queued::add);
        Path folder = outputs.ready(started(job(settings.inbox().resolve("count/a.txt"), "count")), "a.txt");
        write(folder.resolve("input/a.txt"));
        write(settings.work().resolve("job-1/attempt-1/input/b.txt"));
        write(settings.work().resolve(LocalOutputs.REMOVING + "job-2-x/attempt-1/input/c.txt"));

        // When they are all removed
        outputs.removeAll();

        // Then nothing is left in its place, all three wait aside for the removals, which remove them
        try (java.util.stream.Stream<Path> entries = Files.list(settings.work())) {
            assertThat(entries.map(e -> e.getFileName().toString()))
                    .hasSize(3).allMatch(name -> name.startsWith(LocalOutputs.REMOVING));
        }
        assertThat(queued).hasSize(3);
        queued.forEach(Runnable::run);
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
