package io.conveyor.jobs;

import io.conveyor.jobs.JobEvent.AttemptEnded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one job lifecycle: what every event does to a job's record, on AWS and in the local mode
 * alike. A pure function, {@code (record, event) → (record, effects)}: no I/O, no clock of its own.
 * Dispatch, task-events, the reconciler and the local mode are drivers that read records, turn what they see into
 * {@link JobEvent}s, write what this decides (conditionally) and carry out its {@link Effect}s.
 *
 * <p>Events arrive late, twice and out of order, so an event about an attempt changes the record
 * only when it is about the current attempt, newer (ECS's task {@code version}) than what the record
 * holds, and the job is not over: a late RUNNING never overwrites SUCCEEDED; a late stop of attempt
 * 1 never touches attempt 2. Such an event is {@link Transition.Kind#STALE}, never an error.
 *
 * <p>Attempts count against {@code maxAttempts} when the algorithm ran (or should have) and failed;
 * a start that never happened or was refused for now, a run lost with its instance (up to
 * {@link #MAX_INTERRUPTIONS}) and a run whose runner crashed do not count.
 */
public final class JobLifecycle {

    /** How often a job may lose its instance before it fails: a machine that keeps vanishing is a fault. */
    public static final int MAX_INTERRUPTIONS = 3;
    /** How a rejection reads in the record. */
    public static final String REJECTED = "rejected: ";
    /**
     * How often a job waiting for capacity has its record say it still waits, as its message comes back
     * (at most every 5 minutes, {@code CapacityRequests}): a waiting record silent for much longer has lost its
     * message. One write per job per 10 minutes of waiting.
     */
    public static final java.time.Duration WAITING_SEEN_EVERY = java.time.Duration.ofMinutes(10);

    private JobLifecycle() {
    }

    /** A new job's record, QUEUED, before anything happened to it. */
    public static JobRecord admit(NewJob job, Instant now) {
        return new JobRecord.Builder(job.id(), job.algorithm().name(), JobState.QUEUED)
                .revision(job.algorithm().revision())
                .input(job.input().location(), job.input().version())
                .parent(job.parent())
                .maxAttempts(job.algorithm().maxAttempts())
                .output(job.output())
                .pipeline(job.place())
                .queuedAt(now.toString())
                .build();
    }

    /**
     * A new job, as {@code events} leave it (none: QUEUED, to be placed; a rejection: FAILED; a
     * placement: STARTING). The transition always changes something: the record is new.
     *
     * @throws IllegalArgumentException when an event cannot happen to a new job
     */
    public static Transition admit(NewJob job, List<JobEvent> events, Instant now) {
        return admit(job, now, events, java.util.Collections.nCopies(events.size(), now));
    }

    /**
     * As {@link #admit(NewJob, List, Instant)}, the job admitted at {@code admittedAt} and each event taken at its own
     * instant ({@code at}, in step with {@code events}): what happened apart, written as one record.
     */
    public static Transition admit(NewJob job, Instant admittedAt, List<JobEvent> events, List<Instant> at) {
        JobRecord admitted = admit(job, admittedAt);
        Transition transition = apply(admitted, events, at);
        if (transition.kind() == Transition.Kind.STALE) {
            throw new IllegalArgumentException(job.id() + ": a new job cannot take " + events + ": " + transition.note());
        }
        List<Effect> effects = new ArrayList<>(transition.effects());
        if (transition.after().state() == JobState.QUEUED) {
            effects.add(new Effect.Enqueue(List.of(admitted.id())));
        }
        return new Transition(admitted, transition.after(), Transition.Kind.CHANGED, transition.creates(), effects, null);
    }

    /** What {@code event} does to {@code record} at {@code now}. */
    public static Transition apply(JobRecord record, JobEvent event, Instant now) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(now, "now");
        Transition transition = switch (event) {
            case JobEvent.Rejected rejected -> reject(record, rejected, now);
            case JobEvent.WaitingForCapacity waiting -> waitForCapacity(record, waiting, now);
            case JobEvent.StartRequested start -> start(record, start, now);
            case JobEvent.StartRefused refused -> refuse(record, refused, now);
            case JobEvent.StartInDoubt doubt -> doubt(record, doubt, now);
            case JobEvent.TaskPending pending -> AttemptTransitions.pending(record, pending);
            case JobEvent.TaskRunning running -> AttemptTransitions.run(record, running);
            case AttemptEnded ended -> AttemptTransitions.end(record, ended, now);
            case JobEvent.CancelRequested cancel -> cancel(record, cancel, now);
            case JobEvent.RetryRequested retry -> retry(record, retry);
            case JobEvent.ResumedAfterCrash resumed -> resume(record, resumed);
            case JobEvent.Abandoned abandoned -> abandon(record, abandoned, now);
            case JobEvent.TaskVanished vanished -> AttemptTransitions.vanish(record, vanished, now);
        };
        JobState from = record.state();
        JobState to = transition.after().state();
        if (from != to && !from.canMoveTo(to)) {
            throw new IllegalStateException(record.id() + ": " + event.getClass().getSimpleName() + " would move it from "
                    + from + " to " + to);
        }
        return transition;
    }

    /** Applies events one after another (e.g. a start in doubt, then a new start), as one transition. */
    public static Transition apply(JobRecord record, List<JobEvent> events, Instant now) {
        return apply(record, events, java.util.Collections.nCopies(events.size(), now));
    }

    /**
     * As {@link #apply(JobRecord, List, Instant)}, each event at its own instant ({@code at}, in step with
     * {@code events}): events that happened apart, written together, keep their times.
     */
    public static Transition apply(JobRecord record, List<JobEvent> events, List<Instant> at) {
        if (events.size() != at.size()) {
            throw new IllegalArgumentException(events.size() + " events but " + at.size() + " instants");
        }
        Transition combined = Transition.unchanged(record, "no event", List.of());
        List<JobRecord> creates = new ArrayList<>();
        List<Effect> effects = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < events.size(); i++) {
            Transition step = apply(combined.after(), events.get(i), at.get(i));
            if (step.kind() == Transition.Kind.STALE) {
                return changed ? new Transition(record, step.after(), Transition.Kind.CHANGED, creates, effects, null)
                        : new Transition(record, record, Transition.Kind.STALE, List.of(), List.of(), step.note());
            }
            creates.addAll(step.creates());
            effects.addAll(step.effects());
            changed |= step.changed();
            combined = step;
        }
        JobState last = combined.after().state();
        if (last != JobState.QUEUED && last != JobState.WAITING_FOR_CAPACITY) {
            // A step that queued the job again was overtaken by a later one (a new start, a rejection).
            effects.removeIf(effect -> effect instanceof Effect.Enqueue enqueue
                    && enqueue.jobIds().equals(List.of(record.id())));
        }
        return new Transition(record, combined.after(), changed ? Transition.Kind.CHANGED : combined.kind(), creates,
                effects, changed ? null : combined.note());
    }

    // ------------------------------------------------------------------ admission and placement

    private static Transition reject(JobRecord record, JobEvent.Rejected rejected, Instant now) {
        if (!Moves.isBeforeItsRun(record)) {
            return Transition.stale(record, "the job is " + record.state() + ": too late to reject it");
        }
        // A job nothing ran for has no output; one whose earlier attempts ran keeps where theirs lies.
        JobRecord after = Moves.ended(record, JobState.FAILED, now).reason(REJECTED + rejected.reason()).exitCode(null)
                .stderrTail(null).outputs(List.of()).output(record.attempt() > 0 ? record.output() : null).build();
        return Transition.changed(record, after, List.of(), List.of());
    }

    private static Transition waitForCapacity(JobRecord record, JobEvent.WaitingForCapacity waiting, Instant now) {
        return switch (record.state()) {
            case QUEUED -> Transition.changed(record, record.toBuilder().state(JobState.WAITING_FOR_CAPACITY)
                    .reason(waiting.reason()).waitingSince(record.waitingSince() != null ? record.waitingSince()
                            : now.toString()).placedOn(null).process(null, null).endedAt(null).build(), List.of(),
                    List.of());
            case WAITING_FOR_CAPACITY -> waitedLong(record, now)
                    ? Transition.changed(record, record.toBuilder().waitingSeenAt(now.toString()).build(), List.of(), List.of())
                    : Transition.unchanged(record, "waiting already, since " + record.waitingSince(), List.of());
            default -> Transition.stale(record, "the job is " + record.state() + ", not waiting to be placed");
        };
    }

    /** Whether a waiting job's record last said so {@link #WAITING_SEEN_EVERY} ago or more: then it says so again. */
    private static boolean waitedLong(JobRecord record, Instant now) {
        String seen = record.waitingSeenAt() != null ? record.waitingSeenAt() : record.waitingSince();
        return seen == null || !Instant.parse(seen).plus(WAITING_SEEN_EVERY).isAfter(now);
    }

    private static Transition start(JobRecord record, JobEvent.StartRequested start, Instant now) {
        if (record.state() != JobState.QUEUED && record.state() != JobState.WAITING_FOR_CAPACITY) {
            return Transition.stale(record, "the job is " + record.state() + " (attempt " + record.attempt()
                    + "), not waiting to start");
        }
        int attempt = record.attempt() + 1;
        JobRecord.Builder builder = record.toBuilder().state(JobState.STARTING).attempt(attempt)
                .startedAt(now.toString()).placedOn(start.placedOn()).exitCode(null).reason(null).process(null, null)
                .endedAt(null).waitingSince(null);
        if (start.host() != null) {
            builder.placement(start.host().forAttempt(attempt));
        }
        JobRecord after = builder.build();
        return Transition.changed(record, after, List.of(),
                List.of(new Effect.StartTask(record.id(), attempt, start.placedOn())));
    }

    private static Transition refuse(JobRecord record, JobEvent.StartRefused refused, Instant now) {
        if (record.state() != JobState.STARTING) {
            return Transition.stale(record, "the job is " + record.state() + ", not starting");
        }
        if (refused.retriable()) {
            // Not counted: nothing of the algorithm ran, and the next start takes this attempt's number.
            return Moves.requeued(record, record.attempt() - 1, "start refused, tried again: " + refused.reason());
        }
        JobRecord after = Moves.ended(record, JobState.FAILED, now).reason(refused.reason()).exitCode(null).stderrTail(null)
                .outputs(List.of()).build();
        return Transition.changed(record, after, List.of(), List.of());
    }

    private static Transition doubt(JobRecord record, JobEvent.StartInDoubt doubt, Instant now) {
        if (record.state() != JobState.STARTING) {
            return Transition.stale(record, "the job is " + record.state() + ", not starting");
        }
        if (doubt.taskExists()) {
            return Transition.unchanged(record, "its task exists", List.of());
        }
        Instant since = record.startedAt() == null ? Instant.EPOCH : Instant.parse(record.startedAt());
        Instant until = since.plus(doubt.grace());
        if (until.isAfter(now)) {
            return Transition.unchanged(record, "its start may still be under way", List.of(new Effect.LookAgain(until)));
        }
        return Moves.requeued(record, record.attempt() - 1, "its start never happened");
    }

    // ------------------------------------------------------------------ by hand, and crashes

    private static Transition cancel(JobRecord record, JobEvent.CancelRequested cancel, Instant now) {
        if (record.state().terminal()) {
            return Transition.unchanged(record, "the job is " + record.state() + " already", List.of());
        }
        JobRecord after = Moves.ended(record, JobState.CANCELLED, now).reason(cancel.reason()).build();
        List<Effect> effects = Moves.isRunningAnAttempt(record)
                ? List.of(new Effect.StopTask(record.id(), record.attempt(), cancel.reason())) : List.of();
        return Transition.changed(record, after, List.of(), effects);
    }

    private static Transition retry(JobRecord record, JobEvent.RetryRequested retry) {
        boolean again = record.state() == JobState.FAILED || record.state() == JobState.CANCELLED
                || (record.state() == JobState.SUCCEEDED && retry.force());
        if (!again) {
            return Transition.unchanged(record, record.state() == JobState.SUCCEEDED
                    ? "the job SUCCEEDED: only a forced retry runs it again"
                    : "only a finished job runs again; this one is " + record.state(), List.of());
        }
        JobRecord after = record.toBuilder().state(JobState.QUEUED).maxAttempts(record.countedAttempts()
                + retry.attempts()).revision(retry.revision() == null ? record.revision() : retry.revision())
                .reason(retry.reason()).endedAt(null).placedOn(null).waitingSince(null)
                .pinnedTaskDefinition(retry.pinnedTaskDefinition()).build();
        return Transition.changed(record, after, List.of(), List.of(new Effect.Enqueue(List.of(record.id()))));
    }

    private static Transition resume(JobRecord record, JobEvent.ResumedAfterCrash resumed) {
        if (record.state().terminal()) {
            return Transition.stale(record, "the job is " + record.state());
        }
        if (!Moves.isRunningAnAttempt(record)) {
            return Transition.unchanged(record, "not running: it waits to be placed",
                    List.of(new Effect.Enqueue(List.of(record.id()))));
        }
        Transition requeued = Moves.requeued(record, Math.max(0, record.attempt() - 1), resumed.reason());
        List<Effect> effects = new ArrayList<>();
        effects.add(new Effect.StopTask(record.id(), record.attempt(), resumed.reason()));
        effects.addAll(requeued.effects());
        return Transition.changed(record, requeued.after(), List.of(), effects);
    }

    private static Transition abandon(JobRecord record, JobEvent.Abandoned abandoned, Instant now) {
        if (record.state().terminal()) {
            return Transition.stale(record, "the job is " + record.state());
        }
        List<Effect> effects = Moves.isRunningAnAttempt(record)
                ? List.of(new Effect.StopTask(record.id(), record.attempt(), abandoned.reason())) : List.of();
        return Transition.changed(record, Moves.ended(record, JobState.FAILED, now).reason(abandoned.reason()).build(),
                List.of(), effects);
    }
}
