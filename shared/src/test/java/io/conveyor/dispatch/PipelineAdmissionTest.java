package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.BucketLayout;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatch's admission of a pipeline's batch files ({@code inputs/<pipeline>/<batch>/<file>}): the jobs of its first
 * steps, one per parameter set, at their place, with the values of their place; and what is no step's input.
 */
class PipelineAdmissionTest {

    static final String FIT = """
            {"name": "fitter", "image": "busybox:1.36", "command": ["fit", "--k", "${K}", "${CONVEYOR_INPUT}"],
             "parameters": [{"name": "K", "required": true}, {"name": "MODE", "default": "fast"}],
             "resources": {"vcpu": 0.5, "memoryMiB": 512}, "retries": 1}""";
    static final BatchRule MARKER = new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
            BatchRule.MemberFailure.FAIL);

    final DispatchFixture rig = new DispatchFixture();
    String revision;

    @BeforeEach
    void registerAndMakeRoom() {
        revision = rig.registry.register(FIT);
        rig.instance("ci-1", 4096, 8192);
    }

    static Pipeline pipeline(Step... steps) {
        return new Pipeline("scan", "pipe-rev", null, List.of(steps), MARKER);
    }

    static Step fanned(String algorithm, List<Map<String, String>> sets) {
        return new Step("fit", algorithm, new StepInput.BatchFiles(), new FanOut.ParameterSets(sets), Map.of());
    }

    @Test
    void dispatch_batchFile_makesOneJobPerParameterSetAtItsPlaceWithItsValues() {
        // Given a pipeline whose first step fans out over two sets, and a file (whose metadata names K too) in a batch
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "1"), Map.of("K", "2")))));
        var event = rig.input("inputs/scan/b1/a.txt", "v1", 5, Map.of("k", "999"));

        // When its event comes
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", event));

        // Then two jobs started, each at its place, with its set's value (not the metadata's) in the algorithm's
        // environment and command, and its output under outputs/<pipeline>/<batch>/<step>/<path in batch>/<job>/
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).hasSize(2);
        List<JobRecord> records = rig.jobs.all().stream().sorted(Comparator.comparing(r -> r.pipeline().parameters()
                .get("K"))).toList();
        assertThat(records).extracting(JobRecord::pipeline).containsExactly(
                new PipelinePlace("scan", "pipe-rev", "b1", "fit", Map.of("K", "1")),
                new PipelinePlace("scan", "pipe-rev", "b1", "fit", Map.of("K", "2")));
        for (JobRecord record : records) {
            // a batch file's version is its ETag, whether or not its notification names a version id
            assertThat(record.id()).isEqualTo(JobId.of("s3://conveyor-in/inputs/scan/b1/a.txt",
                    "etag:etag-" + "inputs/scan/b1/a.txt".hashCode(), "fitter", revision, record.pipeline()));
            assertThat(record.output()).isEqualTo("s3://conveyor-out/outputs/scan/b1/fit/a.txt/" + record.id() + "/");
            TaskStart start = rig.launcher.started.stream().filter(s -> s.jobId().equals(record.id())).findFirst()
                    .orElseThrow();
            String k = record.pipeline().parameters().get("K");
            assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM)).containsEntry("K", k)
                    .containsEntry("MODE", "fast");
            assertThat(start.algorithmCommand()).containsSubsequence("--k", k);
        }
    }

    @Test
    void dispatch_batchControlFiles_makeNoJob() {
        // Given a pipeline
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "1")))));

        // When a batch's manifest and marker arrive
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(
                message("m1", DispatchBatchesTest.written(rig, "inputs/scan/b1/" + BatchRule.MANIFEST, "{\"files\": []}")),
                message("m2", rig.input("inputs/scan/b1/" + BatchRule.MARKER, "v1", 0)));

        // Then they are no step's input: no record, no task, the messages are done
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done())
                .containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(rig.jobs.all()).isEmpty();
        assertThat(rig.launcher.started).isEmpty();
    }

    @Test
    void dispatch_fileWithNoBatchFolder_isRecordedFailedSayingWhereItGoes() {
        // Given a pipeline
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "1")))));

        // When a file lands right under its folder
        rig.dispatch(message("m1", rig.input("inputs/scan/a.txt", "v1", 5)));

        // Then one FAILED record under the pipeline's name says it names no batch, and where to upload it
        JobRecord record = rig.record("a.txt");
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.algorithm()).isEqualTo("scan");
        assertThat(record.reason()).isEqualTo("rejected: pipeline scan, file a.txt: it lies directly under inputs/scan/,"
                + " so it names no batch; upload it to inputs/scan/<batch>/a.txt");
        assertThat(rig.launcher.started).isEmpty();
    }

    @Test
    void dispatch_stepOfAnUnknownAlgorithm_isRecordedFailedNamingPipelineStepAndFile() {
        // Given a pipeline whose step names an algorithm nobody registered
        rig.pipelines.put("scan", pipeline(fanned("ghost", List.of(Map.of("K", "1")))));

        // When a batch's file arrives
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));

        // Then its job is FAILED, saying which pipeline, step and file
        JobRecord record = rig.record("a.txt");
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.pipeline().step()).isEqualTo("fit");
        assertThat(record.reason()).isEqualTo("rejected: pipeline scan, step fit: unknown algorithm 'ghost': no "
                + "descriptor registered under that name (file a.txt)");
        assertThat(rig.launcher.started).isEmpty();
    }

    @Test
    void dispatch_requiredParameterNotGivenByThePipeline_isRecordedFailedEvenWithMetadata() {
        // Given a step giving no K (the object's metadata does: a pipeline's job takes none of it)
        rig.pipelines.put("scan", pipeline(new Step("fit", "fitter", new StepInput.BatchFiles(), null, Map.of())));

        // When a batch's file arrives
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5, Map.of("k", "3"))));

        // Then its job is FAILED, naming pipeline, step, file and the parameter
        JobRecord record = rig.record("a.txt");
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("rejected: pipeline scan, step fit, file a.txt: required parameter K has "
                + "no value: a pipeline's job takes its values from its step (its parameters, or each of its parameter "
                + "sets), never from object metadata");
    }

    @Test
    void dispatch_stepGivingAnUndeclaredParameter_isRecordedFailed() {
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "1", "COLOUR", "red")))));

        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));

        assertThat(rig.record("a.txt").reason()).isEqualTo("rejected: pipeline scan, step fit, file a.txt: the step "
                + "gives parameter 'COLOUR', which fitter does not declare");
    }

    @Test
    void dispatch_valuesHostileToAShell_stayPlainWordsInTheOverrides() {
        // Given a set whose value would be code to a shell
        String hostile = "1; rm -rf / #$(touch pwned) `id` ${HOME}";
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", hostile)))));

        // When a batch's file arrives
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));

        // Then the value is one argument and one variable, as written
        TaskStart start = rig.launcher.started.get(0);
        assertThat(start.algorithmCommand()).containsExactly("fit", "--k", hostile, "/conveyor/input/a.txt");
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM)).containsEntry("K", hostile);
    }

    @Test
    void dispatch_valuesOverECSOverrideLimit_areRecordedFailed() {
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "x".repeat(9000))))));

        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));

        assertThat(rig.record("a.txt").reason()).isEqualTo("rejected: pipeline scan, step fit, file a.txt: the job's "
                + "values (key, parameters, command) exceed the 8192 characters ECS allows for a task's overrides");
    }

    @Test
    void dispatch_batchOfFilesOfOnePipeline_readsThePipelineOnce() {
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "1")))));

        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)),
                message("m2", rig.input("inputs/scan/b1/b.txt", "v1", 5)),
                message("m3", rig.input("inputs/fitter/c.txt", "v1", 5, Map.of("k", "1"))));

        // Then the catalog was read once, and never for the algorithm's own input
        assertThat(rig.pipelineReads).containsExactly("scan");
        assertThat(rig.launcher.started).hasSize(3);
    }

    @Test
    void dispatch_recordedPipelineJob_runsWithItsPlacesValues() {
        // Given a pipeline job that waited for room (queued, no instance)
        rig.cluster.clear();
        rig.pipelines.put("scan", pipeline(fanned("fitter", List.of(Map.of("K", "7")))));
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));
        JobRecord waiting = rig.record("a.txt");
        assertThat(rig.launcher.started).isEmpty();

        // When room came and its message names it
        rig.instance("ci-2", 4096, 8192);
        rig.dispatch(jobMessage("m2", waiting.id()));

        // Then it starts with its place's value
        assertThat(rig.launcher.started).singleElement().satisfies(start -> {
            assertThat(start.jobId()).isEqualTo(waiting.id());
            assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM)).containsEntry("K", "7");
        });
        assertThat(waiting.output()).isEqualTo("s3://conveyor-out/" + BucketLayout.pipelineOutputPrefix("scan", "b1",
                "fit", "a.txt", waiting.id()));
    }

    @Test
    void dispatch_recordedGatherJob_startsOnItsFolderWithoutLookingForAnObject() {
        // Given a gather job made at its place, its input the batch's filled folder (no object of that key exists)
        io.conveyor.jobs.PipelinePlace place = new io.conveyor.jobs.PipelinePlace("scan", "pipe-rev", "b1", "report",
                Map.of("K", "3"));
        io.conveyor.jobs.NewJob gather = io.conveyor.jobs.NewJob.of(new io.conveyor.jobs.NewJob.JobInput(
                "s3://conveyor-out/" + BucketLayout.gatherFolderKey("scan", "b1", "report"),
                io.conveyor.jobs.NewJob.GATHER_INPUT_VERSION), new io.conveyor.jobs.NewJob.AlgorithmRevision("fitter",
                revision, 2)).withPlace(place);
        gather = gather.withOutput("s3://conveyor-out/" + BucketLayout.pipelineOutputPrefix("scan", "b1", "report",
                "report", gather.id()));
        rig.jobs.create(io.conveyor.jobs.JobLifecycle.admit(gather, java.time.Instant.parse("2026-11-21T09:00:00Z")));

        // When its message reaches dispatch
        rig.dispatch(jobMessage("m1", gather.id()));

        // Then its task starts with the folder staged whole: stage-in gets the prefix, the algorithm the folder
        assertThat(rig.launcher.started).singleElement().satisfies(start -> {
            assertThat(start.jobId()).isEqualTo(io.conveyor.jobs.JobId.ofGather(place));
            assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN))
                    .containsEntry(TaskDefinitionWrapper.INPUT_PREFIX, "batches/scan/b1/report/");
            assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM))
                    .containsEntry("CONVEYOR_INPUT_DIR", TaskDefinitionWrapper.GATHER_INPUT_DIR)
                    .containsEntry("K", "3")
                    .doesNotContainKey("CONVEYOR_INPUT");
        });
    }

    @Test
    void dispatch_archiveInABatch_makesOneJobPerMemberWithTheSameIdsOnRedelivery() {
        // Given a step fanning out over archive members, and members the port unpacks where the output bucket has them
        rig.pipelines.put("scan", pipeline(new Step("fit", "fitter", new StepInput.BatchFiles(), new FanOut.ArchiveMembers(),
                Map.of("K", "1"))));
        String folder = "outputs/scan/b1/fit.members/set.zip/0123456789abcdef/";
        List<String> unpackedFrom = new java.util.ArrayList<>();
        rig.archives = (place, archive) -> {
            unpackedFrom.add(archive.location() + "@" + place.step());
            List<io.conveyor.jobs.NewJob.JobInput> members = new java.util.ArrayList<>();
            for (String path : List.of("a.txt", "dir/b.txt")) {
                rig.inputs.put(new io.conveyor.storage.StoredObject(new io.conveyor.storage.ObjectRef(DispatchFixture.OUT,
                        folder + path), null, "\"e-" + path + "\"", 3));
                members.add(new io.conveyor.jobs.NewJob.JobInput("s3://" + DispatchFixture.OUT + "/" + folder + path,
                        "etag:e-" + path));
            }
            return members;
        };
        var event = rig.input("inputs/scan/b1/set.zip", "v1", 100);

        // When its event comes, and comes again (a redelivery)
        Map<String, Dispatcher.Verdict> first = rig.dispatch(message("m1", event));
        Map<String, Dispatcher.Verdict> again = rig.dispatch(message("m1", event));

        // Then one job per member started once, each at the step's place, its id resting on the member and its
        // ETag, its output under the member's path below the batch; the archive itself is no job
        assertThat(first).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(again).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(unpackedFrom).containsOnly("s3://conveyor-in/inputs/scan/b1/set.zip@fit");
        PipelinePlace place = new PipelinePlace("scan", "pipe-rev", "b1", "fit", Map.of("K", "1"));
        List<String> ids = List.of("a.txt", "dir/b.txt").stream().map(path -> JobId.of("s3://" + DispatchFixture.OUT
                + "/" + folder + path, "etag:e-" + path, "fitter", revision, place)).toList();
        assertThat(rig.jobs.all()).extracting(JobRecord::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(rig.launcher.started).extracting(TaskStart::jobId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(rig.jobs.all()).extracting(JobRecord::output).containsExactlyInAnyOrder(
                "s3://conveyor-out/outputs/scan/b1/fit/fit.members/set.zip/0123456789abcdef/a.txt/" + ids.get(0) + "/",
                "s3://conveyor-out/outputs/scan/b1/fit/fit.members/set.zip/0123456789abcdef/dir/b.txt/" + ids.get(1) + "/");
        // and the batch counts them as the file's members, so a gather after the step waits for and takes each
        var batch = rig.batches.read("scan", "b1").orElseThrow().record();
        assertThat(batch.files()).containsOnlyKeys("set.zip");
        assertThat(batch.members("fit")).containsOnlyKeys(ids);
    }

    @Test
    void dispatch_archiveThePortRefuses_isRecordedFailedNamingTheArchiveAndMember() {
        // Given a port refusing the archive (a member climbing out)
        rig.pipelines.put("scan", pipeline(new Step("fit", "fitter", new StepInput.BatchFiles(), new FanOut.ArchiveMembers(),
                Map.of("K", "1"))));
        rig.archives = (place, archive) -> {
            throw new io.conveyor.pipeline.PipelineJobs.UnpackException("'set.zip': member '../x' has '..' in its name:"
                    + " the archive is not unpacked");
        };

        // When its event comes
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/set.zip", "v1", 100)));

        // Then the archive's job is FAILED with that reason, naming pipeline, step and file, and nothing started
        JobRecord record = rig.record("set.zip");
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("rejected: pipeline scan, step fit: 'set.zip': member '../x' has '..' in"
                + " its name: the archive is not unpacked (file set.zip)");
        assertThat(rig.launcher.started).isEmpty();
    }
}
