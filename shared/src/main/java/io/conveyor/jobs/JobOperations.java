package io.conveyor.jobs;

import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operator does to jobs by hand, on every target alike: cancel one, retry one, pick jobs by
 * input or state. Each operation is an event of the {@link JobLifecycle}, written conditionally
 * through {@link JobUpdates} (a record that dispatch or task-events changed meanwhile is read again
 * and the event applied to what it became), then its effects are carried out: a cancelled attempt's
 * task is stopped, a retried job is queued.
 */
public final class JobOperations {

    private final JobUpdates updates;
    private final JobQueue queue;
    private final RunningAttempts attempts;
    private final AlgorithmRegistry registry;
    private final PinnedTaskDefinitions pins;
    private final Clock clock;

    /** Operations where a retry cannot pin an image ({@code --same-image} is refused). */
    public JobOperations(JobStore store, JobQueue queue, RunningAttempts attempts, AlgorithmRegistry registry,
                         Clock clock) {
        this(store, queue, attempts, registry, PinnedTaskDefinitions.refusing(
                "this target cannot pin an attempt's image"), clock);
    }

    /** Operations whose {@code retry --same-image} registers pinned task definitions through {@code pins}. */
    public JobOperations(JobStore store, JobQueue queue, RunningAttempts attempts, AlgorithmRegistry registry,
                         PinnedTaskDefinitions pins, Clock clock) {
        this.updates = new JobUpdates(store, clock);
        this.queue = Objects.requireNonNull(queue, "queue");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.pins = Objects.requireNonNull(pins, "pins");
        this.clock = clock;
    }

    /**
     * The ids of the jobs a query selects, newest first (e.g. {@code cancel --input PREFIX},
     * {@code retry --state FAILED}); the query's limit bounds them.
     */
    public List<String> select(JobQuery query) {
        return updates.store().list(query).stream().map(JobSummary::id).toList();
    }

    /**
     * Cancels a job: a QUEUED or WAITING one is never started; a STARTING or RUNNING one is CANCELLED
     * and its task stopped; either way its pending chain children (QUEUED, WAITING) are cancelled too.
     * A job that is over stays as it is.
     *
     * @param who who asks (kept in the record's reason and the task's stop reason)
     * @param why why, or {@code null}
     * @throws JobUpdates.ConcurrentChangeException when the record kept changing under the cancel
     */
    public Outcome cancel(String jobId, String who, String why) {
        Objects.requireNonNull(who, "who");
        String reason = "cancelled by " + who + (why == null || why.isBlank() ? "" : ": " + why);
        Optional<Transition> applied = updates.apply(jobId, new JobEvent.CancelRequested(reason));
        if (applied.isEmpty()) {
            return Outcome.notFound(jobId);
        }
        Transition transition = applied.get();
        List<String> children = cancelPendingChildren(transition.after(), "cancelled by " + who + " with its parent "
                + jobId);
        if (!transition.changed()) {
            return children.isEmpty() ? Outcome.nothingToDo(transition.after(), transition.note())
                    : new Outcome(jobId, Outcome.Kind.DONE, transition.after().state(), transition.note()
                    + "; its pending chain children were cancelled", children, null, null);
        }
        String message = "cancelled (was " + transition.before().state() + ")";
        Optional<Effect.StopTask> stop = transition.effect(Effect.StopTask.class);
        if (stop.isPresent()) {
            message += "; " + stopTask(transition.before(), stop.get());
        }
        return new Outcome(jobId, Outcome.Kind.DONE, JobState.CANCELLED, message, children, null, null);
    }

