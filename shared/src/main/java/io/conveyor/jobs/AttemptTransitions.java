package io.conveyor.jobs;

import io.conveyor.jobs.JobEvent.AttemptEnded;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The part of {@link JobLifecycle} about an attempt under way: its task running, and how it ended.
 * An event about an attempt changes the record only when it is about the current attempt, newer than
 * what the record holds of its task, and the job is not over.
 */
final class AttemptTransitions {

    private AttemptTransitions() {
    }

    static Transition pending(JobRecord record, JobEvent.TaskPending pending) {
        String past = pastNews(record, pending.attempt(), pending.task());
        if (past != null) {
            return orphanedOrStale(record, pending.attempt(), pending.task(), past);
        }
        return Transition.unchanged(record, "its task is " + pending.task().lastStatus() + ": nothing the record keeps",
                List.of());
    }

    static Transition run(JobRecord record, JobEvent.TaskRunning running) {
        String past = pastNews(record, running.attempt(), running.task());
        if (past != null) {
            return orphanedOrStale(record, running.attempt(), running.task(), past);
        }
        if (record.state() == JobState.RUNNING) {
            return Transition.unchanged(record, "already running", List.of());
        }
        JobRecord.Builder after = record.toBuilder().state(JobState.RUNNING).reason(null);
        if (running.task() != null) {
            after.task(running.task());
        }
        if (running.pid() != null) {
            after.process(running.pid(), running.processStart());
        }
        return Transition.changed(record, after.build(), List.of(), List.of());
    }

    static Transition end(JobRecord record, AttemptEnded ended, Instant now) {
        TaskRun task = ended.task();
        if (task != null && ended.attempt() == record.attempt() && isStopped(record.task(ended.attempt()))
                && isSameTask(record, task)
                && (record.state() == JobState.QUEUED || record.state() == JobState.WAITING_FOR_CAPACITY)) {
            // This stop was applied and the job queued again; its message may be the one that got lost.
            return Transition.unchanged(record, "the stop was applied before; the job is queued again",
                    List.of(new Effect.Enqueue(List.of(record.id()))));
        }
        if (task != null && ended.attempt() == record.attempt() && isStopped(record.task(ended.attempt()))
                && isSameTask(record, task) && record.state() == JobState.SUCCEEDED && !record.children().isEmpty()) {
            // This success was applied and its chain's next steps made; the message that sends them may be
            // the one that got lost (sending again is harmless: dispatch starts a job once).
            return Transition.unchanged(record, "the success was applied before; its children are sent again",
                    List.of(new Effect.Enqueue(record.children())));
        }
        String past = pastNews(record, ended.attempt(), task);
        if (past != null) {
            return Transition.stale(record, past);
        }
        JobRecord.Builder base = record.toBuilder();
        if (task != null) {
            base.task(task);
        }
        if (ended.output() != null) {
            base.output(ended.output().location()).outputs(ended.output().files(), ended.output().checksums());
        } else {
            base.outputs(List.of());
        }
        JobRecord withTask = base.build();
        return switch (ended.ending()) {
            case JobEvent.Succeeded s -> succeed(record, withTask, ended.children(), now);
            case JobEvent.ExitCode code -> fail(record, withTask, code.code(), "exit code " + code.code()
                    + (code.detail() == null || code.detail().isBlank() ? "" : ", " + code.detail()), code.stderrTail(), now);
            case JobEvent.StageFailed stage -> fail(record, withTask, stage.exitCode(), stage.reason(), null, now);
            case JobEvent.TimedOut timeout -> fail(record, withTask, null, "timed out after " + timeout.seconds()
                    + " s (timeoutSeconds)", timeout.stderrTail(), now);
            case JobEvent.InstanceLost lost -> lose(record, withTask, lost, now);
            case JobEvent.StoppedByHand stopped -> Transition.changed(record, Moves.ended(withTask, JobState.CANCELLED, now)
                    .exitCode(stopped.exitCode()).reason(stopped.reason()).stderrTail(null).build(), List.of(), List.of());
        };
    }

