package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.NewJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final Path BASE = Path.of("/work");
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    @Test
    void liveLine_manyChangesWithinTheInterval_drawnOnceThenAsThingsStandAtTheEnd() {
        // Given a live progress whose clock stands still, and 300 jobs queued, started and run
        Progress progress = new Progress(out, true, true, BASE, clock::get, false);
        for (int i = 0; i < 300; i++) {
            JobRecord queued = queued(i);
            progress.jobChanged(queued);
            progress.jobChanged(running(queued));
        }

        // When the run ends
        progress.close();

        // Then the live line was drawn at the first change and once more at the end, with the counts as they stand
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(count(shown, "queued ")).isEqualTo(2);
        assertThat(lastLiveLine(shown)).isEqualTo("[------------------------------] queued 0 · running 300 · done 0 · failed 0");
    }

    @Test
    void liveLine_aChangeAfterTheInterval_isDrawnAtOnce() {
        Progress progress = new Progress(out, true, false, BASE, clock::get, false);
        JobRecord first = queued(1);
        progress.jobChanged(first);

        clock.addAndGet(Progress.REDRAW_NANOS);
        progress.jobChanged(running(first));

        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(count(shown, "queued ")).isEqualTo(2);
        assertThat(lastLiveLine(shown)).isEqualTo("queued 0 · running 1 · done 0 · failed 0");
    }

    @Test
    void liveLine_leftStaleByAChange_isDrawnByTheTimerTask() {
        Progress progress = new Progress(out, true, false, BASE, clock::get, false);
        JobRecord first = queued(1);
        progress.jobChanged(first);
        progress.jobChanged(running(first));
        assertThat(lastLiveLine(bytes.toString(StandardCharsets.UTF_8))).contains("queued 1 · running 0");

        progress.drawIfStale();
        String afterTimer = bytes.toString(StandardCharsets.UTF_8);
        progress.drawIfStale();

        assertThat(lastLiveLine(afterTimer)).isEqualTo("queued 0 · running 1 · done 0 · failed 0");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).as("nothing is drawn again when nothing changed")
                .isEqualTo(afterTimer);
    }

    @Test
    void liveLine_withItsOwnTimer_showsAStaleChangeWithoutAnotherChange() throws InterruptedException {
        // Given a live progress on the system's clock, with its timer
        Progress progress = new Progress(out, true, false, BASE, System::nanoTime, true);
        try {
            JobRecord first = queued(1);
            progress.jobChanged(first);
            progress.jobChanged(running(first));

            // Then, with no change after, the line shows the running job within a few intervals
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!lastLiveLine(shown()).contains("running 1") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(lastLiveLine(shown())).isEqualTo("queued 0 · running 1 · done 0 · failed 0");
        } finally {
            progress.close();
        }
    }

    @Test
    void finishedJob_printedAboveTheLiveLine_countsFailuresAndSuccesses() {
        Progress progress = new Progress(out, true, true, BASE, clock::get, false);
        JobRecord ok = queued(1);
        JobRecord bad = queued(2);
        progress.jobChanged(ok);
        progress.jobChanged(bad);
        progress.jobChanged(ended(running(ok), new JobEvent.Succeeded()));
        progress.jobChanged(ended(running(bad), new JobEvent.ExitCode(3, "exit 3", "boom")));
        progress.close();

        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("SUCCEEDED " + ok.id() + " tiny inbox/tiny/1.txt" + System.lineSeparator());
        assertThat(shown).contains("FAILED " + bad.id() + " tiny inbox/tiny/2.txt");
        assertThat(lastLiveLine(shown)).isEqualTo("[##############################] queued 0 · running 0 · done 1 · failed 1");
    }

    @Test
    void notATerminal_aPlainLinePerChange_andNoLiveLine() {
        Progress progress = new Progress(out, false, true, BASE, clock::get, false);
        JobRecord first = queued(1);
        progress.jobChanged(first);
        progress.jobChanged(running(first));
        progress.close();

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("RUNNING " + first.id());
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    private String shown() {
        synchronized (out) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** What the terminal shows on its last line: the text after the last erase of a line. */
    private static String lastLiveLine(String shown) {
        String last = shown.substring(shown.lastIndexOf("\r\033[2K") + "\r\033[2K".length());
        return last.strip();
    }

    private static int count(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            found++;
        }
        return found;
    }

    private static JobRecord queued(int n) {
        NewJob job = NewJob.of(new NewJob.JobInput("/work/inbox/tiny/" + n + ".txt", "sha256:" + "0".repeat(63) + n % 10),
                new NewJob.AlgorithmRevision("tiny", "sha256:" + "a".repeat(64), 1));
        JobRecord record = JobLifecycle.admit(job, List.of(), NOW).after();
        assertThat(record.state()).isIn(JobState.QUEUED, JobState.WAITING_FOR_CAPACITY);
        return record;
    }

    private static JobRecord running(JobRecord queued) {
        JobRecord starting = JobLifecycle.apply(queued, new JobEvent.StartRequested(null), NOW).after();
        return JobLifecycle.apply(starting, JobEvent.TaskRunning.asProcess(1, 1000, NOW.toString()), NOW).after();
    }

    private static JobRecord ended(JobRecord running, JobEvent.Ending ending) {
        return JobLifecycle.apply(running, JobEvent.AttemptEnded.of(1, ending), NOW).after();
    }
}
