package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.local.LocalPipeline;
import io.conveyor.local.LocalSettings;
import io.conveyor.testing.JobFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table a local run with --once ends with. */
class ReportTest {

    private static final LocalSettings SETTINGS = new LocalSettings(Path.of("/work/inbox"), Path.of("/work/outbox"),
            Path.of("/work/algorithms"), 2, 1024, Duration.ofSeconds(1), Duration.ofSeconds(2));

    @Test
    void table_earlierSuccessesLeftOut_saysHowManyAndHowToListThem() {
        // Given a rerun that ran nothing: one earlier failure listed, 1,200 earlier successes not listed
        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        JobRecord failed = JobFixtures.after(JobFixtures.queued(JobFixtures.job("/work/inbox/bad/a.txt", "sha256:ab",
                "bad", "r1", 1), at), at, new JobEvent.Rejected("no"));
        LocalPipeline.Summary summary = new LocalPipeline.Summary(List.of(), List.of(failed), 1_200);

        // When the table is printed
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report.table(summary, SETTINGS, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        // Then it lists the failure, counts all 1,201, and says how to list the ones left out
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(1)).startsWith(failed.id()).contains("bad", "FAILED");
        assertThat(lines).contains("1201 of these 1201 jobs were done by an earlier run (their inputs had not changed)",
                "1200 of them, which succeeded, are not listed above: ./conveyor jobs --outbox /work/outbox"
                        + " --state SUCCEEDED --limit 1201 lists them");
    }

    @Test
    void table_everyEarlierJobListed_saysNothingLeftOut() {
        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        JobRecord failed = JobFixtures.after(JobFixtures.queued(JobFixtures.job("/work/inbox/bad/a.txt", "sha256:ab",
                "bad", "r1", 1), at), at, new JobEvent.Rejected("no"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Report.table(new LocalPipeline.Summary(List.of(), List.of(failed), 0), SETTINGS,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("1 of these 1 jobs were done by an earlier run")
                .doesNotContain("not listed");
    }
}
