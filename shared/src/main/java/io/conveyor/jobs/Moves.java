package io.conveyor.jobs;

import java.time.Instant;
import java.util.List;

/** The rules every move of {@link JobLifecycle} shares: what a state keeps and what it clears. */
final class Moves {

    private Moves() {
    }

    /** Back to QUEUED at {@code attempt}: nothing of a running attempt is kept but its history. */
    static Transition requeued(JobRecord record, int attempt, String reason) {
        JobRecord after = record.toBuilder().state(JobState.QUEUED).attempt(attempt).reason(reason).process(null, null)
                .placedOn(null).waitingSince(null).endedAt(null).build();
        return Transition.changed(record, after, List.of(), List.of(new Effect.Enqueue(List.of(record.id()))));
    }

    /** Into a state where no process runs; a terminal one ends the job now. */
    static JobRecord.Builder ended(JobRecord record, JobState state, Instant now) {
        return record.toBuilder().state(state).process(null, null).waitingSince(null)
                .endedAt(state.terminal() ? now.toString() : null);
    }

    static boolean isBeforeItsRun(JobRecord record) {
        return record.state() == JobState.QUEUED || record.state() == JobState.WAITING_FOR_CAPACITY
                || record.state() == JobState.STARTING;
    }

    static boolean isRunningAnAttempt(JobRecord record) {
        return record.state() == JobState.STARTING || record.state() == JobState.RUNNING;
    }
}
