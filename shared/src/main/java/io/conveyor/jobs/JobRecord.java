package io.conveyor.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about one job: what it runs on, where it stands, what each attempt did.
 *
 * @param id           the job's id ({@link JobId})
 * @param algorithm    the algorithm's name
 * @param revision     the algorithm's revision
 * @param input        where the input lies
 * @param inputVersion the input's version (id, eTag or content hash)
 * @param parent       the job whose output this input is, or {@code null}
 * @param state        where the job stands
 * @param attempt      the current (or last) attempt, from 1; 0 before the first
 * @param maxAttempts  1 + the descriptor's retries
 * @param exitCode     the algorithm's exit code of the last finished attempt, or {@code null}
 * @param reason       why it failed, waits or was rejected, or {@code null}
 * @param stderrTail   the end of the last failed attempt's standard error, or {@code null}
 * @param output       where its output lies, or {@code null}
 * @param pid          the process running it (local mode), or {@code null}
 * @param processStart when that process started (tells it from a later one with the same pid)
 * @param queuedAt     when it was created (ISO-8601)
 * @param startedAt    when the last attempt started, or {@code null}
 * @param endedAt      when it ended, or {@code null}
 * @param outputs      the files it produced (relative to {@code output})
 * @param waitingSince when it began waiting for capacity (ISO-8601), or {@code null}
 * @param placedOn     the container instance its current attempt was placed on (ECS), or {@code null}
 * @param tasks        the ECS task of each attempt that got one, oldest first (AWS)
 * @param interruptions how often an attempt was lost with its instance (not counted against retries)
 * @param children     the jobs its outputs became (a chain's next step), or empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(String id, String algorithm, String revision, String input, String inputVersion, String parent,
                        JobState state, int attempt, int maxAttempts, Integer exitCode, String reason,
                        String stderrTail, String output, Long pid, String processStart, String queuedAt,
                        String startedAt, String endedAt, List<String> outputs, String waitingSince,
                        String placedOn, List<TaskRun> tasks, int interruptions, List<String> children) {

    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        children = children == null ? List.of() : List.copyOf(children);
    }

    /** A new queued job. */
    public static JobRecord queued(String id, String algorithm, String revision, String input, String inputVersion,
                                   String parent, int maxAttempts, String now) {
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, JobState.QUEUED, 0, maxAttempts,
                null, null, null, null, null, null, now, null, null, List.of(), null, null, List.of(), 0, List.of());
    }

    /**
     * The same job in another state.
     *
     * @throws IllegalStateException when the state machine does not allow the move
     */
    public JobRecord moveTo(JobState next, String why) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(id + ": cannot move from " + state + " to " + next);
        }
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, next, attempt, maxAttempts, exitCode,
                why, stderrTail, output, pid, processStart, queuedAt, startedAt, endedAt, outputs, waitingSince, placedOn,
                tasks, interruptions, children);
    }

    /** The same job as its next attempt starts. */
    public JobRecord starting(String now) {
        moveTo(JobState.STARTING, null);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, JobState.STARTING, attempt + 1,
                maxAttempts, null, null, stderrTail, output, null, null, queuedAt, now, null, outputs, null, null,
                tasks, interruptions, children);
    }

    /** The same job running in a process, which started at {@code processStarted} (or {@code null}). */
    public JobRecord running(long processId, String processStarted) {
        JobRecord moved = moveTo(JobState.RUNNING, null);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, moved.state(), attempt, maxAttempts,
                null, null, stderrTail, output, processId, processStarted, queuedAt, startedAt, null, outputs, null, placedOn,
                tasks, interruptions, children);
    }

    /** The same job after an attempt ended: {@code state} is SUCCEEDED, FAILED or QUEUED (a retry). */
    public JobRecord ended(JobState next, Integer code, String why, String tail, String outputDir, List<String> files,
                           String now) {
        moveTo(next, why);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, next, attempt, maxAttempts, code, why,
                tail, outputDir, null, null, queuedAt, startedAt, next.terminal() ? now : null, files, null, placedOn,
                tasks, interruptions, children);
    }

    /**
     * The same job queued again because the run that ran it stopped: the interrupted attempt does not
     * count against its retries.
     */
    public JobRecord resumed(String why) {
        moveTo(JobState.QUEUED, why);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, JobState.QUEUED, Math.max(0, attempt - 1),
                maxAttempts, exitCode, why, stderrTail, output, null, null, queuedAt, startedAt, null, outputs, null, null,
                tasks, interruptions, children);
    }

    /** The same job with its output location (known before it runs, on S3). */
    public JobRecord withOutput(String outputLocation) {
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, state, attempt, maxAttempts, exitCode,
                reason, stderrTail, outputLocation, pid, processStart, queuedAt, startedAt, endedAt, outputs, waitingSince,
                placedOn, tasks, interruptions, children);
    }

    /**
     * The same job waiting for capacity, since {@code since} (kept from an earlier wait).
     */
    public JobRecord waiting(String why, String since) {
        JobRecord moved = state == JobState.WAITING_FOR_CAPACITY ? this : moveTo(JobState.WAITING_FOR_CAPACITY, why);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, moved.state(), attempt, maxAttempts,
                exitCode, why, stderrTail, output, null, null, queuedAt, startedAt, null, outputs,
                waitingSince != null ? waitingSince : since, null, tasks, interruptions, children);
    }

    /**
     * The same job as a task is started for it on a container instance. A start that is tried again
     * (the earlier one failed or never happened) keeps the attempt number: only attempts that ran count.
     */
    public JobRecord placed(String containerInstance, boolean again, String now) {
        JobRecord started = again && state == JobState.STARTING ? this : starting(now);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, JobState.STARTING, started.attempt(),
                maxAttempts, null, null, stderrTail, output, null, null, queuedAt, now, null, outputs, null,
                containerInstance, tasks, interruptions, children);
    }

    /** The same job with what ECS reported about an attempt's task (replacing what was known of it). */
    public JobRecord withTask(TaskRun run) {
        List<TaskRun> runs = new ArrayList<>(tasks);
        runs.removeIf(known -> known.attempt() == run.attempt());
        runs.add(run);
        runs.sort(Comparator.comparingInt(TaskRun::attempt));
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, state, attempt, maxAttempts, exitCode,
                reason, stderrTail, output, pid, processStart, queuedAt, startedAt, endedAt, outputs, waitingSince,
                placedOn, runs, interruptions, children);
    }

    /** The task of an attempt, when ECS reported one. */
    public Optional<TaskRun> task(int ofAttempt) {
        return tasks.stream().filter(run -> run.attempt() == ofAttempt).findFirst();
    }

    /**
     * The same job queued again because its instance went away under it. The attempt keeps its number
     * (its task exists, under that number) but is not counted against the retries: the interruption is.
     */
    public JobRecord interrupted(String why) {
        JobRecord moved = moveTo(JobState.QUEUED, why);
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, moved.state(), attempt, maxAttempts,
                exitCode, why, stderrTail, output, null, null, queuedAt, startedAt, null, outputs, null, null, tasks,
                interruptions + 1, children);
    }

    /** The attempts that count against the retries: those not lost with their instance. */
    public int countedAttempts() {
        return attempt - interruptions;
    }

    /** The same job with the jobs its outputs became. */
    public JobRecord withChildren(List<String> childIds) {
        return new JobRecord(id, algorithm, revision, input, inputVersion, parent, state, attempt, maxAttempts, exitCode,
                reason, stderrTail, output, pid, processStart, queuedAt, startedAt, endedAt, outputs, waitingSince,
                placedOn, tasks, interruptions, childIds);
    }

    /** Whether another attempt is allowed after this one. */
    public boolean mayRetry() {
        return countedAttempts() < maxAttempts;
    }
}
