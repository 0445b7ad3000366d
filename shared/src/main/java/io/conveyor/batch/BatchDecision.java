package io.conveyor.batch;

import io.conveyor.jobs.PipelinePlace;
import java.time.Instant;
import java.util.List;

/** What a driver is to do once the batch record {@link BatchLifecycle} returned is written. */
public sealed interface BatchDecision {

    /** Make the jobs a file became (create-if-absent: a repeated decision makes none twice). */
    record MakeMembers(String file, List<BatchEvent.Member> members) implements BatchDecision {
    }

    /** A file arrived after the batch ended: no job is made of it; the record keeps it under {@code late}. */
    record LateFile(BatchFile file, BatchRecord.State state) implements BatchDecision {
    }

    /** The batch is complete with these files. */
    record Completed(List<String> files) implements BatchDecision {
    }

    /** The batch failed, and why. */
    record Failed(String reason) implements BatchDecision {
    }

    /**
     * Make the gather job of a step: its place in the pipeline run, its id (from that place alone, so two
     * makers make one), and the member jobs whose outputs it takes (those skipped named).
     */
    record MakeGather(String step, PipelinePlace place, String jobId, List<String> taken, List<String> skipped)
            implements BatchDecision {
    }

    /** A gather step will not run in this batch: which member failed it, and why. */
    record GatherFailed(String step, String member, String reason) implements BatchDecision {
    }

    /** Apply a {@link BatchEvent.Tick} at this instant (a quiet period or the deadline ends then). */
    record LookAgain(Instant at) implements BatchDecision {
    }
}
