package io.conveyor.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import io.conveyor.json.Json;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.tasks.TaskStateChange;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";
    static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/aaaa";
    static final String IN = "conveyor-in";
    static final String OUT = "conveyor-out";
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 2}""";

    final Instant now = Instant.parse("2026-11-21T10:00:00Z");
    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final InMemoryObjectStore buckets = new InMemoryObjectStore();
    final TreeMap<String, InputObject> inputs = new TreeMap<>();
    final List<List<InputObject>> redelivered = new ArrayList<>();
    final List<List<String>> queued = new ArrayList<>();
    final Map<String, TaskStateChange> ecsTasks = new HashMap<>();
    final Set<String> ecsForgot = new HashSet<>();
    final Map<String, List<TaskStateChange>> startedFor = new HashMap<>();
    final Set<String> outputsWritten = new HashSet<>();
    final List<String> listedAfter = new ArrayList<>();
    /** The pipelines registered, by name. */
    final Map<String, io.conveyor.registration.PipelineRecord> pipelineRecords = new HashMap<>();
    final io.conveyor.registration.PipelineRegistry pipelines = new io.conveyor.registration.PipelineRegistry() {
        @Override
        public java.util.Optional<io.conveyor.registration.PipelineRecord> pipeline(String name) {
            return java.util.Optional.ofNullable(pipelineRecords.get(name));
        }

        @Override
        public void save(io.conveyor.registration.PipelineRecord record) {
            pipelineRecords.put(record.name(), record);
        }
    };
    final io.conveyor.batch.InMemoryBatchStore batches = new io.conveyor.batch.InMemoryBatchStore();
    Runnable onDescribe = () -> { };
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    String revision;

    @BeforeEach
    void register() {
        revision = registry.register(WORD_COUNT);
    }

    Reconciler reconciler(ReconcileSettings settings) {
        TaskEventDriver taskEvents = new TaskEventDriver(CLUSTER, jobs, ids -> queued.add(List.copyOf(ids)),
                (attempt, task, why) -> 0, registry, buckets, clock);
        return Reconciler.builder().settings(settings)
                .inputs((after, limit) -> {
                    listedAfter.add(String.valueOf(after));
                    var tail = after == null ? inputs : inputs.tailMap(after, false);
                    List<InputObject> page = tail.values().stream().limit(limit).toList();
                    return new InputListing.Page(page, tail.size() > limit);
                })
                .redelivery(sent -> redelivered.add(List.copyOf(sent)))
                .jobs(jobs).queue(ids -> queued.add(List.copyOf(ids)))
                .tasks(new AttemptTasks() {
                    @Override
                    public Described describe(List<String> taskArns) {
                        onDescribe.run();
                        Map<String, TaskStateChange> found = new HashMap<>();
                        Set<String> missing = new HashSet<>();
                        taskArns.forEach(arn -> {
                            if (ecsTasks.containsKey(arn)) {
                                found.put(arn, ecsTasks.get(arn));
                            } else if (ecsForgot.contains(arn)) {
                                missing.add(arn);
                            }
                        });
                        return new Described(found, missing);
                    }

                    @Override
                    public List<TaskStateChange> startedFor(JobTask attempt) {
                        return startedFor.getOrDefault(attempt.startedBy(), List.of());
                    }
                })
                .outputs((location, since) -> outputsWritten.contains(location))
                .taskEvents(taskEvents).registry(registry).pipelines(pipelines).batches(batches)
                .deadLetters(() -> Map.of("jobs", 2L, "task-events", 0L))
                .state(buckets, OUT).clock(clock).build();
    }

    ReconcileReport pass() {
        return reconciler(ReconcileSettings.DEFAULTS).pass(Duration.ofMinutes(1));
    }

    InputObject input(String name, Duration age) {
        InputObject object = new InputObject(new ObjectRef(IN, "inputs/word-count/" + name), "v-" + name, "e-" + name, 10,
                now.minus(age));
        inputs.put(object.ref().key(), object);
        return object;
    }

    JobRecord recordOf(InputObject input, JobEvent... events) {
        NewJob job = JobFixtures.job(input.ref().uri(), input.jobVersion(), "word-count", revision, 3)
                .withOutput("s3://" + OUT + "/outputs/word-count/" + input.ref().key() + "/");
        JobRecord record = JobFixtures.after(JobFixtures.queued(job, now.minus(Duration.ofHours(1))),
                now.minus(Duration.ofMinutes(30)), events);
        jobs.create(record);
        return record;
    }

    static JobEvent running(int attempt) {
        return JobEvent.TaskRunning.onEcs(new TaskRun(attempt, TASK, 3, "RUNNING", null, null, Map.of(), null, null, null,
                Map.of(), "arn:td/word-count:1"));
    }

    static TaskStateChange stopped(String jobId, int attempt, int algorithmExit) {
        return new TaskStateChange("e", CLUSTER, TASK, "arn:td/word-count:1", "arn:ci/1", "STOPPED", "STOPPED",
                new JobTask(jobId, attempt).startedBy(), null, 7, "EssentialContainerExited", "done",
                List.of(new ContainerState(TaskDefinitionWrapper.STAGE_IN, "STOPPED", 0, null),
                        new ContainerState(TaskDefinitionWrapper.ALGORITHM, "STOPPED", algorithmExit, null),
                        new ContainerState(TaskDefinitionWrapper.STAGE_OUT, "STOPPED", 0, null)), null, null);
    }

    // ------------------------------------------------------------------ inputs

    @Test
    void pass_settledInputWithoutJob_isRedeliveredOnceAcrossTwoPasses() {
        // Given an input of a registered algorithm, 20 minutes old, whose notification never came
        InputObject lost = input("lost.txt", Duration.ofMinutes(20));

        // When two passes run (dispatch has not taken the first's notification yet)
        ReconcileReport first = pass();
        ReconcileReport second = pass();

        // Then its notification is sent once
        assertThat(redelivered).containsExactly(List.of(lost));
        assertThat(first.jobsRecovered()).isEqualTo(1);
        assertThat(second.jobsRecovered()).isZero();
        assertThat(first.wrapped()).isTrue();
    }

    /** Registers a pipeline whose one first step counts words, fanned out over two sets of a parameter-less run. */
    io.conveyor.pipeline.Pipeline registerCounts(Instant registeredAt) {
        String document = "{\"pipeline\": \"counts\", \"steps\": [{\"name\": \"count\", \"algorithm\": \"word-count\"}]}";
        byte[] bytes = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pipelines.save(new io.conveyor.registration.PipelineRecord("counts", io.conveyor.registration.AlgorithmRecord.Status.ACTIVE,
                "s3://" + IN + "/algorithms/counts.json", null, io.conveyor.storage.Digests.sha256(bytes),
                registeredAt.toString(), null, document));
        return io.conveyor.pipeline.AcceptedPipeline.read("counts.json", bytes);
    }

    InputObject batchFile(String key, Duration age) {
        InputObject object = new InputObject(new ObjectRef(IN, key), "v-" + key.hashCode(), "e", 10, now.minus(age));
        inputs.put(key, object);
        return object;
    }

    @Test
    void pass_batchFileOfAPipelineWithoutItsJobs_isRedeliveredAndTheRestLeftAlone() {
        // Given a pipeline registered a day ago, and under its folder: a lost batch file, one whose first-step job
        // exists, a batch's marker, a file with no batch folder, and a file written before the pipeline was registered
        io.conveyor.pipeline.Pipeline counts = registerCounts(now.minus(Duration.ofDays(1)));
        InputObject lost = batchFile("inputs/counts/monday/lost.txt", Duration.ofMinutes(20));
        InputObject made = batchFile("inputs/counts/monday/made.txt", Duration.ofMinutes(20));
        for (io.conveyor.pipeline.PipelineJobs.Made job : io.conveyor.pipeline.PipelineJobs.of(counts,
                counts.firstSteps().get(0), "monday", new NewJob.JobInput(made.ref().uri(),
                io.conveyor.pipeline.PipelineJobs.batchFileVersion(made.eTag())), null,
                name -> java.util.Optional.of(new NewJob.AlgorithmRevision(name, revision, 3)))) {
            jobs.create(JobLifecycle.admit(job.job(), now));
        }
        batchFile("inputs/counts/monday/_COMPLETE", Duration.ofMinutes(20));
        batchFile("inputs/counts/unbatched.txt", Duration.ofMinutes(20));
        batchFile("inputs/counts/tuesday/old.txt", Duration.ofDays(2));

        // When a pass runs
        ReconcileReport report = pass();

        // Then only the lost batch file is sent again, as its notification would have been
        assertThat(report.inputsListed()).isEqualTo(5);
        assertThat(redelivered).containsExactly(List.of(lost));
    }

    /** Registers a pipeline whose one first step counts the words of each member of an archive. */
    io.conveyor.pipeline.Pipeline registerUnpack() {
        String document = "{\"pipeline\": \"unpack\", \"steps\": [{\"name\": \"each\", \"algorithm\": \"word-count\","
                + " \"fanOut\": {\"members\": \"archive\"}}]}";
        byte[] bytes = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pipelines.save(new io.conveyor.registration.PipelineRecord("unpack",
                io.conveyor.registration.AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/unpack.json", null,
                io.conveyor.storage.Digests.sha256(bytes), now.minus(Duration.ofDays(1)).toString(), null, document));
        return io.conveyor.pipeline.AcceptedPipeline.read("unpack.json", bytes);
    }

    /** What dispatch leaves of an archive it unpacked: a job per member, and the batch's record naming them. */
    void dispatchedArchive(io.conveyor.pipeline.Pipeline unpack, InputObject archive, int jobsMade) {
        List<String> ids = new ArrayList<>();
        for (String member : List.of("a.txt", "b.txt")) {
            NewJob job = JobFixtures.job("s3://" + OUT + "/outputs/unpack/monday/each.members/set.zip/e/" + member,
                    "etag:m-" + member, "word-count", revision, 3).withPlace(new io.conveyor.jobs.PipelinePlace("unpack",
                    unpack.revision(), "monday", "each", Map.of()));
            if (ids.size() < jobsMade) {
                jobs.create(JobLifecycle.admit(job, now.minus(Duration.ofMinutes(19))));
            }
            ids.add(job.id());
        }
        new io.conveyor.batch.BatchUpdates(batches, clock).apply(unpack, "monday", List.of(
                new io.conveyor.batch.BatchEvent.FileArrived(new io.conveyor.batch.BatchFile("set.zip",
                        io.conveyor.pipeline.PipelineJobs.batchFileVersion(archive.eTag()), 10, null,
                        now.minus(Duration.ofMinutes(19)).toString()), ids.stream()
                        .map(id -> new io.conveyor.batch.BatchEvent.Member("each", id)).toList())));
    }

    @Test
    void pass_archiveBatchFileDispatchedIntoMemberJobs_sendsNothing() {
        // Given a batch's archive, 20 minutes old, that dispatch unpacked into two member jobs its batch's record names
        io.conveyor.pipeline.Pipeline unpack = registerUnpack();
        InputObject archive = batchFile("inputs/unpack/monday/set.zip", Duration.ofMinutes(20));
        dispatchedArchive(unpack, archive, 2);

        // When a pass runs
        ReconcileReport report = pass();

        // Then its notification is not sent again (dispatch would read the whole archive to make nothing)
        assertThat(report.inputsListed()).isEqualTo(1);
        assertThat(redelivered).isEmpty();
        assertThat(report.jobsRecovered()).isZero();
    }

    @Test
    void pass_archiveBatchFileWhoseNotificationWasLostOrWhoseMemberJobIsGone_isSentOnceAcrossTwoPasses() {
        // Given two archives of a batch: one dispatch never heard of, one whose record names a member job that is not
        // there (dispatch wrote the batch, then was lost before it made the job), and a newer version of a dispatched one
        io.conveyor.pipeline.Pipeline unpack = registerUnpack();
        InputObject lost = batchFile("inputs/unpack/monday/lost.zip", Duration.ofMinutes(20));
        InputObject archive = batchFile("inputs/unpack/monday/set.zip", Duration.ofMinutes(20));
        dispatchedArchive(unpack, archive, 1);
        InputObject tuesday = batchFile("inputs/unpack/tuesday/set.zip", Duration.ofMinutes(20));

        // When two passes run
        ReconcileReport first = pass();
        ReconcileReport second = pass();

        // Then each is sent once, in the first pass
        assertThat(redelivered).singleElement().satisfies(sent -> assertThat(sent)
                .containsExactlyInAnyOrder(lost, archive, tuesday));
        assertThat(first.jobsRecovered()).isEqualTo(3);
        assertThat(second.jobsRecovered()).isZero();
    }

    io.conveyor.pipeline.Pipeline registerPipeline(String name, String document) {
        byte[] bytes = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pipelines.save(new io.conveyor.registration.PipelineRecord(name,
                io.conveyor.registration.AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/" + name + ".json",
                null, io.conveyor.storage.Digests.sha256(bytes), now.minus(Duration.ofDays(1)).toString(), null, document));
        return io.conveyor.pipeline.AcceptedPipeline.read(name + ".json", bytes);
    }

    io.conveyor.pipeline.Pipeline registerScans() {
        return registerPipeline("scans", "{\"pipeline\": \"scans\", \"steps\": [{\"name\": \"each\","
                + " \"algorithm\": \"word-count\", \"fanOut\": {\"members\": \"listedPrefix\"}}]}");
    }

    /**
     * What dispatch leaves of a listing it read: a job per object it names (the first {@code jobsMade} of them made),
     * and the batch's record naming them as made of the listing.
     */
    void dispatchedListing(io.conveyor.pipeline.Pipeline scans, InputObject listing, List<String> objects, int jobsMade) {
        String batch = listing.ref().key().split("/")[2];
        List<String> ids = new ArrayList<>();
        for (String object : objects) {
            NewJob job = JobFixtures.job("s3://" + IN + "/inputs/scans/" + batch + "/" + object, "etag:o-" + object,
                    "word-count", revision, 3).withPlace(new io.conveyor.jobs.PipelinePlace("scans", scans.revision(),
                    batch, "each", Map.of()));
            if (ids.size() < jobsMade) {
                jobs.create(JobLifecycle.admit(job, now.minus(Duration.ofMinutes(19))));
            }
            ids.add(job.id());
        }
        String name = listing.ref().key().substring(listing.ref().key().lastIndexOf('/') + 1);
        new io.conveyor.batch.BatchUpdates(batches, clock).apply(scans, batch, List.of(
                new io.conveyor.batch.BatchEvent.FileArrived(new io.conveyor.batch.BatchFile(name,
                        io.conveyor.pipeline.PipelineJobs.batchFileVersion(listing.eTag()), 10, null,
                        now.minus(Duration.ofMinutes(19)).toString()), ids.stream()
                        .map(id -> new io.conveyor.batch.BatchEvent.Member("each", id)).toList())));
    }

    @Test
    void pass_listingsDispatchedIntoListedJobs_sendsNothing() {
        // Given two listings of a batch, 20 minutes old, that dispatch read into jobs its batch's record names (the
        // second names the first's one object too: one job, which the record holds as made of the later listing), and
        // the listed objects in the batch's subfolders
        io.conveyor.pipeline.Pipeline scans = registerScans();
        InputObject list = batchFile("inputs/scans/monday/list.txt", Duration.ofMinutes(20));
        InputObject again = batchFile("inputs/scans/monday/again.txt", Duration.ofMinutes(20));
        dispatchedListing(scans, list, List.of("images/b.png"), 1);
        dispatchedListing(scans, again, List.of("images/a.png", "images/b.png"), 2);
        batchFile("inputs/scans/monday/images/a.png", Duration.ofMinutes(20));
        batchFile("inputs/scans/monday/images/b.png", Duration.ofMinutes(20));

        // When a pass runs
        ReconcileReport report = pass();

        // Then no notification is sent again (dispatch would list and read them to make nothing)
        assertThat(report.inputsListed()).isEqualTo(4);
        assertThat(redelivered).isEmpty();
        assertThat(report.jobsRecovered()).isZero();
    }

    @Test
    void pass_listingWhoseNotificationWasLostOrWhoseListedJobIsGone_isSentOnceAcrossTwoPasses() {
        // Given listings of a pipeline with a listed step: one its batch's record does not hold, one whose record names
        // a job that is not there, one of a batch with no record, one dispatched whole; and the objects they list
        io.conveyor.pipeline.Pipeline scans = registerScans();
        InputObject lost = batchFile("inputs/scans/monday/lost.txt", Duration.ofMinutes(20));
        InputObject half = batchFile("inputs/scans/monday/half.txt", Duration.ofMinutes(20));
        dispatchedListing(scans, half, List.of("images/c.png", "images/d.png"), 1);
        InputObject done = batchFile("inputs/scans/monday/list.txt", Duration.ofMinutes(20));
        dispatchedListing(scans, done, List.of("images/a.png"), 1);
        InputObject tuesday = batchFile("inputs/scans/tuesday/list.txt", Duration.ofMinutes(20));
        batchFile("inputs/scans/monday/images/a.png", Duration.ofMinutes(20));

        // When two passes run
        ReconcileReport first = pass();
        ReconcileReport second = pass();

        // Then each listing lacking its jobs is sent once, in the first pass; the listed object never by itself
        assertThat(redelivered).singleElement().satisfies(sent -> assertThat(sent)
                .containsExactlyInAnyOrder(lost, half, tuesday));
        assertThat(first.jobsRecovered()).isEqualTo(3);
        assertThat(second.jobsRecovered()).isZero();
    }

    @Test
    void pass_plainBatchFileThatCameAfterItsBatchEnded_sendsNothing() {
        // Given a batch complete by its marker, whose one file's job exists, and a file that arrived after it ended:
        // its record keeps it as late, and dispatch made no job of it
        io.conveyor.pipeline.Pipeline marked = registerPipeline("marked", "{\"pipeline\": \"marked\", \"batches\":"
                + " {\"complete\": \"marker\"}, \"steps\": [{\"name\": \"count\", \"algorithm\": \"word-count\"}]}");
        InputObject early = batchFile("inputs/marked/monday/a.txt", Duration.ofMinutes(30));
        batchFile("inputs/marked/monday/_COMPLETE", Duration.ofMinutes(29));
        InputObject late = batchFile("inputs/marked/monday/late.txt", Duration.ofMinutes(20));
        io.conveyor.batch.BatchEvent.FileArrived a = arrivedWithJobs(marked, early, Duration.ofMinutes(30), true);
        io.conveyor.batch.BatchUpdates updates = new io.conveyor.batch.BatchUpdates(batches, clock);
        updates.apply(marked, "monday", List.of(a, new io.conveyor.batch.BatchEvent.MarkerArrived(
                now.minus(Duration.ofMinutes(29)), List.of(a))));
        updates.apply(marked, "monday", List.of(arrivedWithJobs(marked, late, Duration.ofMinutes(20), false)));
        assertThat(batches.read("marked", "monday").orElseThrow().record().late()).extracting(
                io.conveyor.batch.BatchFile::name).containsExactly("late.txt");

        // When two passes run, the second after the first's hold on what it sent is over
        ReconcileReport first = pass();
        clock = Clock.fixed(now.plus(Duration.ofDays(2)), ZoneOffset.UTC);
        ReconcileReport second = pass();

        // Then the late file is never sent again: it makes no job, so there is none to find
        assertThat(redelivered).isEmpty();
        assertThat(first.jobsRecovered() + second.jobsRecovered()).isZero();
    }

    /** A batch file's FileArrived with its first step's jobs, created when {@code made}. */
    io.conveyor.batch.BatchEvent.FileArrived arrivedWithJobs(io.conveyor.pipeline.Pipeline pipeline, InputObject file,
                                                             Duration age, boolean made) {
        String version = io.conveyor.pipeline.PipelineJobs.batchFileVersion(file.eTag());
        List<io.conveyor.batch.BatchEvent.Member> members = new ArrayList<>();
        for (io.conveyor.pipeline.PipelineJobs.Made job : io.conveyor.pipeline.PipelineJobs.of(pipeline,
                pipeline.firstSteps().get(0), "monday", new NewJob.JobInput(file.ref().uri(), version), null,
                name -> java.util.Optional.of(new NewJob.AlgorithmRevision(name, revision, 3)))) {
            if (made) {
                jobs.create(JobLifecycle.admit(job.job(), now.minus(age)));
            }
            members.add(new io.conveyor.batch.BatchEvent.Member(pipeline.firstSteps().get(0).name(), job.job().id()));
        }
        String name = file.ref().key().substring(file.ref().key().lastIndexOf('/') + 1);
        return new io.conveyor.batch.BatchEvent.FileArrived(new io.conveyor.batch.BatchFile(name, version, 10, null,
                now.minus(age).toString()), members);
    }

    @Test
    void pass_inputWithJobYoungOlderThanItsRevisionOrOfUnknownAlgorithm_isLeftAlone() {
        // Given an input with its job, one too young, one written before the algorithm's revision, one of no algorithm
        recordOf(input("done.txt", Duration.ofMinutes(20)));
        input("young.txt", Duration.ofMinutes(5));
        input("before-revision.txt", Duration.ofDays(30));
        inputs.put("inputs/unknown/x.txt", new InputObject(new ObjectRef(IN, "inputs/unknown/x.txt"), "v", "e", 1,
                now.minus(Duration.ofHours(1))));

        // When a pass runs
        ReconcileReport report = pass();

        // Then every key is looked at and none is sent
        assertThat(report.inputsListed()).isEqualTo(4);
        assertThat(redelivered).isEmpty();
    }

    @Test
    void pass_inputWhoseJobIsNamedByETag_hasItsJob() {
        // Given an input whose notification named no version (an emulator's): dispatch named its job by etag
        InputObject input = input("etag.txt", Duration.ofMinutes(20));
        jobs.create(JobLifecycle.admit(JobFixtures.job(input.ref().uri(), "etag:" + input.eTag(), "word-count",
                revision, 3), now));

        pass();

        assertThat(redelivered).isEmpty();
    }

    @Test
    void pass_moreInputsThanACap_goesOnFromTheCheckpointAndWraps() {
        // Given five lost inputs and a cap of two keys per pass
        for (int i = 1; i <= 5; i++) {
            input("f" + i + ".txt", Duration.ofMinutes(20));
        }
        Reconciler reconciler = reconciler(ReconcileSettings.DEFAULTS.withMaxInputs(2));

        // When four passes run
        List<ReconcileReport> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reports.add(reconciler.pass(Duration.ofMinutes(1)));
        }

        // Then each lists at most two keys, from where the last stopped, and the listing starts over at its end
        assertThat(reports).extracting(ReconcileReport::inputsListed).containsExactly(2, 2, 1, 2);
        assertThat(reports).extracting(ReconcileReport::wrapped).containsExactly(false, false, true, false);
        assertThat(listedAfter).containsExactly("null", "inputs/word-count/f2.txt", "inputs/word-count/f4.txt", "null");
        assertThat(redelivered.stream().flatMap(List::stream).map(i -> i.ref().key()).toList()).containsExactly(
                "inputs/word-count/f1.txt", "inputs/word-count/f2.txt", "inputs/word-count/f3.txt",
                "inputs/word-count/f4.txt", "inputs/word-count/f5.txt");
        assertThat(reports.get(3).jobsRecovered()).isZero();
    }

    // ------------------------------------------------------------------ attempts under way

    @Test
    void pass_runningRecordWhoseTaskStoppedUnseen_isResolvedAsTaskEventsWould() {
        // Given a job RUNNING for 30 minutes whose STOPPED event was dead-lettered; ECS still shows the task
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"), running(1));
        ecsTasks.put(TASK, stopped(record.id(), 1, 0));

        // When a pass runs
        ReconcileReport report = pass();

        // Then the record is SUCCEEDED, exactly as the event would have made it
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(report.tasksResolved()).isEqualTo(1);
        assertThat(pass().tasksResolved()).isZero();
    }

    @Test
    void pass_failedExitOfATaskStoppedUnseen_queuesTheNextAttemptCounted() {
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"), running(1));
        ecsTasks.put(TASK, stopped(record.id(), 1, 3));

        pass();

        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.QUEUED);
        assertThat(after.reason()).startsWith("exit code 3");
        assertThat(queued).containsExactly(List.of(record.id()));
    }

    @Test
    void pass_runningRecordWhoseTaskECSForgot_isQueuedAgainUncountedOnce() {
        // Given a job RUNNING whose task ECS no longer knows, and no output written
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"), running(1));
        ecsForgot.add(TASK);

        // When two passes run
        ReconcileReport first = pass();
        ReconcileReport second = pass();

        // Then it is queued again once, not counted
        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.QUEUED);
        assertThat(after.interruptions()).isEqualTo(1);
        assertThat(after.reason()).startsWith("task " + TASK + " vanished");
        assertThat(first.vanished()).isEqualTo(1);
        assertThat(second.vanished()).isZero();
        assertThat(queued).containsExactly(List.of(record.id()));
    }

    @Test
    void pass_startingRecordWithNoTaskListedButOutputsWritten_failsRatherThanRunTwice() {
        // Given a job STARTING 30 minutes ago, ECS lists no task for the attempt, yet its output was written since
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"));
        outputsWritten.add(record.output());

        pass();

        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.FAILED);
        assertThat(after.reason()).startsWith("attempt 1 has no task").contains("its stage-out wrote outputs");
        assertThat(queued).isEmpty();
    }

    @Test
    void pass_startingRecordWhoseTaskIsListed_feedsIt() {
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"));
        startedFor.put(new JobTask(record.id(), 1).startedBy(), List.of(stopped(record.id(), 1, 0)));

        ReconcileReport report = pass();

        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(report.tasksResolved()).isEqualTo(1);
    }

    @Test
    void pass_longInputListing_leavesHalfTheBudgetToTheAttemptsUnderWay() {
        // Given 100 inputs whose notification was lost, a STARTING job whose task stopped unseen, and a clock on
        // which each look at it takes a second
        for (int i = 0; i < 100; i++) {
            input(String.format("lost-%03d.txt", i), Duration.ofMinutes(20));
        }
        JobRecord record = recordOf(input("started.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"));
        startedFor.put(new JobTask(record.id(), 1).startedBy(), List.of(stopped(record.id(), 1, 0)));
        java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();
        clock = new Clock() {
            @Override
            public Instant instant() {
                return now.plusSeconds(ticks.getAndIncrement());
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };

        // When a pass of a minute runs
        ReconcileReport report = reconciler(ReconcileSettings.DEFAULTS).pass(Duration.ofSeconds(60));

        // Then the listing stopped about half way, and the attempt under way was resolved all the same
        assertThat(report.inputsListed()).isBetween(20, 35);
        assertThat(report.tasksResolved()).isEqualTo(1);
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void pass_recordChangedMeanwhile_isReadAgainAndNotMovedTwice() {
        // Given a RUNNING job whose task ECS forgot, and task-events applying its late success while the pass looks
        JobRecord record = recordOf(input("a.txt", Duration.ofHours(1)), new JobEvent.StartRequested("ci-1"), running(1));
        ecsForgot.add(TASK);
        onDescribe = () -> jobs.overwrite(JobFixtures.after(jobs.get(record.id()).orElseThrow(), now,
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded())));

        // When a pass runs
        ReconcileReport report = pass();

        // Then the success stands: the vanish, applied to the record read again, is older news
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(report.vanished()).isZero();
        assertThat(queued).isEmpty();
    }

    @Test
    void pass_recentRunningRecord_isNotLookedUp() {
        NewJob job = JobFixtures.job("s3://conveyor-in/inputs/word-count/b.txt", "v", "word-count", revision, 3);
        JobRecord record = JobFixtures.after(JobFixtures.queued(job, now.minusSeconds(60)), now.minusSeconds(30),
                new JobEvent.StartRequested("ci-1"), running(1));
        jobs.create(record);
        ecsForgot.add(TASK);

        pass();

        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    // ------------------------------------------------------------------ waiting jobs, dead letters, bounds

    @Test
    void pass_queuedRecordOlderThanTheGrace_isSentOnceWithinTheGrace() {
        // Given a chain's child QUEUED an hour ago whose message was never sent, and a job queued a minute ago
        JobRecord old = recordOf(input("old.txt", Duration.ofHours(2)));
        jobs.create(JobLifecycle.admit(JobFixtures.job("s3://conveyor-in/inputs/word-count/new.txt", "v", "word-count",
                revision, 3), now.minusSeconds(60)));

        // When two passes run
        ReconcileReport first = pass();
        ReconcileReport second = pass();

        // Then only the old one is sent, once
        assertThat(queued).containsExactly(List.of(old.id()));
        assertThat(first.requeued()).isEqualTo(1);
        assertThat(second.requeued()).isZero();
    }

    @Test
    void pass_inputWrittenInTheSecondItsRevisionWasRegistered_isRecoveredThoughS3TruncatesItsTime() {
        // Given the revision registered at 00:00:00Z (InMemoryRegistry's time), an input S3 says was written at
        // 23:59:59.5 (within S3's second) and one at 23:59:58 (before the revision: an earlier one made its job)
        Instant registered = Instant.parse("2026-11-19T00:00:00Z");
        InputObject sameSecond = input("same-second.txt", Duration.between(registered.minusMillis(500), now));
        input("before.txt", Duration.between(registered.minusSeconds(2), now));

        // When a pass runs
        pass();

        // Then only the first is handed to dispatch
        assertThat(redelivered).containsExactly(List.of(sameSecond));
    }

    @Test
    void pass_waitingRecordSilentPastTheGrace_isSentAgainButOneSeenRecentlyIsNot() {
        // Given two jobs waiting for capacity for 40 minutes: one whose record dispatch has not written since
        // (its message lost), one whose message came back 5 minutes ago and had its record say it still waits
        JobRecord lost = waiting(input("lost.txt", Duration.ofHours(2)));
        JobRecord alive = JobFixtures.after(waiting(input("alive.txt", Duration.ofHours(2))),
                now.minus(Duration.ofMinutes(5)), new JobEvent.WaitingForCapacity("still no room"));
        jobs.replace(alive, jobs.read(alive.id()).orElseThrow().version());

        // When a pass runs
        ReconcileReport report = pass();

        // Then only the silent one is sent
        assertThat(alive.waitingSeenAt()).isEqualTo(now.minus(Duration.ofMinutes(5)).toString());
        assertThat(queued).containsExactly(List.of(lost.id()));
        assertThat(report.requeued()).isEqualTo(1);
    }

    JobRecord waiting(InputObject input) {
        NewJob job = JobFixtures.job(input.ref().uri(), input.jobVersion(), "word-count", revision, 3);
        JobRecord record = JobFixtures.after(JobFixtures.queued(job, now.minus(Duration.ofHours(1))),
                now.minus(Duration.ofMinutes(40)), new JobEvent.WaitingForCapacity("no room"));
        jobs.create(record);
        return record;
    }

    @Test
    void pass_deadLetters_areReportedAsEmbeddedMetrics() throws Exception {
        ReconcileReport report = pass();

        assertThat(report.deadLetters()).containsEntry("jobs", 2L).containsEntry("task-events", 0L);
        var emf = Json.mapper().readTree(report.emf("conveyor", now));
        assertThat(emf.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Conveyor");
        assertThat(emf.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText()).isEqualTo("stack");
        assertThat(emf.get("stack").asText()).isEqualTo("conveyor");
        assertThat(emf.get("deadLetters_jobs").asLong()).isEqualTo(2);
        assertThat(emf.get("inputsListed").asLong()).isZero();
        List<String> defined = new ArrayList<>();
        emf.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(m -> defined.add(m.get("Name").asText()));
        assertThat(defined).contains("jobsRecovered", "tasksResolved", "tasksVanished", "requeued", "durationMs");
    }

    @Test
    void pass_noBudget_takesNoWorkAndSaysItStoppedEarly() {
        input("lost.txt", Duration.ofMinutes(20));

        ReconcileReport report = reconciler(ReconcileSettings.DEFAULTS).pass(Duration.ZERO);

        assertThat(report.stoppedEarly()).isTrue();
        assertThat(report.inputsListed()).isZero();
        assertThat(redelivered).isEmpty();
    }

    @Test
    void pass_aFailingStep_leavesTheOthersToRun() {
        JobRecord old = recordOf(input("old.txt", Duration.ofHours(2)));
        Reconciler reconciler = Reconciler.builder().inputs((after, limit) -> {
                    throw new IllegalStateException("S3 throttled");
                }).redelivery(redelivered::add).jobs(jobs).queue(ids -> queued.add(List.copyOf(ids)))
                .tasks(new AttemptTasks() {
                    @Override
                    public Described describe(List<String> taskArns) {
                        return new Described(Map.of(), Set.of());
                    }

                    @Override
                    public List<TaskStateChange> startedFor(JobTask attempt) {
                        return List.of();
                    }
                }).outputs((location, since) -> false)
                .taskEvents(new TaskEventDriver(CLUSTER, jobs, ids -> { }, (a, t, w) -> 0, registry, buckets,
                        Clock.fixed(now, ZoneOffset.UTC)))
                .registry(registry).deadLetters(Map::of).state(buckets, OUT).clock(Clock.fixed(now, ZoneOffset.UTC))
                .build();

        ReconcileReport report = reconciler.pass(Duration.ofMinutes(1));

        assertThat(report.failedSteps()).containsExactly("inputs: S3 throttled");
        assertThat(queued).containsExactly(List.of(old.id()));
    }
}
