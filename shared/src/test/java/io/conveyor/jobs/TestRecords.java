package io.conveyor.jobs;

/**
 * What only tests do to records: give one the id an AWS-shaped event fixture names (a task's
 * {@code startedBy} in {@code events/}), where production ids always derive from input and algorithm.
 */
public final class TestRecords {

    private TestRecords() {
    }

    /** The same record under another id. */
    public static JobRecord withId(JobRecord r, String id) {
        return new JobRecord(id, r.algorithm(), r.revision(), r.input(), r.inputVersion(), r.parent(), r.state(),
                r.attempt(), r.maxAttempts(), r.exitCode(), r.reason(), r.stderrTail(), r.output(), r.pid(),
                r.processStart(), r.queuedAt(), r.startedAt(), r.endedAt(), r.outputs(), r.waitingSince(), r.placedOn(),
                r.tasks(), r.interruptions(), r.children(), r.outputChecksums(), r.writes(), r.pinnedTaskDefinition(),
                r.waitingSeenAt(), r.placements(), r.pipeline());
    }
}
