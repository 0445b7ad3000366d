package io.conveyor.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What can happen to a job. Drivers (dispatch, task-events, the local mode) turn what they see
 * (an S3 event, an ECS task state change, a process that exited) into one of these and let
 * {@link JobLifecycle} decide what it does to the record.
 */
public sealed interface JobEvent {

    /** The job may not run: its input or algorithm does not allow it. */
    record Rejected(String reason) implements JobEvent {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Nowhere has room for it now. */
    record WaitingForCapacity(String reason) implements JobEvent {
        public WaitingForCapacity {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Its next attempt is to start.
     *
     * @param placedOn the container instance chosen for it (ECS), or {@code null} (the local machine)
     * @param host     the EC2 instance behind it and the task's share of it (the attempt number is the
     *                 lifecycle's to set), or {@code null} when not known (the local machine)
     */
    record StartRequested(String placedOn, AttemptPlacement host) implements JobEvent {

        /** A start whose instance is not known (the local machine). */
        public StartRequested(String placedOn) {
            this(placedOn, null);
        }
    }

    /**
     * The scheduler refused the start. A retriable refusal (no room after all, throttling) does not
     * count as an attempt: nothing of the algorithm ran.
     *
     * @param reason what the scheduler said, worded by the driver (e.g. {@code ECS refused the task: …})
     */
    record StartRefused(String reason, boolean retriable) implements JobEvent {
        public StartRefused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A STARTING job is seen again (a redelivery) and its start's outcome is not known.
     *
     * @param taskExists whether the scheduler knows a task of its current attempt
     * @param grace      how long a start may take before it is taken as never having happened
     */
    record StartInDoubt(boolean taskExists, Duration grace) implements JobEvent {
        public StartInDoubt {
            Objects.requireNonNull(grace, "grace");
        }
    }

    /**
     * An attempt's task or process runs.
     *
     * @param attempt      the attempt it runs
     * @param task         what ECS reported of the task, or {@code null} (local mode)
     * @param pid          the process running it (local mode), or {@code null}
     * @param processStart when that process started, or {@code null}
     */
    record TaskRunning(int attempt, TaskRun task, Long pid, String processStart) implements JobEvent {

        /** An ECS task of an attempt runs. */
        public static TaskRunning onEcs(TaskRun task) {
            return new TaskRunning(task.attempt(), task, null, null);
        }

        /** A local process of an attempt runs. */
        public static TaskRunning asProcess(int attempt, long pid, String processStart) {
            return new TaskRunning(attempt, null, pid, processStart);
        }
    }

    /**
     * An attempt's ECS task exists and has not run yet (PROVISIONING, PENDING, ACTIVATING), or ECS
     * just accepted its start. The record keeps nothing of it; a task of a job that is over is stopped.
     *
     * @param attempt the attempt the task runs
     * @param task    what ECS reported of the task
     */
    record TaskPending(int attempt, TaskRun task) implements JobEvent {
        public TaskPending {
            Objects.requireNonNull(task, "task");
        }
    }

    /**
     * An attempt ended.
     *
     * @param attempt  the attempt that ended
     * @param ending   how
     * @param task     what ECS reported of its task, or {@code null} (local mode)
     * @param output   what it left where the job's output lies, or {@code null} (nothing known)
     * @param children the jobs its outputs become (a chain), made by the driver with
     *                 {@link JobLifecycle#admit}; only for a success
     */
    record AttemptEnded(int attempt, Ending ending, TaskRun task, Output output, List<JobRecord> children)
            implements JobEvent {

        public AttemptEnded {
            Objects.requireNonNull(ending, "ending");
            children = children == null ? List.of() : List.copyOf(children);
        }

        /** An attempt ended, nothing more known. */
        public static AttemptEnded of(int attempt, Ending ending) {
            return new AttemptEnded(attempt, ending, null, null, List.of());
        }

        /** The same end, with its ECS task. */
        public AttemptEnded withTask(TaskRun run) {
            return new AttemptEnded(attempt, ending, run, output, children);
        }

        /** The same end, with what it left. */
        public AttemptEnded withOutput(Output left) {
            return new AttemptEnded(attempt, ending, task, left, children);
        }

        /** The same end, with the jobs its outputs become. */
        public AttemptEnded withChildren(List<JobRecord> next) {
            return new AttemptEnded(attempt, ending, task, output, next);
        }
    }

    /**
     * What an attempt left.
     *
     * @param location where the job's output lies
     * @param files     the files there, relative to it
     * @param checksums file → its checksum ({@link JobRecord#outputChecksums()}), for those that have one
     */
    record Output(String location, List<String> files, Map<String, String> checksums) {
        public Output {
            Objects.requireNonNull(location, "location");
            files = List.copyOf(files);
            checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
        }

        /** Files whose checksums are not known. */
        public Output(String location, List<String> files) {
            this(location, files, Map.of());
        }
    }

    /** How an attempt ended. */
    sealed interface Ending {
    }

    /** The algorithm exited 0 and its output is where the job's output lies. */
    record Succeeded() implements Ending {
    }

    /**
     * The algorithm exited with another code: a counted failure.
     *
     * @param detail     what the scheduler added (a container's reason), or {@code null}
     * @param stderrTail the end of its standard error, or {@code null}
     */
    record ExitCode(int code, String detail, String stderrTail) implements Ending {
    }

    /**
     * Something around the algorithm failed (stage-in, stage-out, the task's start): a counted failure.
     *
     * @param reason   what failed, worded by the driver
     * @param exitCode the algorithm's exit code, when it ran
     */
    record StageFailed(String reason, Integer exitCode) implements Ending {
        public StageFailed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The attempt ran past its descriptor's {@code timeoutSeconds} and was stopped: a counted failure. */
    record TimedOut(int seconds, String stderrTail) implements Ending {
    }

    /** Its instance stopped, terminated or went away under it: not counted, up to a limit. */
    record InstanceLost(String reason, Integer exitCode) implements Ending {
        public InstanceLost {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Somebody stopped it outside Conveyor. */
    record StoppedByHand(String reason, Integer exitCode) implements Ending {
        public StoppedByHand {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Somebody asked that the job not run (any more).
     *
     * @param reason who asked, and why
     */
    record CancelRequested(String reason) implements JobEvent {
        public CancelRequested {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Somebody asked that a failed or cancelled job (a succeeded one with {@code force}) run again.
     *
     * @param attempts how many more attempts it gets (1 + the descriptor's retries)
     * @param revision the algorithm revision the new attempts run (its current one), or {@code null}
     *                 to keep the record's
     * @param force    whether a SUCCEEDED job runs again too
     * @param reason   who asked
     * @param pinnedTaskDefinition the task definition the new attempts start on ({@code retry --same-image}: the
     *                 record keeps its revision), or {@code null} for the algorithm's registered one
     */
    record RetryRequested(int attempts, String revision, boolean force, String reason, String pinnedTaskDefinition)
            implements JobEvent {
        public RetryRequested {
            Objects.requireNonNull(reason, "reason");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
            }
        }

        /** A retry on the algorithm's registered task definition (it clears a pin). */
        public RetryRequested(int attempts, String revision, boolean force, String reason) {
            this(attempts, revision, force, reason, null);
        }

        /** A retry of a failed or cancelled job on the revision it has. */
        public RetryRequested(int attempts, String reason) {
            this(attempts, null, false, reason);
        }
    }

    /** What ran the job (the local mode's process) stopped while the job ran: run it again, uncounted. */
    record ResumedAfterCrash(String reason) implements JobEvent {
        public ResumedAfterCrash {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The reconciler found the attempt's task gone: ECS no longer knows it (it keeps a stopped task for about
     * an hour), or no task was ever started for it, and no event said how it ended.
     *
     * @param attempt        the attempt the reconciler looked at
     * @param taskArn        the task the record named, or {@code null} when the record knew none (its start in
     *                       doubt) and ECS listed none for the attempt
     * @param outputsWritten whether the job's output location holds objects written since the attempt started:
     *                       its stage-out ran, so the algorithm ran to its end and must not run again unasked
     */
    record TaskVanished(int attempt, String taskArn, boolean outputsWritten) implements JobEvent {
    }

    /** Conveyor itself could not carry on with the job (an error of its own, not the algorithm's). */
    record Abandoned(String reason) implements JobEvent {
        public Abandoned {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
