package io.conveyor.cli.report;

import static io.conveyor.testing.FinishedJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.cost.CostReport;
import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.FinishedJobs;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final String HOSTILE = "/in/<script>alert(1)</script>\"' onload=x&$(rm -rf).txt";

    @Test
    void render_hostileInputName_isTextNotMarkup() {
        // Given a failed job whose input name is markup
        JobRecord job = FinishedJobs.local(HOSTILE, "count", T0, T0.plusSeconds(1), Duration.ofSeconds(3), false);

        // When
        String html = HtmlReport.render(RunReport.of("outbox <b>x</b>", List.of(job), T0.plusSeconds(9), null));

        // Then: one script, ours; the name escaped where it shows
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("/in/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; onload=x&amp;$(rm -rf).txt")
                .contains("outbox &lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>");
    }

    @Test
    void render_jobs_oneGroupPerAttemptAndTotalsFromTheRecords() {
        // Given
        List<JobRecord> jobs = List.of(
                FinishedJobs.local("/in/a.txt", "count", T0, T0.plusSeconds(1), Duration.ofSeconds(10), true),
                FinishedJobs.retriedOnAws("s3://in/b.txt", "sort", T0, "stopped"));

        // When
        String html = HtmlReport.render(RunReport.of("x", jobs, T0.plusSeconds(600), null));

        // Then
        assertThat(Pattern.compile("<g class=\"attempt\"").matcher(html).results().count()).isEqualTo(3);
        assertThat(html).contains("<span data-total=\"jobs\">2</span>").contains("<td data-state=\"SUCCEEDED\">2</td>")
                .contains("No price is known").contains("No job failed.");
    }

    @Test
    void render_costs_showsTotalsOverheadAndUnpricedTypes() {
        // Given
        JobRecord job = FinishedJobs.local("/in/a.txt", "count", T0, T0.plusSeconds(1), Duration.ofSeconds(10), true);
        RunReport.Costs costs = new RunReport.Costs(new CostReport(Map.of(job.id(), new BigDecimal("0.0123")),
                Map.of("count", new BigDecimal("0.0123")), Map.of("count", new BigDecimal("0.5")), new BigDecimal("0.5123"),
                new BigDecimal("0.0123"), new BigDecimal("0.5"), List.of("x9.huge"), "bundled 2026-11"), Map.of());

        // When
        String html = HtmlReport.render(RunReport.of("x", List.of(job), T0.plusSeconds(60), costs));

        // Then
        assertThat(html).contains("<td data-total=\"instance-cost\">$0.5123</td>")
                .contains("<td data-total=\"overhead\">$0.5000</td>").contains("No price for: x9.huge")
                .contains("bundled 2026-11");
    }

    @Test
    void duration_ranges_readable() {
        assertThat(HtmlReport.duration(Duration.ofMillis(1234))).isEqualTo("1.23 s");
        assertThat(HtmlReport.duration(Duration.ofSeconds(125))).isEqualTo("2 m 05 s");
        assertThat(HtmlReport.duration(Duration.ofMinutes(185))).isEqualTo("3 h 05 m");
    }
}
