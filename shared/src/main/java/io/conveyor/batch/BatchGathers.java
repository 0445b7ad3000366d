package io.conveyor.batch;

import io.conveyor.batch.BatchRecord.State;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When a gather step of a COMPLETE batch is decided, and how: once every job of the gathered step and of
 * every step upstream of it in this batch has ended (and every gather among them was decided). A failed or
 * cancelled member fails the gather ({@code onMemberFailure: fail}, naming the first by step and id) or is
 * skipped ({@code skip}, named). The gather job is recorded as a member of its own step, so a gather of a
 * gather waits for it.
 */
final class BatchGathers {

    private BatchGathers() {
    }

    static void decide(BatchRecord.Builder batch, Pipeline pipeline, List<BatchDecision> decisions) {
        if (batch.state != State.COMPLETE) {
            return;
        }
        // In the order written, so a gather of a gather finds the first one decided in the same pass.
        for (Step step : pipeline.steps()) {
            if (step.gathers() && !batch.gathers.containsKey(step.name())) {
                decideOne(batch, pipeline, step, decisions);
            }
        }
    }

    private static void decideOne(BatchRecord.Builder batch, Pipeline pipeline, Step gather, List<BatchDecision> decisions) {
        String gathered = gather.input().upstream();
        List<String> chain = upstream(pipeline, gathered);
        Instant decidedAt = Instant.parse(batch.endedAt);
        List<BatchMember> failed = new ArrayList<>();
        List<String> failedSteps = new ArrayList<>();
        for (String step : chain) {
            BatchGather earlier = batch.gathers.get(step);
            if (pipeline.step(step).map(Step::gathers).orElse(false) && earlier == null) {
                return;
            }
            for (BatchMember member : batch.members(step).values()) {
                if (member.superseded()) {
                    continue;
                }
                if (!member.ended()) {
                    return;
                }
                Instant ended = Instant.parse(member.endedAt());
                decidedAt = ended.isAfter(decidedAt) ? ended : decidedAt;
                if (member.end() != BatchMember.End.SUCCEEDED) {
                    failed.add(member);
                    failedSteps.add(step);
                }
            }
        }
        List<String> taken = batch.members(gathered).values().stream()
                .filter(m -> !m.superseded() && m.end() == BatchMember.End.SUCCEEDED).map(BatchMember::jobId).toList();
        String at = decidedAt.toString();
        if (!failed.isEmpty() && pipeline.batches().onMemberFailure() == MemberFailure.FAIL) {
            BatchMember first = failed.getFirst();
            String reason = "job " + first.jobId() + " of step " + failedSteps.getFirst() + " " + first.end()
                    + (first.reason() == null ? "" : ": " + first.reason());
            fail(batch, gather, first.jobId(), reason, at, decisions);
        } else if (taken.isEmpty()) {
            fail(batch, gather, null, "no job of step " + gathered + " succeeded in batch " + batch.batch
                    + (failed.isEmpty() ? "" : " (" + failed.size() + " failed)"), at, decisions);
        } else {
            PipelinePlace place = place(batch.pipeline, batch.revision, batch.batch, gather);
            String jobId = JobId.ofGather(place);
            List<String> skipped = failed.stream().map(BatchMember::jobId).toList();
            batch.gathers.put(gather.name(), new BatchGather(jobId, taken, skipped, null, null, at));
            batch.members(gather.name()).putIfAbsent(jobId, BatchMember.added(jobId));
            decisions.add(new BatchDecision.MakeGather(gather.name(), place, jobId, taken, skipped));
        }
    }

    private static void fail(BatchRecord.Builder batch, Step gather, String member, String reason, String at,
                             List<BatchDecision> decisions) {
        batch.gathers.put(gather.name(), new BatchGather(null, List.of(), List.of(), member, reason, at));
        decisions.add(new BatchDecision.GatherFailed(gather.name(), member, reason));
    }

    /** The gathered step and every step upstream of it, nearest first. */
    private static List<String> upstream(Pipeline pipeline, String step) {
        List<String> chain = new ArrayList<>();
        for (String at = step; at != null && !chain.contains(at);
             at = pipeline.step(at).map(s -> s.input().upstream()).orElse(null)) {
            chain.add(at);
        }
        return chain;
    }

    /** A gather job's place: the batch's pipeline at the revision it opened with, its batch, the gather step. */
    static PipelinePlace place(String pipeline, String revision, String batch, Step gather) {
        return new PipelinePlace(pipeline, revision, batch, gather.name(), gather.parameters());
    }

    static List<BatchDecision.MakeGather> outstanding(BatchRecord record, Pipeline pipeline) {
        List<BatchDecision.MakeGather> outstanding = new ArrayList<>();
        for (Map.Entry<String, BatchGather> entry : record.gathers().entrySet()) {
            BatchGather gather = entry.getValue();
            BatchMember job = gather.issued() ? record.members(entry.getKey()).get(gather.jobId()) : null;
            Step step = pipeline.step(entry.getKey()).orElse(null);
            if (job != null && !job.ended() && step != null) {
                outstanding.add(new BatchDecision.MakeGather(entry.getKey(),
                        place(record.pipeline(), record.revision(), record.batch(), step), gather.jobId(),
                        gather.taken(), gather.skipped()));
            }
        }
        return outstanding;
    }
}
