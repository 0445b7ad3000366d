package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptUsageTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("wc", "r1", 3)).withOutput("s3://out/outputs/wc/a.txt/x/");

    @Test
    void of_endedAttemptWithPlacement_usageWithTheTasksTimes() {
        // Given a job started on an instance (its placement recorded by the lifecycle) whose task ran and stopped
        AttemptPlacement host = new AttemptPlacement(0, "i-0abc", "m7g.large", Prices.ON_DEMAND, 0.25);
        JobRecord record = JobLifecycle.apply(JobLifecycle.admit(JOB, T0), new JobEvent.StartRequested("ci-1", host),
                T0).after();
        TaskRun stopped = new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/t1", 3, "STOPPED", "2026-11-01T00:01:00Z",
                "2026-11-01T00:31:00Z", java.util.Map.of("algorithm", 0), "EssentialContainerExited", null);
        record = JobLifecycle.apply(record, JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()).withTask(stopped),
                T0.plusSeconds(1900)).after();

        // When its usage is read
        List<AttemptUsage> usage = AttemptUsage.of(record);

        // Then attempt 1 ran on that instance for that share from the task's start to its stop
        assertThat(record.placements()).extracting(AttemptPlacement::attempt).containsExactly(1);
        assertThat(usage).containsExactly(new AttemptUsage(record.id(), "wc", 1, "i-0abc", "m7g.large",
                Prices.ON_DEMAND, 0.25, Instant.parse("2026-11-01T00:01:00Z"), Instant.parse("2026-11-01T00:31:00Z")));
    }

    @Test
    void of_localJobWithoutPlacement_noUsage() {
        // Given a job started on the local machine
        JobRecord record = JobLifecycle.apply(JobLifecycle.admit(JOB, T0), new JobEvent.StartRequested(null), T0)
                .after();

        // Then nothing of it is an instance's
        assertThat(record.placements()).isEmpty();
        assertThat(AttemptUsage.of(record)).isEmpty();
    }

    @Test
    void share_taskOfInstance_largerOfCpuAndMemoryShare() {
        // A task of 512 CPU units and 3000 MiB on an instance of 2048 units and 7482 MiB: memory's 0.40 wins
        assertThat(AttemptPlacement.share(512, 3000, 2048, 7482)).isEqualTo(3000.0 / 7482);
        // A task of 2048 units and 512 MiB: CPU's 1.0 wins
        assertThat(AttemptPlacement.share(2048, 512, 2048, 7482)).isEqualTo(1.0);
    }
}