    private static Transition succeed(JobRecord record, JobRecord withTask, List<JobRecord> children, Instant now) {
        List<String> ids = children.stream().map(JobRecord::id).toList();
        List<String> queued = children.stream().filter(c -> c.state() == JobState.QUEUED).map(JobRecord::id).toList();
        JobRecord after = Moves.ended(withTask, JobState.SUCCEEDED, now).exitCode(0).reason(null).stderrTail(null)
                .children(ids).build();
        return Transition.changed(record, after, children, queued.isEmpty() ? List.of()
                : List.of(new Effect.Enqueue(queued)));
    }

    /** A counted failure: another attempt while the retries allow, else the job fails. */
    private static Transition fail(JobRecord record, JobRecord withTask, Integer exitCode, String reason, String tail,
                                   Instant now) {
        if (record.mayRetry()) {
            Transition requeued = Moves.requeued(withTask, withTask.attempt(), reason + "; trying again (attempt "
                    + (record.countedAttempts() + 1) + " of " + record.maxAttempts() + ")");
            return Transition.changed(record, requeued.after().toBuilder().exitCode(exitCode).stderrTail(tail).build(),
                    List.of(), requeued.effects());
        }
        return Transition.changed(record, Moves.ended(withTask, JobState.FAILED, now).exitCode(exitCode).reason(reason)
                .stderrTail(tail).build(), List.of(), List.of());
    }

    private static Transition lose(JobRecord record, JobRecord withTask, JobEvent.InstanceLost lost, Instant now) {
        int interruption = record.interruptions() + 1;
        if (record.interruptions() < JobLifecycle.MAX_INTERRUPTIONS) {
            // The attempt keeps its number (its task exists under it) but does not count: the interruption does.
            Transition requeued = Moves.requeued(withTask, withTask.attempt(), lost.reason() + "; queued again, not counted as"
                    + " an attempt (interruption " + interruption + " of " + JobLifecycle.MAX_INTERRUPTIONS + " allowed)");
            return Transition.changed(record, requeued.after().toBuilder().interruptions(interruption).build(), List.of(),
                    requeued.effects());
        }
        return Transition.changed(record, Moves.ended(withTask, JobState.FAILED, now).exitCode(lost.exitCode())
                .reason(lost.reason() + "; the job lost its instance " + interruption + " times").stderrTail(null)
                .build(), List.of(), List.of());
    }

    /**
     * The attempt's task is gone and no event said how it ended, so its outcome is unknown. When its stage-out
     * wrote outputs, the algorithm ran to its end: the job fails saying so, rather than run a second time
     * unasked. Otherwise it is queued again like a run lost with its instance: the attempt keeps its number
     * (a task of it that shows up late is stopped as one the job left behind) and is not counted, up to
     * {@link JobLifecycle#MAX_INTERRUPTIONS}.
     */
    static Transition vanish(JobRecord record, JobEvent.TaskVanished vanished, Instant now) {
        if (!Moves.isRunningAnAttempt(record)) {
            return Transition.stale(record, "the job is " + record.state() + ", not running an attempt");
        }
        if (vanished.attempt() != record.attempt()) {
            return Transition.stale(record, "about attempt " + vanished.attempt() + "; the job is at attempt "
                    + record.attempt());
        }
        Optional<TaskRun> known = record.task(record.attempt());
        if (known.isPresent() && !known.get().taskArn().equals(vanished.taskArn())) {
            return Transition.stale(record, "the record follows task " + known.get().taskArn() + " of attempt "
                    + record.attempt());
        }
        String what = vanished.taskArn() == null
                ? "attempt " + record.attempt() + " has no task: ECS lists none started for it"
                : "task " + vanished.taskArn() + " vanished: ECS no longer knows it and no event said how it ended";
        if (vanished.outputsWritten()) {
            return Transition.changed(record, Moves.ended(record, JobState.FAILED, now).reason(what
                    + "; its stage-out wrote outputs, so it ran to its end but its outcome is unknown; it is not run "
                    + "again unasked (conveyor retry runs it again)").stderrTail(null).build(), List.of(), List.of());
        }
        int interruption = record.interruptions() + 1;
        if (record.interruptions() < JobLifecycle.MAX_INTERRUPTIONS) {
            Transition requeued = Moves.requeued(record, record.attempt(), what + "; no output was written; queued "
                    + "again, not counted as an attempt (interruption " + interruption + " of "
                    + JobLifecycle.MAX_INTERRUPTIONS + " allowed)");
            return Transition.changed(record, requeued.after().toBuilder().interruptions(interruption).build(), List.of(),
                    requeued.effects());
        }
        return Transition.changed(record, Moves.ended(record, JobState.FAILED, now).reason(what
                + "; its outcome is unknown; the job was interrupted " + interruption + " times").stderrTail(null)
                .build(), List.of(), List.of());
    }

