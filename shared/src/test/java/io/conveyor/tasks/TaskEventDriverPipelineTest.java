package io.conveyor.tasks;

import static io.conveyor.tasks.TaskEventDriverTest.CLUSTER;
import static io.conveyor.tasks.TaskEventDriverTest.OUT;
import static io.conveyor.tasks.TaskEventDriverTest.TASK_1;
import static io.conveyor.tasks.TaskEventDriverTest.outputKey;
import static io.conveyor.tasks.TaskEventDriverTest.stopped;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobChanges;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A succeeded pipeline job's outputs become the jobs of the steps its step feeds per output; its {@code then} not. */
class TaskEventDriverPipelineTest {

    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final InMemoryObjectStore outputs = new InMemoryObjectStore();
    final Map<String, Pipeline> pipelines = new HashMap<>();
    final List<List<String>> queued = new ArrayList<>();
    final Instant now = Instant.parse("2026-11-21T10:00:00Z");
    String countRevision;
    String summarizeRevision;

    TaskEventDriver lifecycle() {
        return new TaskEventDriver(CLUSTER, jobs, ids -> queued.add(List.copyOf(ids)), (attempt, task, why) -> 1,
                registry, name -> Optional.ofNullable(pipelines.get(name)), outputs, Clock.fixed(now, ZoneOffset.UTC),
                JobChanges.NONE);
    }

    @BeforeEach
    void register() {
        countRevision = registry.register(TaskEventDriverTest.WORD_COUNT);  // its then names summarize: ignored here
        summarizeRevision = registry.register(TaskEventDriverTest.SUMMARIZE.replace("\"retries\": 0",
                "\"retries\": 0, \"parameters\": [{\"name\": \"LEVEL\", \"required\": true}]"));
    }

