package io.conveyor.observe;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one written change of a job's record counts, derived from the record before and after it (and
 * nothing else): the one rule behind the job metrics, whichever driver wrote the change.
 *
 * <ul>
 *   <li>{@code JobsAdmitted}: a record was created.</li>
 *   <li>{@code JobsStarted}: an attempt's task (or process) ran: the job moved from STARTING to RUNNING, or
 *       straight to the attempt's end when its RUNNING was never seen but it ran (it succeeded, has an exit
 *       code, or its task a start time).</li>
 *   <li>{@code WaitingSeconds}: with the first start of a job's first attempt, from its admission to the
 *       task's start (ECS's {@code startedAt} when known, else the change's time). Later attempts are not
 *       measured: the record keeps no time at which the job was queued again.</li>
 *   <li>{@code RunSeconds}: when a started attempt ends (succeeds, fails, is queued again or cancelled), from
 *       ECS's {@code startedAt} to {@code stoppedAt} of its task when both are known, else from the attempt's
 *       start to the change's time. On ECS it spans the whole task: stage-in, algorithm, stage-out.</li>
 *   <li>{@code JobsRetried}: a started attempt ended and the job is queued again (a counted failure or an
 *       interruption), or a finished job was retried by hand.</li>
 *   <li>{@code JobsSucceeded}, {@code JobsFailed}, {@code JobsCancelled}: the job reached that state.</li>
 * </ul>
 */
public final class JobMetrics {

    private JobMetrics() {
    }

    /**
     * The metrics a written change counts.
     *
     * @param before the record as read, or {@code null} when {@code after} was created
     * @param after  the record written
     * @param at     when it was written
     */
    public static List<Metric> of(JobRecord before, JobRecord after, Instant at) {
        List<Metric> metrics = new ArrayList<>();
        if (before == null) {
            metrics.add(Metric.one("JobsAdmitted"));
        } else {
            attempt(before, after, at, metrics);
            if (before.state().terminal() && after.state() == JobState.QUEUED) {
                metrics.add(Metric.one("JobsRetried"));
            }
        }
        if (after.state().terminal() && (before == null || before.state() != after.state())) {
            metrics.add(Metric.one(switch (after.state()) {
                case SUCCEEDED -> "JobsSucceeded";
                case FAILED -> "JobsFailed";
                default -> "JobsCancelled";
            }));
        }
        return List.copyOf(metrics);
    }

    /** Whether the change ends an attempt that had started (it ran, or shows it ran): the {@code RunSeconds} rule. */
    public static boolean endsAStartedAttempt(JobRecord before, JobRecord after) {
        if (before == null || after.attempt() != before.attempt() || after.attempt() == 0) {
            return false;
        }
        boolean startsNow = before.state() == JobState.STARTING && after.state() != JobState.STARTING
                && (after.state() == JobState.RUNNING || ran(after));
        boolean wasUnderWay = before.state() == JobState.RUNNING || startsNow;
        return wasUnderWay && after.state() != JobState.RUNNING && after.state() != JobState.STARTING;
    }

    /** What the change did to the attempt under way: started it, ended it, or both. */
    private static void attempt(JobRecord before, JobRecord after, Instant at, List<Metric> metrics) {
        boolean sameAttempt = after.attempt() == before.attempt() && after.attempt() > 0;
        if (!sameAttempt) {
            return;
        }
        boolean startsNow = before.state() == JobState.STARTING && after.state() != JobState.STARTING
                && (after.state() == JobState.RUNNING || ran(after));
        Optional<TaskRun> task = after.task(after.attempt());
        Instant taskStart = task.map(TaskRun::startedAt).map(Instant::parse).orElse(null);
        if (startsNow) {
            metrics.add(Metric.one("JobsStarted"));
            if (after.attempt() == 1 && after.interruptions() == 0 && after.queuedAt() != null) {
                Instant started = taskStart != null ? taskStart : at;
                metrics.add(Metric.seconds("WaitingSeconds", seconds(Instant.parse(after.queuedAt()), started)));
            }
        }
        if (endsAStartedAttempt(before, after)) {
            Instant stopped = task.map(TaskRun::stoppedAt).map(Instant::parse).orElse(null);
            Instant from = taskStart != null && stopped != null ? taskStart
                    : before.startedAt() != null ? Instant.parse(before.startedAt()) : null;
            Instant until = taskStart != null && stopped != null ? stopped : at;
            if (from != null) {
                metrics.add(Metric.seconds("RunSeconds", seconds(from, until)));
            }
            if (after.state() == JobState.QUEUED) {
                metrics.add(Metric.one("JobsRetried"));
            }
        }
    }

    /** Whether the attempt's end shows that it ran, though its RUNNING was never seen. */
    private static boolean ran(JobRecord after) {
        return after.state() == JobState.SUCCEEDED || after.exitCode() != null
                || after.task(after.attempt()).map(run -> run.startedAt() != null).orElse(false);
    }

    private static double seconds(Instant from, Instant until) {
        return Math.max(0, Duration.between(from, until).toMillis()) / 1000.0;
    }
}
