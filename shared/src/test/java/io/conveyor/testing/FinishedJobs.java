package io.conveyor.testing;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Finished job records as the local mode and task-events leave them: for the run report's tests and its benchmark. */
public final class FinishedJobs {

    public static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private FinishedJobs() {
    }

    /** A local job: queued at {@code queued}, ran from {@code start} for {@code run}, succeeded or exited 3. */
    public static JobRecord local(String input, String algorithm, Instant queued, Instant start, Duration run,
                                  boolean succeeds) {
        NewJob job = JobFixtures.job(input, "v1", algorithm, "r1", 1);
        JobRecord record = JobFixtures.after(JobFixtures.queued(job, queued), start, new JobEvent.StartRequested(null),
                new JobEvent.TaskRunning(1, null, 4242L, start.toString()));
        JobEvent.Ending ending = succeeds ? new JobEvent.Succeeded() : new JobEvent.ExitCode(3, null, "boom");
        return JobFixtures.after(record, start.plus(run), new JobEvent.AttemptEnded(1, ending, null,
                new JobEvent.Output("/out/" + record.id(), List.of("result.txt"), Map.of()), List.of()));
    }

    /** A job on AWS whose first attempt's task was stopped with {@code firstReason} and whose second succeeded. */
    public static JobRecord retriedOnAws(String input, String algorithm, Instant queued, String firstReason) {
        NewJob job = JobFixtures.job(input, "v1", algorithm, "r1", 3);
        JobRecord record = JobFixtures.queued(job, queued);
        Instant at = queued.plusSeconds(5);
        for (int attempt = 1; attempt <= 2; attempt++) {
            String arn = "arn:aws:ecs:eu-west-1:123456789012:task/conveyor/" + attempt + record.id().substring(4);
            TaskRun running = new TaskRun(attempt, arn, 2, "RUNNING", at.toString(), null, Map.of(), null, null);
            record = JobFixtures.after(record, at, new JobEvent.StartRequested("arn:aws:ecs:ci/" + attempt),
                    new JobEvent.TaskRunning(attempt, running, null, null));
            Instant end = at.plusSeconds(60);
            boolean last = attempt == 2;
            TaskRun stopped = new TaskRun(attempt, arn, 5, "STOPPED", at.toString(), end.toString(),
                    Map.of("algorithm", last ? 0 : 137), last ? "EssentialContainerExited" : "TaskFailedToStart",
                    last ? null : firstReason, Map.of("algorithm", "algorithm/" + attempt), Map.of());
            JobEvent.Ending ending = last ? new JobEvent.Succeeded() : new JobEvent.ExitCode(137, firstReason, null);
            record = JobFixtures.after(record, end, new JobEvent.AttemptEnded(attempt, ending, stopped,
                    last ? new JobEvent.Output("s3://out/" + record.id(), List.of("r.txt"), Map.of()) : null, List.of()));
            at = end.plusSeconds(10);
        }
        return record;
    }
}
