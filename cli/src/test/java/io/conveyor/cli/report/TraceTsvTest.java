package io.conveyor.cli.report;

import static io.conveyor.testing.FinishedJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.FinishedJobs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTsvTest {

    @Test
    void render_inputWithTabsAndNewlines_staysOneLinePerAttempt() {
        // Given
        JobRecord job = FinishedJobs.local("/in/a\tb\nc\\d.txt", "count", T0, T0.plusSeconds(2), Duration.ofMillis(1500),
                true);

        // When
        String tsv = TraceTsv.render(RunReport.of("x", List.of(job), T0.plusSeconds(9), null));

        // Then
        List<String> lines = tsv.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(TraceTsv.HEADER);
        String[] fields = lines.get(1).split("\t", -1);
        assertThat(fields).hasSize(TraceTsv.HEADER.split("\t").length);
        assertThat(fields[8]).as("waiting_s").isEqualTo("2.000");
        assertThat(fields[9]).as("run_s").isEqualTo("1.500");
        assertThat(fields[10]).isEqualTo("/in/a\\tb\\nc\\\\d.txt");
    }
}
