package io.conveyor.cli.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.cost.AttemptUsage;
import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.FinishedJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCostsTest {

    private static final Instant T0 = FinishedJobs.T0;

    @Test
    void mostAtOnce_touchingAndOverlappingIntervals_countsOnlyOverlaps() {
        // Given [0,10) and [10,20) touch; [5,15) overlaps both
        Instant[] a = {T0, T0.plusSeconds(10)};
        Instant[] b = {T0.plusSeconds(10), T0.plusSeconds(20)};
        Instant[] c = {T0.plusSeconds(5), T0.plusSeconds(15)};

        // When / Then
        assertThat(ReportCosts.mostAtOnce(List.of(a, b))).isEqualTo(1);
        assertThat(ReportCosts.mostAtOnce(List.of(a, b, c))).isEqualTo(2);
        assertThat(ReportCosts.mostAtOnce(List.of())).isZero();
    }

    @Test
    void local_threeJobsTwoAtOnce_eachTakesHalfOfTheMachine() {
        // Given
        List<JobRecord> jobs = List.of(
                FinishedJobs.local("/in/a.txt", "count", T0, T0.plusSeconds(1), Duration.ofSeconds(10), true),
                FinishedJobs.local("/in/b.txt", "count", T0, T0.plusSeconds(2), Duration.ofSeconds(10), true),
                FinishedJobs.local("/in/c.txt", "count", T0, T0.plusSeconds(12), Duration.ofSeconds(5), false));

        // When
        List<AttemptUsage> usages = ReportCosts.local(jobs);

        // Then
        assertThat(usages).hasSize(3).allSatisfy(usage -> {
            assertThat(usage.share()).isEqualTo(0.5);
            assertThat(usage.instanceId()).isEqualTo(ReportCosts.LOCAL);
        });
        assertThat(usages.get(2).end()).isEqualTo(T0.plusSeconds(17));
    }
}
