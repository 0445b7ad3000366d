package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobId;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineJobsTest {

    private static final BatchRule RULE = new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
            BatchRule.MemberFailure.FAIL);
    private static final PipelineJobs.Algorithms KNOWN = name -> Optional.of(
            new NewJob.AlgorithmRevision(name, "rev-" + name, 3));
    private static final NewJob.JobInput INPUT = new NewJob.JobInput("inbox/p/b1/a.txt", "sha256:aa");

    private static Step step(String name, String algorithm, StepInput input, FanOut fanOut, Map<String, String> fixed) {
        return new Step(name, algorithm, input, fanOut, fixed);
    }

    private static Pipeline pipeline(Step... steps) {
        return new Pipeline("p", "pipe-rev", null, List.of(steps), RULE);
    }

    @Test
    void of_noFanOut_oneJobAtItsPlaceWithTheStepsParameters() {
        // Given a first step with fixed parameter values
        Step first = step("sort", "sorter", new StepInput.BatchFiles(), null, Map.of("order", "asc"));
        Pipeline pipeline = pipeline(first);

        // When the batch's file becomes its jobs
        List<PipelineJobs.Made> made = PipelineJobs.of(pipeline, first, "b1", INPUT, null, KNOWN);

        // Then one job, runnable, at its place, with the algorithm's revision and attempts
        assertThat(made).hasSize(1);
        NewJob job = made.get(0).job();
        assertThat(made.get(0).rejection()).isNull();
        assertThat(job.place()).isEqualTo(new PipelinePlace("p", "pipe-rev", "b1", "sort", Map.of("order", "asc")));
        assertThat(job.algorithm()).isEqualTo(new NewJob.AlgorithmRevision("sorter", "rev-sorter", 3));
        assertThat(job.parent()).isNull();
        assertThat(job.id()).isEqualTo(JobId.of("inbox/p/b1/a.txt", "sha256:aa", "sorter", "rev-sorter", job.place()))
                .isNotEqualTo(JobId.of("inbox/p/b1/a.txt", "sha256:aa", "sorter", "rev-sorter"));
    }

    @Test
    void of_parameterSets_oneJobPerSetWithDistinctIdsAndSetValuesWinning() {
        // Given a step fanned out over three sets, one of which overrides a fixed value
        Step fan = step("fit", "fitter", new StepInput.BatchFiles(), new FanOut.ParameterSets(List.of(
                Map.of("k", "1"), Map.of("k", "2"), Map.of("k", "3", "mode", "slow"))), Map.of("mode", "fast"));

        // When the file becomes its jobs
        List<PipelineJobs.Made> made = PipelineJobs.of(pipeline(fan), fan, "b1", INPUT, null, KNOWN);

        // Then three jobs with three ids, each with its own set over the step's values
        assertThat(made).extracting(m -> m.job().place().parameters()).containsExactly(
                Map.of("k", "1", "mode", "fast"), Map.of("k", "2", "mode", "fast"), Map.of("k", "3", "mode", "slow"));
        assertThat(made).extracting(m -> m.job().id()).doesNotHaveDuplicates();
        assertThat(made).extracting(PipelineJobs.Made::rejection).containsOnlyNulls();
    }

    @Test
    void of_equalParameterSets_oneJob() {
        // Given a fan-out listing the same set twice
        Step fan = step("fit", "fitter", new StepInput.BatchFiles(), new FanOut.ParameterSets(List.of(
                Map.of("k", "1"), Map.of("k", "1"))), null);

        // When / Then: one id, one job
        assertThat(PipelineJobs.of(pipeline(fan), fan, "b1", INPUT, null, KNOWN)).hasSize(1);
    }

    @Test
    void of_sameInputTwoBatchesOrSteps_distinctIds() {
        // Given two steps running the same algorithm on the same file
        Step a = step("a", "same", new StepInput.BatchFiles(), null, null);
        Step b = step("b", "same", new StepInput.BatchFiles(), null, null);
        Pipeline pipeline = pipeline(a, b);

        // When each makes its job, and a makes one for another batch
        String inA = PipelineJobs.of(pipeline, a, "b1", INPUT, null, KNOWN).get(0).job().id();
        String inB = PipelineJobs.of(pipeline, b, "b1", INPUT, null, KNOWN).get(0).job().id();
        String otherBatch = PipelineJobs.of(pipeline, a, "b2", INPUT, null, KNOWN).get(0).job().id();

        // Then three jobs
        assertThat(List.of(inA, inB, otherBatch)).doesNotHaveDuplicates();
    }

    @Test
    void of_unknownAlgorithm_jobRefusedNamingPipelineStepAndAlgorithm() {
        // Given a step whose algorithm nobody registered
        Step first = step("sort", "ghost", new StepInput.BatchFiles(), null, null);

        // When its job is made
        List<PipelineJobs.Made> made = PipelineJobs.of(pipeline(first), first, "b1", INPUT, null, name -> Optional.empty());

        // Then it is made, refused, with a revision saying there is none
        assertThat(made).singleElement().satisfies(m -> {
            assertThat(m.rejection()).isEqualTo("pipeline p, step sort: unknown algorithm 'ghost'");
            assertThat(m.job().algorithm().revision()).isEqualTo(PipelineJobs.UNKNOWN_REVISION);
        });
    }

    @Test
    void of_archiveOrListedFanOut_refusedNotDropped() {
        // Given steps fanning out over archive members and over a listed prefix
        Step archive = step("unzip", "u", new StepInput.BatchFiles(), new FanOut.ArchiveMembers(), null);
        Step listed = step("list", "u", new StepInput.BatchFiles(), new FanOut.ListedPrefix(), null);
        Pipeline pipeline = pipeline(archive, listed);

        // When / Then: each input is one refused job saying why
        assertThat(PipelineJobs.of(pipeline, archive, "b1", INPUT, null, KNOWN)).singleElement()
                .extracting(PipelineJobs.Made::rejection).asString().contains("step unzip", "archive members");
        assertThat(PipelineJobs.of(pipeline, listed, "b1", INPUT, null, KNOWN)).singleElement()
                .extracting(PipelineJobs.Made::rejection).asString().contains("step list", "listed prefix");
    }

    @Test
    void of_gatherStep_refusedAsAProgrammingError() {
        // Given a gather step
        Step first = step("a", "x", new StepInput.BatchFiles(), null, null);
        Step gather = step("all", "x", new StepInput.GatherOf("a"), null, null);

        // When / Then
        assertThatThrownBy(() -> PipelineJobs.of(pipeline(first, gather), gather, "b1", INPUT, null, KNOWN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gathers");
    }

    @Test
    void next_perOutputStepsGetEachOutputGatherStepsNone() {
        // Given a -> b (per output, fanned out over two sets), a -> c (gather)
        Step a = step("a", "x", new StepInput.BatchFiles(), null, null);
        Step b = step("b", "y", new StepInput.OutputsOf("a"), new FanOut.ParameterSets(List.of(Map.of("n", "1"),
                Map.of("n", "2"))), null);
        Step c = step("c", "z", new StepInput.GatherOf("a"), null, null);
        Pipeline pipeline = pipeline(a, b, c);
        PipelinePlace parent = new PipelinePlace("p", "pipe-rev", "b1", "a", Map.of());

        // When a's job succeeded with two output files
        List<PipelineJobs.Made> made = PipelineJobs.next(pipeline, "job-parent", parent, List.of(
                new NewJob.JobInput("out/1", "sha256:1"), new NewJob.JobInput("out/2", "sha256:2")), KNOWN);

        // Then b has a job per output and set, children of a's job in the same batch; c none
        assertThat(made).hasSize(4).allSatisfy(m -> {
            assertThat(m.job().parent()).isEqualTo("job-parent");
            assertThat(m.job().place().step()).isEqualTo("b");
            assertThat(m.job().place().batch()).isEqualTo("b1");
        });
        assertThat(made).extracting(m -> m.job().input().location() + " " + m.job().place().parameters())
                .containsExactly("out/1 {n=1}", "out/1 {n=2}", "out/2 {n=1}", "out/2 {n=2}");
    }

    @Test
    void next_lastStep_nothing() {
        // Given a step nothing follows
        Step a = step("a", "x", new StepInput.BatchFiles(), null, null);

        // When / Then
        assertThat(PipelineJobs.next(pipeline(a), "job-1", new PipelinePlace("p", "pipe-rev", "b1", "a", null),
                List.of(new NewJob.JobInput("out/1", "sha256:1")), KNOWN)).isEmpty();
    }

    @Test
    void of_archiveMembersUnpacked_oneJobPerMemberAtTheStepsPlace() {
        // Given a step fanning out over members, and a driver that unpacked two
        Step unzip = step("each", "x", new StepInput.BatchFiles(), new FanOut.ArchiveMembers(), Map.of("m", "1"));
        PipelineJobs.Members two = (place, archive) -> List.of(new NewJob.JobInput("m/1", "sha256:1"),
                new NewJob.JobInput("m/2", "sha256:2"));

        // When the archive becomes its jobs
        List<PipelineJobs.Made> made = PipelineJobs.of(pipeline(unzip), unzip, "b1", INPUT, "job-up", KNOWN, two);

        // Then one job per member, runnable, each with the step's place and the archive's parent
        assertThat(made).extracting(m -> m.job().input().location()).containsExactly("m/1", "m/2");
        assertThat(made).allSatisfy(m -> {
            assertThat(m.rejection()).isNull();
            assertThat(m.job().parent()).isEqualTo("job-up");
            assertThat(m.job().place()).isEqualTo(new PipelinePlace("p", "pipe-rev", "b1", "each", Map.of("m", "1")));
        });
        assertThat(made).extracting(m -> m.job().id()).doesNotHaveDuplicates();
    }

    @Test
    void of_archiveThatCannotBeUnpackedOrIsEmpty_theArchivesJobRefusedWithTheReason() {
        // Given a step fanning out over members
        Step unzip = step("each", "x", new StepInput.BatchFiles(), new FanOut.ArchiveMembers(), null);
        PipelineJobs.Members bad = (place, archive) -> {
            throw new PipelineJobs.UnpackException("member '../x' has '..' in its name");
        };

        // When / Then
        assertThat(PipelineJobs.of(pipeline(unzip), unzip, "b1", INPUT, null, KNOWN, bad)).singleElement()
                .satisfies(m -> {
                    assertThat(m.job().input()).isEqualTo(INPUT);
                    assertThat(m.rejection()).isEqualTo("pipeline p, step each: member '../x' has '..' in its name");
                });
        assertThat(PipelineJobs.of(pipeline(unzip), unzip, "b1", INPUT, null, KNOWN, (place, archive) -> List.of()))
                .singleElement().extracting(PipelineJobs.Made::rejection).asString().endsWith("holds no member");
    }
}