    /**
     * A task that has not stopped but runs for nothing is stopped; the record stays as it is. It runs
     * for nothing when the job is over (cancelled while its start was under way, so that nobody knew
     * the task yet; or ended by another task), when the job moved to a later attempt, or when it is a
     * second task of the attempt the record follows. A local process ({@code task} null) stops itself.
     * Older news of a task the record saw (a lower version, or after its STOPPED) stays stale.
     */
    private static Transition orphanedOrStale(JobRecord record, int attempt, TaskRun task, String past) {
        if (task == null) {
            return Transition.stale(record, past);
        }
        Optional<TaskRun> known = record.task(attempt);
        boolean sameTask = known.map(k -> k.taskArn().equals(task.taskArn())).orElse(false);
        if (sameTask && (isStopped(known) || known.get().version() >= task.version())) {
            return Transition.stale(record, past);
        }
        boolean orphan = record.state().terminal() || attempt < record.attempt()
                || (attempt == record.attempt() && known.isPresent() && !sameTask);
        if (!orphan) {
            return Transition.stale(record, past);
        }
        String reason = record.state() == JobState.CANCELLED && record.reason() != null ? record.reason()
                : "this task of attempt " + attempt + " runs for nothing: " + past;
        return Transition.unchanged(record, past + "; its task is stopped",
                List.of(new Effect.StopTask(record.id(), attempt, reason, task.taskArn())));
    }

    /**
     * Why an event about {@code attempt} (and {@code task}, when ECS reported it) is older news than the
     * record, or {@code null} when it is about the attempt under way.
     */
    private static String pastNews(JobRecord record, int attempt, TaskRun task) {
        if (attempt < record.attempt()) {
            return "an earlier attempt's task (the job is at attempt " + record.attempt() + ")";
        }
        if (attempt > record.attempt()) {
            return "an attempt the record never started (it is at attempt " + record.attempt() + ")";
        }
        if (task != null && !isSameTask(record, task)) {
            return "a second task for attempt " + attempt + "; the record follows "
                    + record.task(attempt).map(TaskRun::taskArn).orElse("another");
        }
        if (record.state().terminal()) {
            return "the job is " + record.state();
        }
        if (task != null && record.task(attempt).map(known -> known.version() >= task.version()).orElse(false)) {
            return "version " + task.version() + " is not newer than " + record.task(attempt).get().version();
        }
        if (!Moves.isRunningAnAttempt(record)) {
            return "the job is " + record.state() + ", not running this attempt";
        }
        return null;
    }

    private static boolean isSameTask(JobRecord record, TaskRun task) {
        return record.task(task.attempt()).map(known -> known.taskArn().equals(task.taskArn())).orElse(true);
    }

    private static boolean isStopped(Optional<TaskRun> task) {
        return task.map(known -> "STOPPED".equals(known.lastStatus())).orElse(false);
    }
}
