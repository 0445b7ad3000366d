package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static io.conveyor.batch.BatchFixtures.content;
import static io.conveyor.batch.BatchFixtures.sha;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.testing.InMemoryJobStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The carrier of batch decisions, with in-memory stores and fakes for the folder, the queue and the timer. */
class BatchDriverTest {

    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);
    private static final PipelineJobs.Algorithms ALGORITHMS = name -> Optional.of(
            new NewJob.AlgorithmRevision(name, "rev-of-" + name, 2));

    private final InMemoryBatchStore batchStore = new InMemoryBatchStore();
    private final InMemoryJobStore jobStore = new InMemoryJobStore();
    private final JobUpdates jobs = new JobUpdates(jobStore, CLOCK);
    private final List<String> journal = new ArrayList<>();
    private final List<List<String>> filled = new ArrayList<>();
    private final List<Instant> looks = new ArrayList<>();

    private final GatherFolders folders = (pipeline, batch, step, taken) -> {
        journal.add("fill " + step + " jobs-existing=" + jobStore.get(gatherId(pipeline(MemberFailure.FAIL))).isPresent());
        filled.add(taken.stream().map(JobRecord::id).toList());
        return "/outbox/batches/" + pipeline + "/" + batch + "/" + step + "/";
    };

    private BatchDriver driver(BatchStore store, PipelineJobs.Algorithms algorithms) {
        return new BatchDriver(new BatchUpdates(store, CLOCK), jobs, folders, algorithms,
                created -> journal.add("made " + created.after().id() + " batch-knows-it="
                        + knows(store, created.after().id())),
                (pipeline, batch, at) -> looks.add(at));
    }

    private static boolean knows(BatchStore store, String jobId) {
        return store.read("counts", BatchFixtures.BATCH).map(v -> v.record().steps().values().stream()
                .anyMatch(members -> members.containsKey(jobId))).orElse(false);
    }

    private static Pipeline pipeline(MemberFailure onFailure) {
        return BatchFixtures.pipeline(Completion.MANIFEST, onFailure);
    }

    private static String gatherId(Pipeline pipeline) {
        return io.conveyor.jobs.JobId.ofGather(new PipelinePlace(pipeline.name(), pipeline.revision(),
                BatchFixtures.BATCH, "sum", Map.of("mode", "total")));
    }

    /** The count job of a file, as a driver computes it. */
    private static BatchDriver.Pending countJob(Pipeline pipeline, String name) {
        NewJob job = NewJob.of(new NewJob.JobInput("/inbox/counts/" + BatchFixtures.BATCH + "/" + name, "v1"),
                new NewJob.AlgorithmRevision("wc", "rev-of-wc", 2)).withPlace(new PipelinePlace(pipeline.name(),
                pipeline.revision(), BatchFixtures.BATCH, "count", Map.of()));
        return new BatchDriver.Pending(job, List.of());
    }

    private static BatchEvent.FileArrived arrived(BatchDriver.Pending job, String name, int seconds) {
        return new BatchEvent.FileArrived(new BatchFile(name, "v1", content(name).length(), sha(name),
                T0.plusSeconds(seconds).toString()), List.of(job.member()));
    }

    private static BatchEvent.MemberEnded ended(BatchDriver.Pending job, BatchMember.End end, String reason, int seconds) {
        return new BatchEvent.MemberEnded(job.member(), end, reason, T0.plusSeconds(seconds), List.of());
    }

    @Test
    void apply_fileArrived_createsItsJobsAfterTheBatchWroteThemAsMembers() {
        // Given a file of an open batch and the job it becomes
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");

        // When the driver applies its arrival
        driver(batchStore, ALGORITHMS).apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1)), List.of(a));

        // Then the job exists, QUEUED, and was handed on to be queued once the batch's record named it
        assertThat(jobStore.get(a.job().id())).map(JobRecord::state).contains(JobState.QUEUED);
        assertThat(journal).containsExactly("made " + a.job().id() + " batch-knows-it=true");
        // and the open batch asked to be looked at again on the way to its deadline (an hour away): within SQS's
        // longest delay
        assertThat(looks).containsExactly(CLOCK.instant().plusSeconds(BatchMessages.MAX_DELAY_SECONDS));
    }

    @Test
    void apply_lastMemberEnds_fillsTheFolderThenMakesTheGatherJobWithTheDecidedId() {
        // Given a complete batch of two files whose count jobs exist
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        BatchDriver.Pending b = countJob(pipeline, "b.txt");
        BatchDriver driver = driver(batchStore, ALGORITHMS);
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1), arrived(b, "b.txt", 2),
                BatchFixtures.manifest(3, "a.txt", "b.txt")), List.of(a, b));
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(ended(a, BatchMember.End.SUCCEEDED, null, 10)));
        journal.clear();

        // When the last member's end is applied
        BatchChange change = driver.apply(pipeline, BatchFixtures.BATCH,
                List.of(ended(b, BatchMember.End.SUCCEEDED, null, 11)));

        // Then the folder was filled with both members before the gather job was made, with the decided id
        String id = gatherId(pipeline);
        assertThat(change.decision(BatchDecision.MakeGather.class)).map(BatchDecision.MakeGather::jobId).contains(id);
        assertThat(journal).containsExactly("fill sum jobs-existing=false", "made " + id + " batch-knows-it=true");
        assertThat(filled).containsExactly(List.of(a.job().id(), b.job().id()).stream().sorted().toList());
        JobRecord gather = jobStore.get(id).orElseThrow();
        assertThat(gather.input()).isEqualTo("/outbox/batches/counts/" + BatchFixtures.BATCH + "/sum/");
        assertThat(gather.inputVersion()).isEqualTo(NewJob.GATHER_INPUT_VERSION);
        assertThat(gather.algorithm()).isEqualTo("sum");
        assertThat(gather.revision()).isEqualTo("rev-of-sum");
        assertThat(gather.pipeline().step()).isEqualTo("sum");
        assertThat(gather.state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void apply_gatherDecisionCarriedOutTwice_makesOneJobAndQueuesItOnce() {
        // Given two drivers whose batch records both decide the gather (byte-identical writers), one job store
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        List<BatchEvent> events = List.of(arrived(a, "a.txt", 1), BatchFixtures.manifest(3, "a.txt"),
                ended(a, BatchMember.End.SUCCEEDED, null, 10));
        driver(batchStore, ALGORITHMS).apply(pipeline, BatchFixtures.BATCH, events, List.of(a));
        journal.clear();

        // When the other driver carries out the same decision
        BatchChange again = driver(new InMemoryBatchStore(), ALGORITHMS).apply(pipeline, BatchFixtures.BATCH, events,
                List.of(a));

        // Then it decided the gather too, filled the folder again, and made no job twice
        assertThat(again.decisions(BatchDecision.MakeGather.class)).hasSize(1);
        assertThat(journal).containsExactly("fill sum jobs-existing=true");
        assertThat(jobStore.get(gatherId(pipeline))).isPresent();
    }

    @Test
    void apply_endRedelivered_changesNothingAndMakesNothing() {
        // Given a batch whose gather was made
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        BatchDriver driver = driver(batchStore, ALGORITHMS);
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1), BatchFixtures.manifest(3, "a.txt"),
                ended(a, BatchMember.End.SUCCEEDED, null, 10)), List.of(a));
        journal.clear();

        // When the member's end is told again
        BatchChange change = driver.apply(pipeline, BatchFixtures.BATCH,
                List.of(ended(a, BatchMember.End.SUCCEEDED, null, 10)));

        // Then nothing changed and nothing was filled or made
        assertThat(change.changed()).isFalse();
        assertThat(journal).isEmpty();
    }

    @Test
    void apply_memberFailedUnderFail_makesNoGatherAndTheRecordNamesTheMember() {
        // Given a complete batch of two files under onMemberFailure: fail
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        BatchDriver.Pending b = countJob(pipeline, "b.txt");
        BatchDriver driver = driver(batchStore, ALGORITHMS);
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1), arrived(b, "b.txt", 2),
                BatchFixtures.manifest(3, "a.txt", "b.txt")), List.of(a, b));
        journal.clear();

        // When one member fails and the other succeeds
        BatchChange change = driver.apply(pipeline, BatchFixtures.BATCH, List.of(
                ended(a, BatchMember.End.FAILED, "exit code 3", 10), ended(b, BatchMember.End.SUCCEEDED, null, 11)));

        // Then no folder and no gather job; the record says which member failed the gather
        assertThat(change.decision(BatchDecision.GatherFailed.class)).map(BatchDecision.GatherFailed::member)
                .contains(a.job().id());
        assertThat(journal).isEmpty();
        assertThat(jobStore.get(gatherId(pipeline))).isEmpty();
        assertThat(batchStore.read("counts", BatchFixtures.BATCH).orElseThrow().record().gathers().get("sum").toString())
                .contains(a.job().id());
    }

    @Test
    void apply_gatherOfAnUnknownAlgorithm_makesItFailedAndTellsTheBatchItEnded() {
        // Given a batch about to decide its gather, and no algorithm of the gather's name
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        PipelineJobs.Algorithms onlyWc = name -> name.equals("wc") ? ALGORITHMS.revision(name) : Optional.empty();

        // When its last member ends
        driver(batchStore, onlyWc).apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1),
                BatchFixtures.manifest(3, "a.txt"), ended(a, BatchMember.End.SUCCEEDED, null, 10)), List.of(a));

        // Then the gather job exists FAILED saying why, and the batch records its end
        JobRecord gather = jobStore.get(gatherId(pipeline)).orElseThrow();
        assertThat(gather.state()).isEqualTo(JobState.FAILED);
        assertThat(gather.reason()).contains("unknown algorithm 'sum'");
        BatchMember member = batchStore.read("counts", BatchFixtures.BATCH).orElseThrow().record().members("sum")
                .get(gather.id());
        assertThat(member.end()).isEqualTo(BatchMember.End.FAILED);
    }

    @Test
    void apply_firstStepJobRefusedAtCreation_isAMemberThatEnded() {
        // Given a file whose job is refused (its parameters cannot be given)
        Pipeline pipeline = pipeline(MemberFailure.SKIP);
        BatchDriver.Pending refused = new BatchDriver.Pending(countJob(pipeline, "a.txt").job(),
                List.of(new JobEvent.Rejected("needs parameter K")));

        // When its arrival is applied
        driver(batchStore, ALGORITHMS).apply(pipeline, BatchFixtures.BATCH, List.of(arrived(refused, "a.txt", 1)),
                List.of(refused));

        // Then the job is FAILED and the batch knows it ended, why
        assertThat(jobStore.get(refused.job().id())).map(JobRecord::state).contains(JobState.FAILED);
        BatchMember member = batchStore.read("counts", BatchFixtures.BATCH).orElseThrow().record().members("count")
                .get(refused.job().id());
        assertThat(member.end()).isEqualTo(BatchMember.End.FAILED);
        assertThat(member.reason()).contains("needs parameter K");
    }

    @Test
    void apply_gatherFillFailedOnce_theRedeliveredEndMakesIt() {
        // Given a complete batch of one file whose count job ran, and a gather folder that refuses its first fill
        Pipeline pipeline = pipeline(MemberFailure.FAIL);
        BatchDriver.Pending a = countJob(pipeline, "a.txt");
        int[] fills = {0};
        GatherFolders flaky = (p, batch, step, taken) -> {
            if (fills[0]++ == 0) {
                throw new IllegalStateException("S3 said 503");
            }
            return "/outbox/batches/" + p + "/" + batch + "/" + step + "/";
        };
        BatchDriver driver = new BatchDriver(new BatchUpdates(batchStore, CLOCK), jobs, flaky, ALGORITHMS,
                created -> journal.add("made " + created.after().id()), (p, batch, at) -> looks.add(at));
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(arrived(a, "a.txt", 1), BatchFixtures.manifest(3, "a.txt")),
                List.of(a));
        BatchEvent.MemberEnded end = ended(a, BatchMember.End.SUCCEEDED, null, 10);

        // When its end is applied, fails at the fill (the decision is written), and comes again
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> driver.apply(pipeline, BatchFixtures.BATCH, List.of(end)))
                .hasMessageContaining("503");
        assertThat(jobStore.get(gatherId(pipeline))).isEmpty();
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(end));

        // Then the gather decided the first time is made the second, once
        assertThat(jobStore.get(gatherId(pipeline))).map(JobRecord::state).contains(JobState.QUEUED);
        assertThat(journal).containsOnlyOnce("made " + gatherId(pipeline));
        driver.apply(pipeline, BatchFixtures.BATCH, List.of(end));
        assertThat(fills[0]).isEqualTo(2);
    }
}
