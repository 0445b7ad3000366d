package io.conveyor.cli.report;

import static io.conveyor.testing.FinishedJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.FinishedJobs;
import io.conveyor.jobs.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunReportTest {

    @Test
    void of_overlappingLocalJobs_packsThemIntoTheFewestSlots() {
        // Given three jobs: two at once, a third after the first ended
        List<JobRecord> jobs = List.of(
                FinishedJobs.local("/in/a.txt", "count", T0, T0.plusSeconds(1), Duration.ofSeconds(10), true),
                FinishedJobs.local("/in/b.txt", "count", T0, T0.plusSeconds(2), Duration.ofSeconds(10), true),
                FinishedJobs.local("/in/c.txt", "count", T0, T0.plusSeconds(12), Duration.ofSeconds(5), false));

        // When
        RunReport report = RunReport.of("outbox x", jobs, T0.plusSeconds(60), null);

        // Then
        assertThat(report.bars()).extracting(RunReport.Bar::lane).containsExactly("slot 1", "slot 2", "slot 1");
        assertThat(report.lanes()).containsOnlyKeys("slot 1", "slot 2");
        assertThat(report.bars().get(1).waiting()).isEqualTo(Duration.ofSeconds(2));
        assertThat(report.byState()).containsEntry(JobState.SUCCEEDED, 2).containsEntry(JobState.FAILED, 1)
                .containsEntry(JobState.QUEUED, 0);
        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.exitCode()).isEqualTo(3);
            assertThat(failure.input()).isEqualTo("/in/c.txt");
        });
    }

    @Test
    void of_jobRetriedOnAws_showsEachAttemptAndTheReasonOfTheFirst() {
        // Given
        JobRecord job = FinishedJobs.retriedOnAws("s3://in/inputs/count/a.txt", "count", T0, "CannotPullContainerError");

        // When
        RunReport report = RunReport.of("stack s", List.of(job), T0.plusSeconds(600), null);

        // Then
        assertThat(report.bars()).extracting(RunReport.Bar::attempt, RunReport.Bar::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "RETRIED"),
                        org.assertj.core.groups.Tuple.tuple(2, "SUCCEEDED"));
        assertThat(report.bars().get(1).waiting()).as("waiting for the retry").isEqualTo(Duration.ofSeconds(10));
        assertThat(report.retryReasons()).containsExactly(
                Map.entry("CannotPullContainerError; algorithm exited 137", 1));
        assertThat(report.algorithms()).singleElement().satisfies(stats -> {
            assertThat(stats.attempts()).isEqualTo(2);
            assertThat(stats.retries()).isEqualTo(1);
            assertThat(stats.runs()).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(60));
        });
    }

    @Test
    void of_lanesFromCosts_keepEachAttemptOnItsInstance() {
        // Given a cost view that knows where each attempt ran
        JobRecord a = FinishedJobs.local("/in/a.txt", "count", T0, T0.plusSeconds(1), Duration.ofSeconds(10), true);
        JobRecord b = FinishedJobs.local("/in/b.txt", "count", T0, T0.plusSeconds(2), Duration.ofSeconds(10), true);
        RunReport.Costs costs = new RunReport.Costs(new io.conveyor.cost.CostReport(Map.of(), Map.of(), Map.of(),
                java.math.BigDecimal.ONE, java.math.BigDecimal.ONE, java.math.BigDecimal.ZERO, List.of(), "test"),
                Map.of(RunReport.key(a.id(), 1), "i-1", RunReport.key(b.id(), 1), "i-1"));

        // When
        RunReport report = RunReport.of("stack s", List.of(a, b), T0.plusSeconds(60), costs);

        // Then
        assertThat(report.lanes()).containsOnlyKeys("i-1");
    }

    @Test
    void quantile_runs_nearestRank() {
        // Given
        List<Duration> runs = List.of(1, 2, 3, 4, 10).stream().map(Duration::ofSeconds).toList();
        RunReport.AlgorithmStats stats = new RunReport.AlgorithmStats("a", 5, 5, 0, 5, 0, runs);

        // When / Then
        assertThat(stats.quantile(0.5)).isEqualTo(Duration.ofSeconds(3));
        assertThat(stats.quantile(0.9)).isEqualTo(Duration.ofSeconds(10));
        assertThat(new RunReport.AlgorithmStats("b", 0, 0, 0, 0, 0, List.of()).quantile(0.5)).isNull();
    }
}
