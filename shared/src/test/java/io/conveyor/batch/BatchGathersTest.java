package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static io.conveyor.batch.BatchFixtures.failed;
import static io.conveyor.batch.BatchFixtures.file;
import static io.conveyor.batch.BatchFixtures.manifest;
import static io.conveyor.batch.BatchFixtures.pipeline;
import static io.conveyor.batch.BatchFixtures.run;
import static io.conveyor.batch.BatchFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchDecision.GatherFailed;
import io.conveyor.batch.BatchDecision.MakeGather;
import io.conveyor.batch.BatchEvent.Member;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a gather is decided, over which members, and what a failed member does to it. */
class BatchGathersTest {

    static final Instant NOW = T0.plusSeconds(600);

    static List<BatchEvent> withFailure() {
        return List.of(file("a.csv", 1), file("b.csv", 2), manifest(3, "a.csv", "b.csv"), succeeded("a.csv", 60),
                failed("b.csv", 70, "exit code 3 (attempt 2 of 2)"));
    }

    @Test
    void apply_memberFailedUnderFail_gatherFailsNamingTheMemberAndItsReason() {
        // Given onMemberFailure: fail
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.FAIL);

        // When one count job fails
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, withFailure(), NOW);

        // Then no gather is made, and the record says which member failed and why
        assertThat(run.all(MakeGather.class)).isEmpty();
        assertThat(run.all(GatherFailed.class)).containsExactly(new GatherFailed("sum", "job-count-b.csv",
                "job job-count-b.csv of step count FAILED: exit code 3 (attempt 2 of 2)"));
        BatchGather gather = run.record().gathers().get("sum");
        assertThat(gather.issued()).isFalse();
        assertThat(gather.failedMember()).isEqualTo("job-count-b.csv");
    }

    @Test
    void apply_memberFailedUnderSkip_gatherTakesTheSucceededAndNamesTheSkipped() {
        // Given onMemberFailure: skip
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.SKIP);

        // When one count job fails
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, withFailure(), NOW);

        // Then the gather takes the one that succeeded and names the one skipped
        assertThat(run.all(MakeGather.class)).singleElement().satisfies(gather -> {
            assertThat(gather.taken()).containsExactly("job-count-a.csv");
            assertThat(gather.skipped()).containsExactly("job-count-b.csv");
        });
        assertThat(run.record().gathers().get("sum").skipped()).containsExactly("job-count-b.csv");
    }

    @Test
    void apply_everyMemberFailedUnderSkip_gatherFailsWithNothingToTake() {
        // Given onMemberFailure: skip and both count jobs failing
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.SKIP);
        List<BatchEvent> events = List.of(file("a.csv", 1), file("b.csv", 2), manifest(3, "a.csv", "b.csv"),
                failed("a.csv", 60, "exit code 1"), failed("b.csv", 70, "exit code 1"));

        // When applied
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, events, NOW);

        // Then the gather fails: there is nothing to gather
        assertThat(run.all(GatherFailed.class)).singleElement().extracting(GatherFailed::reason)
                .isEqualTo("no job of step count succeeded in batch 2026-11-29 (2 failed)");
    }

    @Test
    void apply_memberStillRunning_gatherWaits() {
        // Given a complete batch with one count job still running
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, List.of(file("a.csv", 1), file("b.csv", 2),
                manifest(3, "a.csv", "b.csv"), succeeded("a.csv", 60)), NOW);

        // Then no gather is decided yet, and the running one is named for a reconciler
        assertThat(run.record().state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(run.record().gathers()).isEmpty();
        assertThat(run.record().unended()).containsEntry("count", List.of("job-count-b.csv"));
    }

    @Test
    void apply_successWithChildren_gatherWaitsForTheChildrenItTold() {
        // Given count → clean (per output) → sum (gather of clean)
        Pipeline pipeline = new Pipeline("counts", "rev-1", null, List.of(
                new Step("count", "wc", new StepInput.BatchFiles(), null, null),
                new Step("clean", "tidy", new StepInput.OutputsOf("count"), null, null),
                new Step("sum", "sum", new StepInput.GatherOf("clean"), null, null)),
                new BatchRule(Completion.MANIFEST, null, Duration.ofHours(1), MemberFailure.FAIL));
        BatchEvent countEnded = new BatchEvent.MemberEnded(new Member("count", "job-count-a.csv"),
                BatchMember.End.SUCCEEDED, null, T0.plusSeconds(60), List.of(new Member("clean", "job-clean-a")));

        // When the count job succeeds, telling its child in the same event
        BatchFixtures.Run counted = run(BatchFixtures.open(pipeline), pipeline, List.of(file("a.csv", 1),
                manifest(2, "a.csv"), countEnded), NOW);

        // Then the gather waits for the child; once the child ends, it takes the child's output
        assertThat(counted.record().gathers()).isEmpty();
        BatchChange cleaned = BatchLifecycle.apply(counted.record(), new BatchEvent.MemberEnded(
                new Member("clean", "job-clean-a"), BatchMember.End.SUCCEEDED, null, T0.plusSeconds(90), List.of()),
                pipeline, NOW);
        assertThat(cleaned.decisions(MakeGather.class)).singleElement()
                .satisfies(gather -> assertThat(gather.taken()).containsExactly("job-clean-a"));
        assertThat(cleaned.after().gathers().get("sum").decidedAt()).isEqualTo(T0.plusSeconds(90).toString());
    }

    @Test
    void apply_memberRetriedAfterItFailed_laterEndCountsWhateverTheOrder() {
        // Given a job told FAILED at 70s and SUCCEEDED (after a retry) at 200s
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, List.of(file("a.csv", 1)), NOW);

        // When the two ends are told in either order
        BatchRecord inOrder = run(run.record(), pipeline, List.of(failed("a.csv", 70, "x"), succeeded("a.csv", 200)),
                NOW).record();
        BatchRecord reversed = run(run.record(), pipeline, List.of(succeeded("a.csv", 200), failed("a.csv", 70, "x")),
                NOW).record();

        // Then the later end counts
        assertThat(inOrder.members("count").get("job-count-a.csv").end()).isEqualTo(BatchMember.End.SUCCEEDED);
        assertThat(reversed).isEqualTo(inOrder);
    }

    @Test
    void outstanding_gatherDecidedButItsJobNotEnded_isToBeMadeAgain() {
        // Given a gather decided whose job has not ended (its maker may have crashed before making it)
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, BatchLifecycleTest.inOrder(), NOW);

        // When a reconciler asks what is outstanding
        List<MakeGather> outstanding = BatchLifecycle.outstanding(run.record(), pipeline);

        // Then it is that same gather, with the same job id and place
        assertThat(outstanding).containsExactlyElementsOf(run.all(MakeGather.class));
    }

    @Test
    void apply_fileUploadedAgainWhileOpen_gatherTakesOnlyTheLaterVersionsJobsWhateverTheOrder() {
        // Given a.csv uploaded twice (v1 then v2), each version becoming its own count job, and a child of v1's
        Pipeline pipeline = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
        BatchEvent v1 = new BatchEvent.FileArrived(new BatchFile("a.csv", "v1", 17, BatchFixtures.sha("a.csv"),
                T0.plusSeconds(1).toString()), List.of(new Member("count", "job-a-v1")));
        BatchEvent v2 = new BatchEvent.FileArrived(new BatchFile("a.csv", "v2", 17, BatchFixtures.sha("a.csv"),
                T0.plusSeconds(2).toString()), List.of(new Member("count", "job-a-v2")));
        BatchEvent v1Failed = new BatchEvent.MemberEnded(new Member("count", "job-a-v1"), BatchMember.End.FAILED,
                "exit code 1", T0.plusSeconds(50), List.of());
        BatchEvent v2Done = new BatchEvent.MemberEnded(new Member("count", "job-a-v2"), BatchMember.End.SUCCEEDED,
                null, T0.plusSeconds(60), List.of());
        List<BatchEvent> inOrder = List.of(v1, v2, manifest(3, "a.csv"), v1Failed, v2Done);
        // (a job ends only after its file was recorded: drivers make it after that write)
        List<BatchEvent> versionsSwapped = List.of(v2, v1, manifest(3, "a.csv"), v2Done, v1Failed);
        List<BatchEvent> oldVersionLast = List.of(manifest(3, "a.csv"), v2, v2Done, v1, v1Failed);

        // When applied in each order
        BatchFixtures.Run run = run(BatchFixtures.open(pipeline), pipeline, inOrder, NOW);
        BatchFixtures.Run swapped = run(BatchFixtures.open(pipeline), pipeline, versionsSwapped, NOW);
        BatchFixtures.Run last = run(BatchFixtures.open(pipeline), pipeline, oldVersionLast, NOW);

        // Then v1's job is superseded: its failure fails nothing and the gather takes v2's job alone
        assertThat(run.record().members("count").get("job-a-v1").superseded()).isTrue();
        assertThat(run.all(MakeGather.class)).singleElement()
                .satisfies(gather -> assertThat(gather.taken()).containsExactly("job-a-v2"));
        assertThat(swapped.record()).isEqualTo(run.record());
        assertThat(last.record()).isEqualTo(run.record());
        // And v1 told after the batch ended is not late, and its job is not made
        assertThat(last.record().late()).isEmpty();
        assertThat(last.all(BatchDecision.MakeMembers.class)).extracting(BatchDecision.MakeMembers::members)
                .containsExactly(List.of(new Member("count", "job-a-v2")));
    }
}