    /**
     * Runs a finished job again: a FAILED or CANCELLED one (a SUCCEEDED one only with
     * {@link RetryOptions#force()}) gets a new series of attempts (1 + the descriptor's retries) on
     * its algorithm's current revision, and is queued. With {@link RetryOptions#sameImage()} it keeps its
     * revision and runs on a task definition registered for it that names the image by the digest its last
     * attempt ran (see {@link PinnedTaskDefinitions}); a job no attempt of which kept that digest is left.
     *
     * @throws JobUpdates.ConcurrentChangeException when the record kept changing under the retry
     */
    public Outcome retry(String jobId, RetryOptions options) {
        Objects.requireNonNull(options, "options");
        Optional<JobRecord> known = updates.store().get(jobId);
        if (known.isEmpty()) {
            return Outcome.notFound(jobId);
        }
        String name = known.get().algorithm();
        Optional<AlgorithmRecord> algorithm = registry.algorithm(name);
        if (algorithm.isEmpty() || !algorithm.get().active()) {
            return Outcome.nothingToDo(known.get(), "algorithm '" + name + "' " + (algorithm.isEmpty()
                    ? "is not registered" : "was retired") + ": there is no revision to run the job on");
        }
        if (options.sameImage()) {
            return retryOnSameImage(known.get(), algorithm.get(), options);
        }
        String current = algorithm.get().sha256();
        JobEvent.RetryRequested event = new JobEvent.RetryRequested(1 + algorithm.get().definition().retries(), current,
                options.force(), "retried by " + options.who());
        Optional<Transition> applied = updates.apply(jobId, event);
        if (applied.isEmpty()) {
            return Outcome.notFound(jobId);
        }
        Transition transition = applied.get();
        if (!transition.changed()) {
            return Outcome.nothingToDo(transition.after(), transition.note());
        }
        // Sent after the write: a failed send leaves a QUEUED record, which the reconciler (or a retry again) sends.
        transition.effect(Effect.Enqueue.class).ifPresent(enqueue -> queue.submit(enqueue.jobIds()));
        String before = transition.before().revision();
        String message = "queued again (was " + transition.before().state() + "), up to "
                + (transition.after().maxAttempts() - transition.after().countedAttempts()) + " attempt(s)"
                + (Objects.equals(before, current) ? " on the same revision " + abbreviate(current)
                : "; algorithm '" + name + "' changed: revision " + abbreviate(before) + " → " + abbreviate(current));
        return new Outcome(jobId, Outcome.Kind.DONE, JobState.QUEUED, message, List.of(), before, current);
    }

    private Outcome retryOnSameImage(JobRecord known, AlgorithmRecord algorithm, RetryOptions options) {
        int attemptsAgain = 1 + algorithm.definition().retries();
        // Whether the job may run again at all is asked first (the lifecycle is pure): no revision is made in vain.
        Transition probe = JobLifecycle.apply(known, new JobEvent.RetryRequested(attemptsAgain, null, options.force(),
                "probe"), clock.instant());
        if (!probe.changed()) {
            return Outcome.nothingToDo(known, probe.note());
        }
        Optional<TaskRun> ran = known.tasks().reversed().stream()
                .filter(run -> run.imageDigests().containsKey(TaskDefinitionWrapper.ALGORITHM)
                        && run.taskDefinitionArn() != null)
                .findFirst();
        if (ran.isEmpty()) {
            return Outcome.nothingToDo(known, "--same-image: no attempt of job " + known.id() + " recorded both the "
                    + "digest of its " + TaskDefinitionWrapper.ALGORITHM + " container's image and its task definition "
                    + "(ECS reports them once a task has pulled its images; records made before Conveyor kept them "
                    + "have neither): there is no image to run again");
        }
        TaskRun run = ran.get();
        String digest = run.imageDigests().get(TaskDefinitionWrapper.ALGORITHM);
        String pinned;
        try {
            pinned = pins.pin(run.taskDefinitionArn(), TaskDefinitionWrapper.ALGORITHM, digest, known.id());
        } catch (PinnedTaskDefinitions.PinRefusedException e) {
            return Outcome.nothingToDo(known, "--same-image: " + e.getMessage());
        }
        JobEvent.RetryRequested event = new JobEvent.RetryRequested(attemptsAgain, null, options.force(),
                "retried by " + options.who() + " on the image " + digest + " of attempt " + run.attempt(), pinned);
        Optional<Transition> applied = updates.apply(known.id(), event);
        if (applied.isEmpty()) {
            return Outcome.notFound(known.id());
        }
        Transition transition = applied.get();
        if (!transition.changed()) {
            return Outcome.nothingToDo(transition.after(), transition.note());
        }
        transition.effect(Effect.Enqueue.class).ifPresent(enqueue -> queue.submit(enqueue.jobIds()));
        String revision = transition.after().revision();
        return new Outcome(known.id(), Outcome.Kind.DONE, JobState.QUEUED, "queued again (was "
                + transition.before().state() + "), up to " + (transition.after().maxAttempts()
                - transition.after().countedAttempts()) + " attempt(s) on the image " + digest + " of attempt "
                + run.attempt() + " (revision " + abbreviate(revision) + ", task definition " + pinned + ")", List.of(),
                revision, revision);
    }

