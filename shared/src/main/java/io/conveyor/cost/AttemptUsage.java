package io.conveyor.cost;

import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.TaskRun;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one ended attempt of a job used: its share of one instance for a stretch of time.
 *
 * @param jobId          the job
 * @param algorithm      its algorithm
 * @param attempt        the attempt, from 1
 * @param instanceId     the EC2 instance it ran on
 * @param instanceType   that instance's type
 * @param purchaseOption how that instance is bought ({@code on-demand})
 * @param share          the larger of its vCPU share and its memory share of the instance, in (0, 1]
 * @param start          when its task started (ECS's {@code startedAt})
 * @param end            when its task stopped (ECS's {@code stoppedAt})
 */
public record AttemptUsage(String jobId, String algorithm, int attempt, String instanceId, String instanceType,
                           String purchaseOption, double share, Instant start, Instant end) {

    public AttemptUsage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(jobId + " attempt " + attempt + ": share must be in (0, 1], was " + share);
        }
        if (end.isBefore(start)) {
            throw new IllegalArgumentException(jobId + " attempt " + attempt + ": ends (" + end + ") before it starts ("
                    + start + ")");
        }
    }

    /**
     * The attempts of a job whose placement (instance, type, share) and task times (started and stopped) are
     * both known, oldest first. Attempts still running, or run locally, or recorded before placements were
     * kept, are left out.
     */
    public static List<AttemptUsage> of(JobRecord job) {
        List<AttemptUsage> usages = new ArrayList<>();
        for (AttemptPlacement placement : job.placements()) {
            Optional<TaskRun> task = job.task(placement.attempt());
            if (task.isEmpty()) {
                continue;
            }
            Instant start = instant(task.get().startedAt());
            Instant end = instant(task.get().stoppedAt());
            if (start == null || end == null || end.isBefore(start)) {
                continue;
            }
            usages.add(new AttemptUsage(job.id(), job.algorithm(), placement.attempt(), placement.instanceId(),
                    placement.instanceType(), placement.purchaseOption(), placement.share(), start, end));
        }
        return List.copyOf(usages);
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
