package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptCostTest {

    private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
    private static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("word-count", "r1", 1)).withOutput("s3://out/outputs/wc/a.txt/x/");

    private final AttemptCost cost = new AttemptCost(BundledPrices.forRegion("us-east-1"));

    private static JobRecord ended(String instanceType, String started, String stopped) {
        AttemptPlacement host = new AttemptPlacement(0, "i-0abc", instanceType, Prices.ON_DEMAND, 0.5);
        JobRecord record = JobLifecycle.apply(JobLifecycle.admit(JOB, T0), new JobEvent.StartRequested("ci-1", host),
                T0).after();
        TaskRun run = new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/t1", 3, "STOPPED", started, stopped,
                Map.of("algorithm", 0), "EssentialContainerExited", null);
        return JobLifecycle.apply(record, JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()).withTask(run), T0)
                .after();
    }

    @Test
    void usd_pricedAttempt_shareTimesRunTimesPrice() {
        // Given half an m7g.large ($0.0816/h) for 30 minutes
        JobRecord job = ended("m7g.large", "2026-11-29T04:00:00Z", "2026-11-29T04:30:00Z");

        // When / Then: 0.0816 × 0.5 × 0.5
        assertThat(cost.usd(job, 1)).hasValueSatisfying(usd -> assertThat(usd).isEqualByComparingTo("0.0204"));
        assertThat(cost.usd(job, 2)).as("an attempt it did not make").isEmpty();
    }

    @Test
    void usd_unpricedType_none() {
        // Given an attempt on a type the table does not price
        JobRecord job = ended("m6i.large", "2026-11-29T04:00:00Z", "2026-11-29T04:30:00Z");

        // Then no cost says it cost nothing
        assertThat(cost.usd(job, 1)).isEmpty();
    }

    @Test
    void usd_taskTimesUnknown_none() {
        // Given an end whose task times ECS did not give (moto leaves them out)
        JobRecord job = ended("m7g.large", null, null);

        // Then nothing is written
        assertThat(cost.usd(job, 1)).isEmpty();
    }
}
