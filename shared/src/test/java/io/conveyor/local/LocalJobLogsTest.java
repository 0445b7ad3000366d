package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.JobFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempts' log files: bounded as they are written, read back a page at a time from a cursor. */
class LocalJobLogsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path workspace;

    LocalSettings settings() {
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                1, 1024, Duration.ZERO, Duration.ofMillis(10));
    }

    JobRecord job() {
        return JobFixtures.after(JobFixtures.queued(JobFixtures.job("/in/a.txt", "sha256:00", "run", "r1", 2), T0), T0,
                new JobEvent.StartRequested(null));
    }

    Path log(JobRecord job, int attempt, String content) throws Exception {
        Path file = LocalOutputs.logFile(settings(), job.id(), attempt);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    @Test
    void read_fromTheStartAndOnFromEachCursor_givesEveryLineOnceAPageAtATime() throws Exception {
        // Given a log of 100 lines and pages of 64 bytes
        JobRecord job = job();
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            content.append("line ").append(i).append('\n');
        }
        log(job, 1, content.toString());
        LocalJobLogs logs = new LocalJobLogs(settings(), 64);

        // When it is read page after page from the cursor each returns
        List<String> lines = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        for (JobLogs.Page page; !(page = logs.read(job, 1, "algorithm", cursor)).lines().isEmpty(); pages++) {
            assertThat(page.found()).isTrue();
            lines.addAll(page.lines());
            cursor = page.cursor();
        }

        // Then every line came once, in order, over several pages, and the last cursor is the file's end
        assertThat(lines).hasSize(100).startsWith("line 0").endsWith("line 99");
        assertThat(pages).isGreaterThan(5);
        assertThat(cursor).isEqualTo(Long.toString(content.length()));
    }

    @Test
    void read_lineStillBeingWritten_waitsForItsEnd() throws Exception {
        JobRecord job = job();
        Path file = log(job, 1, "done\nhalf");
        LocalJobLogs logs = new LocalJobLogs(settings());

        JobLogs.Page first = logs.read(job, 1, "algorithm", null);
        Files.writeString(file, "done\nhalf a line\nnext\n", StandardCharsets.UTF_8);
        JobLogs.Page second = logs.read(job, 1, "algorithm", first.cursor());

        assertThat(first.lines()).containsExactly("done");
        assertThat(second.lines()).containsExactly("half a line", "next");
    }

    @Test
    void read_attemptThatLeftNoLogOrAnotherContainer_isNotFound() throws Exception {
        JobRecord job = job();
        log(job, 1, "one\n");
        LocalJobLogs logs = new LocalJobLogs(settings());

        assertThat(logs.read(job, 2, "algorithm", null).found()).as("attempt 2 never ran").isFalse();
        assertThat(logs.read(job, 1, "stage-in", null).found()).as("no stage-in locally").isFalse();
        assertThat(logs.read(job, 1, "algorithm", null).found()).isTrue();
        assertThatThrownBy(() -> logs.read(job, 1, "algorithm", "abc")).hasMessageContaining("cursor 'abc'");
    }

    @Test
    void close_logPastItsBound_keepsItsHeadAndTailWithALineSayingWhatWasCut() throws Exception {
        // Given a log bounded to 20 bytes of head and 20 of tail
        Path file = workspace.resolve("logs/algorithm.log");
        byte[] content = ("first line\nsecond line\n" + "middle\n".repeat(1000) + "penultimate\nthe end\n")
                .getBytes(StandardCharsets.UTF_8);

        // When 7,000 and more bytes are written to it
        try (BoundedLog log = new BoundedLog(file, 20, 20)) {
            log.pump(new java.io.ByteArrayInputStream(content), null);
        }

        // Then it holds the head, the note, and the tail from its first whole line
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("first line");
        assertThat(lines.get(1)).isEqualTo("second li");
        assertThat(lines.get(2)).startsWith("[conveyor: ").contains("bytes cut here", "first 20", "last 20");
        assertThat(lines.subList(3, lines.size())).containsExactly("the end");
        assertThat(Files.size(file)).isLessThan(200);
        long cut = Long.parseLong(lines.get(2).replaceAll("\\[conveyor: (\\d+) bytes.*", "$1"));
        assertThat(cut).isEqualTo(content.length - 20 - "the end\n".length());
    }

    @Test
    void close_tailGrowingAsOutputComes_keepsEveryByteUntilItsBoundThenTheLastOnes() throws Exception {
        // Given logs with a head of 10 bytes and a tail of 50,000: the tail grows in steps (from 8 KiB) as output comes
        StringBuilder numbered = new StringBuilder();
        for (int i = 0; numbered.length() < 200_000; i++) {
            numbered.append("line ").append(i).append('\n');
        }
        String shortOutput = "0123456789" + numbered.substring(0, 30_000);
        String longOutput = "0123456789" + numbered;
        Path shortLog = workspace.resolve("short.log");
        Path longLog = workspace.resolve("long.log");

        // When one is given 30,010 bytes and the other about 200,000, a line at a time
        try (BoundedLog log = new BoundedLog(shortLog, 10, 50_000)) {
            log.pump(new java.io.ByteArrayInputStream(shortOutput.getBytes(StandardCharsets.UTF_8)), null);
        }
        try (BoundedLog log = new BoundedLog(longLog, 10, 50_000)) {
            log.pump(new java.io.ByteArrayInputStream(longOutput.getBytes(StandardCharsets.UTF_8)), null);
        }

        // Then the first keeps all of it, nothing cut; the second its head, the note, and the last whole lines of
        // its last 50,000 bytes, in order
        assertThat(Files.readString(shortLog)).isEqualTo(shortOutput.endsWith("\n") ? shortOutput : shortOutput + "\n");
        List<String> lines = Files.readAllLines(longLog);
        assertThat(lines.get(0)).isEqualTo("0123456789");
        assertThat(lines.get(1)).startsWith("[conveyor: ").contains("last 50000 bytes");
        String kept = String.join("\n", lines.subList(2, lines.size())) + "\n";
        assertThat(longOutput).endsWith(kept);
        assertThat(kept.length()).isBetween(50_000 - 20, 50_000);
    }

    @Test
    void run_algorithmWritingPastTheBound_leavesABoundedLog() throws Exception {
        // Given a runner whose logs keep 1 KiB of head and tail
        Path log = workspace.resolve("algorithm.log");

        // When an algorithm writes 10 MB
        new LocalProcessRunner(1024, 1024).run(List.of("sh", "-c", "yes 0123456789 | head -n 900000; echo last"),
                java.util.Map.of(), workspace, Duration.ofSeconds(30), log, (p, s) -> { });

        // Then the log is about 2 KiB and ends with the algorithm's last line
        assertThat(Files.size(log)).isBetween(2000L, 2300L);
        assertThat(Files.readAllLines(log)).last().isEqualTo("last");
    }
}
