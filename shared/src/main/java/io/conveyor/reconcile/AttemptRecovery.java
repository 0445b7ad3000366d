package io.conveyor.reconcile;

import io.conveyor.jobs.Effect;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobQueue;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.TaskRun;
import io.conveyor.jobs.Transition;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.tasks.TaskStateChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's steps about records: attempts whose task stopped (or went) unseen, and jobs waiting to be
 * placed whose message may be lost. Every change goes through the one lifecycle, conditionally: a task found
 * is fed to task-events' own driver (the same translation of exit codes and stop reasons, the same chain),
 * a task gone is a {@link JobEvent.TaskVanished} written through {@link JobUpdates}, which reads a record
 * again when it changed meanwhile; so a pass racing task-events, or another pass, does nothing twice.
 */
final class AttemptRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptRecovery.class);

    /**
     * What the step about attempts under way did.
     *
     * @param moved the jobs it moved (their messages, if any, are sent: not to be sent again this pass)
     */
    record Resolved(int resolved, int vanished, List<String> moved, boolean stoppedEarly) {
    }

    /** What the step about waiting jobs did. */
    record Requeued(List<String> sent, boolean stoppedEarly) {
    }

    private final JobUpdates updates;
    private final JobQueue queue;
    private final AttemptTasks tasks;
    private final AttemptOutputs outputs;
    private final TaskEventDriver taskEvents;

    AttemptRecovery(JobUpdates updates, JobQueue queue, AttemptTasks tasks, AttemptOutputs outputs,
                    TaskEventDriver taskEvents) {
        this.updates = updates;
        this.queue = queue;
        this.tasks = tasks;
        this.outputs = outputs;
        this.taskEvents = taskEvents;
    }

    /** STARTING and RUNNING records older than the grace: their task looked up, and what it says applied. */
    Resolved resolve(ReconcileSettings settings, Instant now, BooleanSupplier pastDeadline) {
        Instant before = now.minus(settings.grace());
        List<JobRecord> known = new ArrayList<>();
        List<JobRecord> unknown = new ArrayList<>();
        boolean stoppedEarly = false;
        for (JobState state : List.of(JobState.STARTING, JobState.RUNNING)) {
            List<JobSummary> listed = updates.store().list(JobQuery.newest(settings.maxRecords()).withState(state));
            stoppedEarly |= listed.size() >= settings.maxRecords();
            for (JobSummary summary : listed) {
                if (!isBefore(summary.startedAt(), before)) {
                    continue;
                }
                Optional<JobRecord> record = updates.store().get(summary.id());
                if (record.isEmpty() || record.get().state() != state || record.get().attempt() < 1) {
                    continue;
                }
                (taskOf(record.get()).isPresent() ? known : unknown).add(record.get());
            }
        }
        int resolved = 0;
        int vanished = 0;
        List<String> moved = new ArrayList<>();
        AttemptTasks.Described described = tasks.describe(known.stream().map(r -> taskOf(r).orElseThrow()).toList());
        for (JobRecord record : known) {
            if (pastDeadline.getAsBoolean()) {
                return new Resolved(resolved, vanished, moved, true);
            }
            String arn = taskOf(record).orElseThrow();
            int counted = resolved + vanished;
            if (described.found().containsKey(arn)) {
                resolved += feed(record, List.of(described.found().get(arn)));
            } else if (described.missing().contains(arn)) {
                vanished += vanish(record, arn);
            }
            if (resolved + vanished > counted) {
                moved.add(record.id());
            }
        }
        for (JobRecord record : unknown) {
            if (pastDeadline.getAsBoolean()) {
                return new Resolved(resolved, vanished, moved, true);
            }
            List<TaskStateChange> started = tasks.startedFor(new JobTask(record.id(), record.attempt()));
            int counted = resolved + vanished;
            if (started.isEmpty()) {
                vanished += vanish(record, null);
            } else {
                resolved += feed(record, started);
            }
            if (resolved + vanished > counted) {
                moved.add(record.id());
            }
        }
        return new Resolved(resolved, vanished, moved, stoppedEarly);
    }

    /** QUEUED jobs older than the grace, and jobs WAITING longer than the waiting grace, sent to the jobs queue. */
    Requeued requeue(ReconcileState state, ReconcileSettings settings, Instant now, BooleanSupplier pastDeadline) {
        List<String> sent = new ArrayList<>();
        boolean stoppedEarly = false;
        for (JobSummary summary : updates.store().list(JobQuery.newest(settings.maxRecords()).withState(JobState.QUEUED))) {
            if (pastDeadline.getAsBoolean()) {
                stoppedEarly = true;
                break;
            }
            Instant lastMoved = latest(summary.queuedAt(), summary.startedAt());
            if (lastMoved.isBefore(now.minus(settings.grace())) && !state.sentRecently(summary.id(), now)) {
                sent.add(summary.id());
            }
        }
        for (JobSummary summary : updates.store().list(JobQuery.newest(settings.maxRecords())
                .withState(JobState.WAITING_FOR_CAPACITY))) {
            if (stoppedEarly || pastDeadline.getAsBoolean()) {
                stoppedEarly = true;
                break;
            }
            if (state.sentRecently(summary.id(), now)) {
                continue;
            }
            Optional<JobRecord> record = updates.store().get(summary.id());
            if (record.isPresent() && record.get().state() == JobState.WAITING_FOR_CAPACITY
                    && isBefore(Objects.requireNonNullElse(record.get().waitingSeenAt(), record.get().waitingSince()),
                    now.minus(settings.waitingGrace()))) {
                sent.add(summary.id());
            }
        }
        if (!sent.isEmpty()) {
            queue.submit(sent);
        }
        return new Requeued(sent, stoppedEarly);
    }

    /** Feeds what the scheduler says of an attempt's tasks to task-events' driver; 1 when it moved the record. */
    private int feed(JobRecord record, List<TaskStateChange> states) {
        int moved = 0;
        for (TaskStateChange change : states) {
            if (!"STOPPED".equals(change.lastStatus()) && record.state() != JobState.STARTING) {
                continue;  // a task still running for a RUNNING record: nothing the record lacks
            }
            TaskEventDriver.Outcome outcome = taskEvents.apply(change);
            LOG.info("outcome=task-resolved job={} attempt={} task={} lastStatus={} result={}", record.id(),
                    record.attempt(), change.taskArn(), change.lastStatus(), outcome);
            if (Set.of(TaskEventDriver.Outcome.STALE, TaskEventDriver.Outcome.UNCHANGED, TaskEventDriver.Outcome.OTHER_CLUSTER,
                    TaskEventDriver.Outcome.NOT_A_JOB, TaskEventDriver.Outcome.UNKNOWN_JOB).contains(outcome)) {
                continue;
            }
            moved = 1;
        }
        return moved;
    }

    /** Writes that the attempt's task is gone; 1 when it moved the record (queued again, or failed). */
    private int vanish(JobRecord record, String taskArn) {
        Instant started = record.startedAt() == null ? Instant.EPOCH : Instant.parse(record.startedAt());
        boolean written = record.output() != null && outputs.writtenSince(record.output(), started);
        Optional<Transition> applied = updates.apply(record.id(),
                new JobEvent.TaskVanished(record.attempt(), taskArn, written));
        if (applied.isEmpty() || !applied.get().changed()) {
            LOG.info("outcome=vanish-stale job={} attempt={} task={} reason=\"{}\"", record.id(), record.attempt(), taskArn,
                    applied.map(Transition::note).orElse("no record"));
            return 0;
        }
        Transition transition = applied.get();
        // Sent after the write: when the send fails, the job is QUEUED and the next pass sends it (requeue).
        transition.effect(Effect.Enqueue.class).ifPresent(enqueue -> queue.submit(enqueue.jobIds()));
        LOG.info("outcome=task-vanished job={} attempt={} task={} outputsWritten={} state={} reason=\"{}\"", record.id(),
                record.attempt(), taskArn, written, transition.after().state(), transition.after().reason());
        return 1;
    }

    private static Optional<String> taskOf(JobRecord record) {
        return record.task(record.attempt()).map(TaskRun::taskArn);
    }

    private static boolean isBefore(String time, Instant before) {
        return time != null && Instant.parse(time).isBefore(before);
    }

    private static Instant latest(String first, String second) {
        Instant a = first == null ? Instant.EPOCH : Instant.parse(first);
        Instant b = second == null ? Instant.EPOCH : Instant.parse(second);
        return a.isAfter(b) ? a : b;
    }
}
