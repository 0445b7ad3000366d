package io.conveyor.jobs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attempt of a job as an ECS task knows it. The task's {@code startedBy} names the job and the
 * attempt ({@code job-<24 hex>-<attempt>}, within ECS's 36 characters), so that a task state change
 * finds its job and tells a late event of an earlier attempt from the current one, and so that
 * {@code ListTasks} by {@code startedBy} finds exactly one attempt's task.
 *
 * @param jobId   the job
 * @param attempt the attempt, from 1
 */
public record JobTask(String jobId, int attempt) {

    /** ECS's limit on {@code startedBy}. */
    public static final int MAX_STARTED_BY = 36;
    /** The tag on each task that says how long it may run ({@code timeoutSeconds}). */
    public static final String TAG_TIMEOUT = "conveyor:timeout-seconds";
    /**
     * How a task stopped for running past its descriptor's {@code timeoutSeconds} says so in its
     * {@code stoppedReason}: {@value}{@code <seconds> s (timeoutSeconds)}.
     */
    public static final String TIMEOUT_REASON = "Conveyor: timed out after ";

    private static final Pattern STARTED_BY = Pattern.compile("(job-[0-9a-f]{24})-([1-9][0-9]{0,6})");

    public JobTask {
        if (jobId == null || !jobId.matches("job-[0-9a-f]{24}")) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        if (attempt < 1 || attempt > 9_999_999) {
            throw new IllegalArgumentException("attempt out of range: " + attempt);
        }
    }

    /** The task's {@code startedBy}. */
    public String startedBy() {
        return jobId + "-" + attempt;
    }

    /** The job attempt a {@code startedBy} names, or empty when Conveyor did not start the task. */
    public static Optional<JobTask> fromStartedBy(String startedBy) {
        if (startedBy == null) {
            return Optional.empty();
        }
        Matcher matcher = STARTED_BY.matcher(startedBy);
        return matcher.matches() ? Optional.of(new JobTask(matcher.group(1), Integer.parseInt(matcher.group(2))))
                : Optional.empty();
    }

    /** The {@code stoppedReason} of a task stopped for its timeout (ECS keeps up to 255 characters). */
    public static String timeoutReason(int timeoutSeconds) {
        return TIMEOUT_REASON + timeoutSeconds + " s (timeoutSeconds)";
    }

    /** Whether a {@code stoppedReason} is Conveyor's timeout. */
    public static boolean isTimeout(String stoppedReason) {
        return stoppedReason != null && stoppedReason.startsWith(TIMEOUT_REASON);
    }
}
