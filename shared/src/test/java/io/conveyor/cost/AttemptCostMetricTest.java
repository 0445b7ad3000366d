package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import io.conveyor.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttemptCostMetricTest {

    private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
    private static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("word-count", "r1", 1)).withOutput("s3://out/outputs/wc/a.txt/x/");

    private final List<String> lines = new ArrayList<>();
    private final AttemptCostMetric metric = new AttemptCostMetric("prod", BundledPrices.forRegion("us-east-1"),
            lines::add);

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
    void attemptEnded_pricedAttempt_oneEmfLineWithBothDimensionSets() throws Exception {
        // Given half an m7g.large ($0.0816/h) for 30 minutes
        JobRecord job = ended("m7g.large", "2026-11-29T04:00:00Z", "2026-11-29T04:30:00Z");

        // When its end is told
        metric.attemptEnded(job, 1);

        // Then one EMF line says CostUsd = 0.0816 × 0.5 × 0.5 for the stack and the algorithm, when it ended
        assertThat(lines).hasSize(1);
        JsonNode line = Json.mapper().readTree(lines.get(0));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("Conveyor");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"stack\"],[\"stack\",\"algorithm\"]]");
        assertThat(directive.path("Metrics").toString()).isEqualTo("[{\"Name\":\"CostUsd\",\"Unit\":\"None\"}]");
        assertThat(line.path("_aws").path("Timestamp").asLong())
                .isEqualTo(Instant.parse("2026-11-29T04:30:00Z").toEpochMilli());
        assertThat(line.path("stack").asText()).isEqualTo("prod");
        assertThat(line.path("algorithm").asText()).isEqualTo("word-count");
        assertThat(line.path("CostUsd").decimalValue()).isEqualByComparingTo("0.0204");
        assertThat(line.path("jobId").asText()).isEqualTo(job.id());
    }

    @Test
    void attemptEnded_unpricedType_noLine() {
        // Given an attempt on a type the table does not price
        JobRecord job = ended("m6i.large", "2026-11-29T04:00:00Z", "2026-11-29T04:30:00Z");

        // Then no metric says it cost nothing
        assertThat(metric.attemptEnded(job, 1)).isEmpty();
        assertThat(lines).isEmpty();
    }

    @Test
    void attemptEnded_taskTimesUnknown_noLine() {
        // Given an end whose task times ECS did not give (moto leaves them out)
        JobRecord job = ended("m7g.large", null, null);

        // Then nothing is written
        assertThat(metric.attemptEnded(job, 1)).isEmpty();
        assertThat(lines).isEmpty();
    }
}