    private String stopTask(JobRecord before, Effect.StopTask stop) {
        String taskArn = before.task(stop.attempt()).map(TaskRun::taskArn).orElse(null);
        try {
            int stopped = attempts.stop(new JobTask(stop.jobId(), stop.attempt()), taskArn, stop.stopReason());
            return stopped > 0 ? "its task (attempt " + stop.attempt() + ") was asked to stop"
                    : "no task of attempt " + stop.attempt() + " was running";
        } catch (RuntimeException e) {
            // The record is CANCELLED whatever happens here: its task's later events are stale, never retried.
            return "its task (attempt " + stop.attempt() + (taskArn == null ? "" : ", " + taskArn)
                    + ") could not be stopped: " + e.getMessage();
        }
    }

    /** Cancels the children of a record that wait to be placed; a child that started meanwhile is left. */
    private List<String> cancelPendingChildren(JobRecord parent, String reason) {
        List<String> cancelled = new ArrayList<>();
        for (String child : parent.children()) {
            for (int tries = 1; tries <= JobUpdates.WRITE_TRIES; tries++) {
                Optional<JobStore.Versioned> read = updates.store().read(child);
                JobState state = read.map(r -> r.record().state()).orElse(null);
                if (state != JobState.QUEUED && state != JobState.WAITING_FOR_CAPACITY) {
                    break;
                }
                if (updates.apply(read.get(), List.of(new JobEvent.CancelRequested(reason))).isPresent()) {
                    cancelled.add(child);
                    break;
                }
                if (tries == JobUpdates.WRITE_TRIES) {
                    throw new JobUpdates.ConcurrentChangeException(child);
                }
            }
        }
        return cancelled;
    }

    private static String abbreviate(String revision) {
        return revision == null ? "none" : revision.substring(0, Math.min(12, revision.length()));
    }

    /**
     * How a retry is asked for.
     *
     * @param who   who asks (kept in the record's reason)
     * @param force     whether a SUCCEEDED job runs again too
     * @param sameImage whether it runs the image its last attempt ran (by digest) on its own revision
     */
    public record RetryOptions(String who, boolean force, boolean sameImage) {
        public RetryOptions {
            Objects.requireNonNull(who, "who");
        }

        /** A retry on the algorithm's current revision. */
        public RetryOptions(String who, boolean force) {
            this(who, force, false);
        }
    }

    /**
     * What an operation did to one job.
     *
     * @param jobId             the job
     * @param kind              done, nothing to do, or no such job
     * @param state             where the job stands now, or {@code null} when there is no such job
     * @param message           what happened, or why nothing did
     * @param cancelledChildren the chain children cancelled with it
     * @param revisionBefore    a retry: the revision the job had
     * @param revisionAfter     a retry: the revision it runs now (the algorithm's current one)
     */
    public record Outcome(String jobId, Kind kind, JobState state, String message, List<String> cancelledChildren,
                          String revisionBefore, String revisionAfter) {

        /** What became of the operation; the job commands map it to their exit codes. */
        public enum Kind {
            /** The record was changed (and its task stopped, or the job queued). */
            DONE,
            /** The job is where the operation would take it, or may not go there: the message says why. */
            NOTHING_TO_DO,
            /** No record has that id. */
            NOT_FOUND
        }

        public Outcome {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
            cancelledChildren = List.copyOf(cancelledChildren);
        }

        /** Whether the revision a retry runs differs from the one the job had. */
        public boolean revisionChanged() {
            return revisionAfter != null && !revisionAfter.equals(revisionBefore);
        }

        static Outcome notFound(String jobId) {
            return new Outcome(jobId, Kind.NOT_FOUND, null, "no job " + jobId, List.of(), null, null);
        }

        static Outcome nothingToDo(JobRecord record, String why) {
            return new Outcome(record.id(), Kind.NOTHING_TO_DO, record.state(), why, List.of(), null, null);
        }
    }
}