    /** count (per batch file) → summarize (per output of count), fanned out over two levels. */
    static Pipeline twoSteps(String secondAlgorithm) {
        return new Pipeline("scan", "pipe-rev", null, List.of(
                new Step("count", "word-count", new StepInput.BatchFiles(), null, Map.of()),
                new Step("sum", secondAlgorithm, new StepInput.OutputsOf("count"), new FanOut.ParameterSets(List.of(
                        Map.of("LEVEL", "1"), Map.of("LEVEL", "2"))), Map.of())),
                new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));
    }

    /** The first step's job of {@code inputs/scan/b1/<file>}, started. */
    JobRecord started(String file) {
        PipelinePlace place = new PipelinePlace("scan", "pipe-rev", "b1", "count", Map.of());
        NewJob job = JobFixtures.job("s3://conveyor-in/inputs/scan/b1/" + file, "v1", "word-count", countRevision, 3)
                .withPlace(place);
        JobRecord record = JobFixtures.after(JobFixtures.queued(job.withOutput("s3://" + OUT + "/"
                        + BucketLayout.pipelineOutputPrefix("scan", "b1", "count", file, job.id())), now.minusSeconds(600)),
                now.minusSeconds(300), new JobEvent.StartRequested("arn:ci/1"));
        jobs.create(record);
        return record;
    }

    @Test
    void apply_succeededPipelineJob_makesEachPerOutputStepsJobsPerSetWithStableIds() {
        // Given a first step's job that wrote one output file
        pipelines.put("scan", twoSteps("summarize"));
        JobRecord job = started("a.txt");
        String key = outputKey(job) + "counts.csv";
        outputs.write(new ObjectRef(OUT, key), "3".getBytes(), "text/csv");
        String etag = outputs.describe(new ObjectRef(OUT, key)).orElseThrow().eTag();

        // When its task stopped well
        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        // Then the next step's two jobs (one per set) exist, QUEUED and sent, with ids from input, revision and place,
        // their output under the batch's, and nothing of the descriptor's then
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        JobRecord parent = jobs.get(job.id()).orElseThrow();
        List<String> expected = List.of("1", "2").stream().map(level -> JobId.of("s3://" + OUT + "/" + key, "etag:" + etag,
                "summarize", summarizeRevision, new PipelinePlace("scan", "pipe-rev", "b1", "sum",
                        Map.of("LEVEL", level)))).toList();
        assertThat(parent.children()).containsExactlyInAnyOrderElementsOf(expected);
        for (String id : expected) {
            JobRecord child = jobs.get(id).orElseThrow();
            assertThat(child.state()).isEqualTo(JobState.QUEUED);
            assertThat(child.parent()).isEqualTo(job.id());
            assertThat(child.output()).isEqualTo("s3://" + OUT + "/outputs/scan/b1/sum/count/a.txt/" + job.id()
                    + "/counts.csv/" + id + "/");
        }
        assertThat(jobs.all()).hasSize(3);
        assertThat(queued).singleElement().satisfies(ids -> assertThat(ids).containsExactlyInAnyOrderElementsOf(expected));
    }

    @Test
    void apply_successRedelivered_makesNothingTwiceAndSendsTheChildrenAgain() {
        pipelines.put("scan", twoSteps("summarize"));
        JobRecord job = started("a.txt");
        outputs.write(new ObjectRef(OUT, outputKey(job) + "counts.csv"), "3".getBytes(), "text/csv");
        TaskStateChange stop = stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done");

        lifecycle().apply(stop);
        List<JobRecord> afterFirst = jobs.all();
        TaskEventDriver.Outcome again = lifecycle().apply(stop);

        assertThat(again).isEqualTo(TaskEventDriver.Outcome.REQUEUED);
        assertThat(jobs.all()).containsExactlyInAnyOrderElementsOf(afterFirst).hasSize(3);
        assertThat(queued).hasSize(2).allSatisfy(ids -> assertThat(ids).isEqualTo(queued.get(0)));
    }

    @Test
    void apply_nextStepOfAnUnknownAlgorithm_isMadeFailedNamingPipelineStepAndFile() {
        // Given a next step naming an algorithm nobody registered
        pipelines.put("scan", twoSteps("ghost"));
        JobRecord job = started("a.txt");
        outputs.write(new ObjectRef(OUT, outputKey(job) + "counts.csv"), "3".getBytes(), "text/csv");

        // When the first step's job succeeds
        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        // Then its children are FAILED with the reason, and none is sent to dispatch
        List<JobRecord> children = jobs.all().stream().filter(r -> job.id().equals(r.parent())).toList();
        assertThat(children).hasSize(2).allSatisfy(child -> {
            assertThat(child.state()).isEqualTo(JobState.FAILED);
            assertThat(child.reason()).isEqualTo("rejected: pipeline scan, step sum: unknown algorithm 'ghost' (file "
                    + "count/a.txt/" + job.id() + "/counts.csv)");
        });
        assertThat(jobs.get(job.id()).orElseThrow().children()).hasSize(2);
        assertThat(queued).isEmpty();
    }

    @Test
    void apply_pipelineGone_succeedsWithNoChildren() {
        JobRecord job = started("a.txt");
        outputs.write(new ObjectRef(OUT, outputKey(job) + "counts.csv"), "3".getBytes(), "text/csv");

        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        assertThat(jobs.all()).hasSize(1);
        assertThat(queued).isEmpty();
    }

    @Test
    void apply_lastMemberOfACompleteBatchSucceeds_makesItsGatherOnceUnderRedelivery() {
        // Given a batch complete by its marker, whose one file's job (step count) runs; the pipeline gathers count
        Pipeline gathering = new Pipeline("scan", "pipe-rev", null, List.of(
                new Step("count", "word-count", new StepInput.BatchFiles(), null, Map.of()),
                new Step("all", "word-count", new StepInput.GatherOf("count"), null, Map.of())),
                new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));
        pipelines.put("scan", gathering);
        JobRecord job = started("a.txt");
        io.conveyor.batch.InMemoryBatchStore batches = new io.conveyor.batch.InMemoryBatchStore();
        io.conveyor.batch.BatchEvent.FileArrived file = new io.conveyor.batch.BatchEvent.FileArrived(
                new io.conveyor.batch.BatchFile("a.txt", "v1", 5, null, now.minusSeconds(600).toString()),
                List.of(new io.conveyor.batch.BatchEvent.Member("count", job.id())));
        new io.conveyor.batch.BatchUpdates(batches, Clock.fixed(now, ZoneOffset.UTC)).apply(gathering, "b1", List.of(file,
                new io.conveyor.batch.BatchEvent.MarkerArrived(now.minusSeconds(500), List.of(file))));
        List<String> filled = new ArrayList<>();
        TaskEventDriver driver = new TaskEventDriver(CLUSTER, jobs, ids -> queued.add(List.copyOf(ids)),
                (attempt, task, why) -> 1, registry, name -> Optional.ofNullable(pipelines.get(name)), outputs,
                Clock.fixed(now, ZoneOffset.UTC), JobChanges.NONE, new BatchMemberEnds.Wiring(batches,
                (pipeline, batch, step, taken) -> {
                    filled.add(step + ":" + taken.stream().map(JobRecord::id).toList());
                    return "s3://" + OUT + "/batches/" + pipeline + "/" + batch + "/" + step + "/";
                }, (pipeline, batch, at) -> { }));
        outputs.write(new ObjectRef(OUT, outputKey(job) + "counts.csv"), "3".getBytes(), "text/csv");
        TaskStateChange stop = stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done");

        // When its task's stop arrives, twice
        driver.apply(stop);
        driver.apply(stop);

        // Then the gather's folder was filled with it and one gather job made over the folder and sent, once
        String gather = JobId.ofGather(new PipelinePlace("scan", "pipe-rev", "b1", "all", Map.of()));
        assertThat(filled).containsExactly("all:[" + job.id() + "]");
        JobRecord made = jobs.get(gather).orElseThrow();
        assertThat(made.input()).isEqualTo("s3://" + OUT + "/batches/scan/b1/all/");
        assertThat(made.state()).isEqualTo(JobState.QUEUED);
        assertThat(queued.stream().filter(ids -> ids.contains(gather))).hasSize(1);
    }
}
