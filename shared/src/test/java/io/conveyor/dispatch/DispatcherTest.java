package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.observe.MetricLog;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.JobFixtures;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.InMemoryObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    static final String IN = "conveyor-in";
    static final String OUT = "conveyor-out";
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36",
             "command": ["wc", "${CONVEYOR_INPUT}", "--job", "${CONVEYOR_JOB_ID}"],
             "environment": {"REPORT": "${CONVEYOR_OUTPUT_DIR}/report.txt", "PLAIN": "yes"},
             "input": {"suffixes": [".txt"], "maxSizeMiB": 1},
             "resources": {"vcpu": 1, "memoryMiB": 2048}, "retries": 2}""";
    static final String THRESHOLDS = """
            {"name": "thresholds", "image": "busybox:1.36", "command": ["run"],
             "parameters": [{"name": "THRESHOLD", "required": true}, {"name": "MODE", "default": "fast"}],
             "resources": {"vcpu": 0.5, "memoryMiB": 512}}""";

    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryObjectStore inputs = new InMemoryObjectStore();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final List<ContainerInstanceLoad> cluster = new ArrayList<>();
    final Launcher launcher = new Launcher();
    final Fleet fleet = new Fleet();
    final Lease lease = new Lease();
    /** What dispatch told the capacity function, and what it made of each (run in-process here). */
    final List<CapacityNeed> needs = new ArrayList<>();
    final List<CapacityProvisioner.Outcome> outcomes = new ArrayList<>();
    RuntimeException signalFailure;
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    int maxInstances = 3;

    Dispatcher dispatcher() {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return Dispatcher.builder().registry(registry).inputs(inputs).jobs(jobs).cluster(() -> List.copyOf(cluster))
                .launcher(launcher).capacity(need -> {
                    if (signalFailure != null) {
                        throw signalFailure;
                    }
                    needs.add(need);
                    outcomes.add(new CapacityProvisioner(fleet, lease, new CapacityPlanner(maxInstances, "m6i.large"), clock,
                            "conveyor", MetricLog.NONE).provision(List.of(need), List.copyOf(cluster), need.requestedBy()));
                })
                .outputBucket(OUT).startGrace(Duration.ofSeconds(60)).clock(clock)
                .parallelism(1).build();  // a scripted launcher answers in packing order
    }

    @Test
    void dispatch_storeHoldingIndexWrites_indexesTheBatchsJobsOnceWhenItEnds() {
        // Given a dispatcher whose job store holds its index writes until the batch ends
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 2048, 4096);
        io.conveyor.testing.InMemoryJobIndex index = new io.conveyor.testing.InMemoryJobIndex();
        io.conveyor.jobs.IndexedJobStore holding = io.conveyor.jobs.IndexedJobStore.holdingIndexWrites(jobs, index);
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Dispatcher dispatcher = Dispatcher.builder().registry(registry).inputs(inputs).jobs(holding)
                .cluster(() -> List.copyOf(cluster)).launcher(launcher).capacity(needs::add)
                .outputBucket(OUT).startGrace(Duration.ofSeconds(60)).clock(clock).parallelism(1)
                .afterBatch(holding::flushIndex).build();

        // When a batch of two inputs is dispatched
        dispatcher.dispatch(List.of(message("m1", created("inputs/word-count/a.txt", "v1", 10)),
                message("m2", created("inputs/word-count/b.txt", "v1", 10))), "inv-1");

        // Then both jobs are indexed as they stand (STARTING), in one call of the index after the batch
        assertThat(launcher.started).hasSize(2);
        for (TaskStart start : launcher.started) {
            assertThat(index.entry(start.jobId()).summary().state()).isEqualTo(JobState.STARTING);
            assertThat(index.entry(start.jobId()).writes()).isEqualTo(jobs.get(start.jobId()).orElseThrow().writes());
        }
        assertThat(index.putAllCalls()).isEqualTo(1);
    }

    @Test
    void dispatch_inputThatFits_startsOneTaskWithTheJobsValues() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 2048, 4096);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(message("m1",
                created("inputs/word-count/field notes été v1+2.txt", "v7", 10))), "inv-1");

        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(launcher.started).hasSize(1);
        TaskStart start = launcher.started.get(0);
        JobRecord record = jobs.get(start.jobId()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.STARTING);
        assertThat(record.attempt()).isEqualTo(1);
        assertThat(record.placedOn()).isEqualTo("ci-1");
        assertThat(record.input()).isEqualTo("s3://conveyor-in/inputs/word-count/field notes été v1+2.txt");
        assertThat(record.inputVersion()).isEqualTo("v7");
        assertThat(record.output()).isEqualTo("s3://conveyor-out/outputs/word-count/field notes été v1+2.txt/"
                + start.jobId() + "/");
        assertThat(start.containerInstance()).isEqualTo("ci-1");
        assertThat(start.taskDefinitionArn()).isEqualTo("arn:td/word-count:1");
        assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN))
                .containsEntry("CONVEYOR_INPUT_KEY", "inputs/word-count/field notes été v1+2.txt")
                .containsEntry("CONVEYOR_INPUT_VERSION", "v7")
                .containsEntry("CONVEYOR_INPUT", "/conveyor/input/field notes été v1+2.txt");
        assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_OUT))
                .containsEntry("CONVEYOR_OUTPUT_URI", record.output());
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM))
                .containsEntry("CONVEYOR_JOB_ID", start.jobId())
                .containsEntry("CONVEYOR_ATTEMPT", "1")
                .containsEntry("REPORT", "/conveyor/output/report.txt")
                .doesNotContainKey("PLAIN");
        assertThat(start.algorithmCommand())
                .containsExactly("wc", "/conveyor/input/field notes été v1+2.txt", "--job", start.jobId());
        assertThat(start.tags()).containsEntry("conveyor:job", start.jobId()).containsEntry("conveyor:attempt", "1");
        assertThat(fleet.calls).isEmpty();
    }

    @Test
    void dispatch_sameEventThreeTimes_startsOneTask() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        StorageEvent event = created("inputs/word-count/a.txt", "v1", 5);

        // twice in one batch, once more in a later one
        dispatcher().dispatch(List.of(message("m1", event), message("m2", event)), "inv-1");
        Map<String, Dispatcher.Verdict> later = dispatcher().dispatch(List.of(message("m3", event)), "inv-2");

        assertThat(launcher.started).hasSize(1);
        assertThat(later).containsEntry("m3", new Dispatcher.Verdict.Done());
        assertThat(jobs.all()).hasSize(1);
    }

    @Test
    void dispatch_batchOfTen_packsOntoTheFullestInstanceThatFits() {
        registry.register(WORD_COUNT);
        instance("ci-roomy", "i-1", 8192, 16384);
        instance("ci-tight", "i-2", 2048, 4096);
        List<Dispatcher.Message> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(message("m" + i, created("inputs/word-count/f" + i + ".txt", "v1", 5)));
        }

        dispatcher().dispatch(batch, "inv-1");

        // 2 tasks fill the tight instance (2048 MiB each), the other 8 go to the roomy one
        assertThat(launcher.started).extracting(TaskStart::containerInstance)
                .filteredOn("ci-tight"::equals).hasSize(2);
        assertThat(launcher.started).hasSize(10);
    }

    @Test
    void dispatch_startRefusedForResources_requeuesOnlyThatJobWithoutCountingAnAttempt() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        launcher.script.add(new TaskStart.Result.Started("arn:task/1"));
        launcher.script.add(new TaskStart.Result.Refused("RESOURCE:MEMORY on ci-1", true));

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5)),
                message("m2", created("inputs/word-count/b.txt", "v1", 5))), "inv-1");

        String refusedJob = launcher.started.get(1).jobId();
        String refusedMessage = launcher.started.get(1).environment().get(TaskDefinitionWrapper.STAGE_IN)
                .get("CONVEYOR_INPUT_KEY").endsWith("a.txt") ? "m1" : "m2";
        String otherMessage = refusedMessage.equals("m1") ? "m2" : "m1";
        assertThat(verdicts.get(refusedMessage)).isInstanceOf(Dispatcher.Verdict.Wait.class);
        assertThat(verdicts.get(otherMessage)).isEqualTo(new Dispatcher.Verdict.Done());
        JobRecord refused = jobs.get(refusedJob).orElseThrow();
        assertThat(refused.state()).isEqualTo(JobState.QUEUED);
        assertThat(refused.attempt()).isZero();
        assertThat(refused.reason()).isEqualTo("start refused, tried again: RESOURCE:MEMORY on ci-1");

        // its redelivery starts it as attempt 1
        launcher.script.add(new TaskStart.Result.Started("arn:task/2"));
        dispatcher().dispatch(List.of(message("m9", created(
                refusedMessage.equals("m1") ? "inputs/word-count/a.txt" : "inputs/word-count/b.txt", "v1", 5))), "inv-2");
        assertThat(jobs.get(refusedJob).orElseThrow().state()).isEqualTo(JobState.STARTING);
        assertThat(jobs.get(refusedJob).orElseThrow().attempt()).isEqualTo(1);
    }

    @Test
    void dispatch_startRefusedForGood_failsTheJobAndDeletesTheMessage() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        launcher.script.add(new TaskStart.Result.Refused("ClientException: TaskDefinition is inactive", false));

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Done());
        JobRecord record = jobs.all().get(0);
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("ECS refused the task: ClientException: TaskDefinition is inactive");
    }

    @Test
    void dispatch_placedOnARegisteredInstance_recordsTheAttemptsInstanceAndShare() {
        // Given an m6i.large that registered 4096 CPU units and 7482 MiB (as moto registers every instance)
        registry.register(WORD_COUNT);
        cluster.add(new ContainerInstanceLoad("ci-1", "i-0abc", "ACTIVE", true, 0, 0, "m6i.large", 4096, 7482, 4096,
                7482));

        // When a job of 1 vCPU (1024 units) and 2048 MiB is placed on it
        dispatcher().dispatch(List.of(message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        // Then its record keeps where attempt 1 runs and its share: memory's 2048/7482 beats CPU's 1/4
        JobRecord record = jobs.all().get(0);
        assertThat(record.placements()).containsExactly(new io.conveyor.jobs.AttemptPlacement(1, "i-0abc", "m6i.large",
                "on-demand", 2048.0 / 7482));
    }

    @Test
    void dispatch_instanceWhoseRegisteredResourcesAreUnknown_noPlacementRecorded() {
        // Given a container instance ECS told nothing of its registered resources
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 2048, 4096);

        // When a job is placed on it
        dispatcher().dispatch(List.of(message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        // Then it starts, without a share nobody could tell
        assertThat(launcher.started).hasSize(1);
        assertThat(jobs.all().get(0).placements()).isEmpty();
    }

    @Test
    void dispatch_emptyCluster_launchesOnceAndTheJobWaits() {
        registry.register(WORD_COUNT);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5)),
                message("m2", created("inputs/word-count/b.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).containsExactly("launch m6i.large x1");
        assertThat(fleet.launchedFor).as("one algorithm waits: its cost-allocation tag").containsExactly("word-count");
        assertThat(verdicts.values()).allSatisfy(v -> assertThat(v).isEqualTo(new Dispatcher.Verdict.Wait(30,
                CapacityRequests.ASKED)));
        assertThat(needs).singleElement().satisfies(need -> {
            assertThat(need.requestedBy()).isEqualTo("inv-1");
            assertThat(need.requestedAt()).isEqualTo(now);
            assertThat(need.algorithms()).containsExactly("word-count");
            assertThat(need.waiting()).extracting(Packer.Demand::key).containsExactlyInAnyOrderElementsOf(
                    jobs.all().stream().map(JobRecord::id).toList());
            assertThat(need.waiting()).allSatisfy(demand -> assertThat(demand.cpuUnits()).isEqualTo(1024));
        });
        assertThat(jobs.all()).allSatisfy(record -> {
            assertThat(record.state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
            assertThat(record.waitingSince()).isEqualTo("2026-11-21T10:00:00Z");
        });

        // Redelivered while the instance boots: no second launch, the wait is kept and the delay grows
        fleet.instances.add(new FleetInstance("i-new", "m6i.large", FleetInstance.State.PENDING));
        now = now.plusSeconds(31);
        lease.held = false;
        Map<String, Dispatcher.Verdict> again = dispatcher().dispatch(List.of(
                new Dispatcher.Message("m1", 2, List.of(created("inputs/word-count/a.txt", "v1", 5)))), "inv-2");
        assertThat(fleet.calls).containsExactly("launch m6i.large x1");
        assertThat(again.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(60, CapacityRequests.ASKED));
        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.DECIDED, CapacityProvisioner.Outcome.DECIDED);
        assertThat(jobs.all().get(0).waitingSince()).isEqualTo("2026-11-21T10:00:00Z");
    }

    @Test
    void dispatch_stoppedConveyorInstance_isStartedRatherThanANewOneLaunched() {
        registry.register(WORD_COUNT);
        fleet.instances.add(new FleetInstance("i-stopped", "m6i.large", FleetInstance.State.STOPPED));

        dispatcher().dispatch(List.of(message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).containsExactly("start [i-stopped]");
    }

    @Test
    void dispatch_capReached_launchesNothingAndTheJobWaits() {
        registry.register(WORD_COUNT);
        maxInstances = 2;
        fleet.instances.add(new FleetInstance("i-a", "m6i.large", FleetInstance.State.RUNNING));
        fleet.instances.add(new FleetInstance("i-b", "m6i.large", FleetInstance.State.STOPPING));
        fleet.instances.add(new FleetInstance("i-c", "m6i.large", FleetInstance.State.STOPPED));
        instance("ci-a", "i-a", 0, 0);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).isEmpty();
        assertThat(verdicts.get("m1")).isInstanceOf(Dispatcher.Verdict.Wait.class);
        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.DECIDED);
        assertThat(jobs.all().get(0).state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
    }

    @Test
    void dispatch_leaseHeldByAnother_asksForNoCapacity() {
        registry.register(WORD_COUNT);
        lease.held = true;

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).isEmpty();
        assertThat(fleet.described).isZero();
        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.LEASE_HELD);
        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
    }

    @Test
    void dispatch_rejections_endTheMessageWithARecordSayingWhy() {
        registry.register(WORD_COUNT);
        registry.register(THRESHOLDS);
        registry.retire("word-count-old", WORD_COUNT.replace("\"word-count\"", "\"word-count-old\""));
        instance("ci-1", "i-1", 4096, 8192);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("unknown", created("inputs/nope/a.txt", "v1", 5)),
                message("retired", created("inputs/word-count-old/a.txt", "v1", 5)),
                message("suffix", created("inputs/word-count/a.pdf", "v1", 5)),
                message("size", created("inputs/word-count/big.txt", "v1", 1024 * 1024 + 1)),
                message("param", head("inputs/thresholds/x.bin", "v1", 5, Map.of()))), "inv-1");

        assertThat(verdicts.values()).allSatisfy(v -> assertThat(v).isEqualTo(new Dispatcher.Verdict.Done()));
        assertThat(launcher.started).isEmpty();
        assertThat(jobs.all()).extracting(JobRecord::state).containsOnly(JobState.FAILED);
        assertThat(jobs.all()).extracting(JobRecord::reason).containsExactlyInAnyOrder(
                "rejected: unknown algorithm 'nope': no descriptor registered under that name (upload algorithms/nope.json, then upload this input again)",
                "rejected: algorithm 'word-count-old' was retired at 2026-11-20T00:00:00Z: it takes no new inputs",
                "rejected: 'a.pdf' does not end in one of [.txt] (input.suffixes of word-count)",
                "rejected: is 1048577 bytes, over input.maxSizeMiB (1 MiB) of word-count",
                "rejected: required parameter THRESHOLD has no value: give it as S3 object metadata (x-amz-meta-threshold)");
    }

    @Test
    void dispatch_parametersFromMetadata_reachTheAlgorithmWithDefaults() {
        registry.register(THRESHOLDS);
        instance("ci-1", "i-1", 4096, 8192);

        dispatcher().dispatch(List.of(message("m1", head("inputs/thresholds/x.bin", "v1", 0,
                Map.of("threshold", "0.75")))), "inv-1");

        assertThat(launcher.started).hasSize(1);
        assertThat(launcher.started.get(0).environment().get(TaskDefinitionWrapper.ALGORITHM))
                .containsEntry("THRESHOLD", "0.75").containsEntry("MODE", "fast");
    }

    @Test
    void dispatch_startInDoubt_waitsWithinTheGraceThenStartsTheSameAttemptAgain() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        StorageEvent event = created("inputs/word-count/a.txt", "v1", 5);
        // An earlier dispatch claimed the job, then died before its StartTask
        launcher.script.add(new TaskStart.Result.Started("arn:task/lost"));
        dispatcher().dispatch(List.of(message("m1", event)), "inv-1");
        String job = launcher.started.get(0).jobId();
        launcher.started.clear();
        launcher.tasksStartedBy.remove(job + "-1");

        now = now.plusSeconds(20);
        Map<String, Dispatcher.Verdict> early = dispatcher().dispatch(List.of(message("m1", event)), "inv-2");
        assertThat(early.get("m1")).isInstanceOf(Dispatcher.Verdict.Wait.class);
        assertThat(launcher.started).isEmpty();

        now = now.plusSeconds(60);
        Map<String, Dispatcher.Verdict> late = dispatcher().dispatch(List.of(message("m1", event)), "inv-3");
        assertThat(late.get("m1")).isEqualTo(new Dispatcher.Verdict.Done());
        assertThat(launcher.started).extracting(TaskStart::attempt).containsExactly(1);
    }

    @Test
    void dispatch_oddKeys_keepTheirNameAndGetTheirOwnOutput() {
        registry.register(WORD_COUNT.replace("\"suffixes\": [\".txt\"], ", ""));
        instance("ci-1", "i-1", 16384, 65536);
        List<String> keys = List.of("inputs/word-count/a b.txt", "inputs/word-count/a+b.txt",
                "inputs/word-count/100%25.txt", "inputs/word-count/日本語/データ.txt", "inputs/word-count/x/../..",
                "inputs/word-count//b");
        List<Dispatcher.Message> batch = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            batch.add(message("m" + i, created(keys.get(i), "v1", 5)));
        }

        dispatcher().dispatch(batch, "inv-1");

        Map<String, String> outputByKey = new HashMap<>();
        for (TaskStart start : launcher.started) {
            outputByKey.put(start.environment().get(TaskDefinitionWrapper.STAGE_IN).get("CONVEYOR_INPUT_KEY"),
                    start.environment().get(TaskDefinitionWrapper.STAGE_OUT).get("CONVEYOR_OUTPUT_URI")
                            .replace(start.jobId(), "ID"));
        }
        assertThat(outputByKey).containsOnly(
                Map.entry("inputs/word-count/a b.txt", "s3://conveyor-out/outputs/word-count/a b.txt/ID/"),
                Map.entry("inputs/word-count/a+b.txt", "s3://conveyor-out/outputs/word-count/a+b.txt/ID/"),
                Map.entry("inputs/word-count/100%25.txt", "s3://conveyor-out/outputs/word-count/100%25.txt/ID/"),
                Map.entry("inputs/word-count/日本語/データ.txt", "s3://conveyor-out/outputs/word-count/日本語/データ.txt/ID/"),
                Map.entry("inputs/word-count/x/../..", "s3://conveyor-out/outputs/word-count/x/_../_../ID/"),
                Map.entry("inputs/word-count//b", "s3://conveyor-out/outputs/word-count/_/b/ID/"));
        assertThat(launcher.started).extracting(s -> s.environment().get(TaskDefinitionWrapper.STAGE_IN)
                .get("CONVEYOR_INPUT")).contains("/conveyor/input/input", "/conveyor/input/データ.txt");
    }

    @Test
    void capacityDelay_doublesFromThirtySecondsUpToFiveMinutes() {
        assertThat(List.of(1, 2, 3, 4, 5, 60).stream().map(CapacityRequests::capacityDelay))
                .containsExactly(30, 60, 120, 240, 300, 300);
    }

    @Test
    void launchToken_isOnePerDecision() {
        Instant at = Instant.parse("2026-11-21T10:00:45Z");
        String token = CapacityProvisioner.launchToken("inv-1", at, "m6i.large", 1);

        // the same decision (an SDK retry of it) keeps its token; any other decision gets its own
        assertThat(CapacityProvisioner.launchToken("inv-1", at, "m6i.large", 1)).isEqualTo(token);
        assertThat(List.of(CapacityProvisioner.launchToken("inv-2", at, "m6i.large", 1),
                CapacityProvisioner.launchToken("inv-1", at.plusSeconds(1), "m6i.large", 1),
                CapacityProvisioner.launchToken("inv-1", at, "m6i.large", 2),
                CapacityProvisioner.launchToken("inv-1", at, "c6i.large", 1))).doesNotContain(token).doesNotHaveDuplicates();
        assertThat(token).hasSizeLessThanOrEqualTo(62);
    }

    @Test
    void dispatch_startWithoutAnswer_leavesTheJobStartingAndLooksForItsTaskNextTime() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        StorageEvent event = created("inputs/word-count/a.txt", "v1", 5);
        launcher.script.add(new TaskStart.Result.Unknown("ServerException (HTTP 500)"));

        Map<String, Dispatcher.Verdict> first = dispatcher().dispatch(List.of(message("m1", event)), "inv-1");

        assertThat(first.get("m1")).isInstanceOf(Dispatcher.Verdict.Wait.class);
        assertThat(((Dispatcher.Verdict.Wait) first.get("m1")).delaySeconds()).isEqualTo(60);
        String job = launcher.started.get(0).jobId();
        assertThat(jobs.get(job).orElseThrow().state()).isEqualTo(JobState.STARTING);

        // The call did start a task after all: the redelivery finds it and starts nothing
        launcher.tasksStartedBy.add(job + "-1");
        now = now.plusSeconds(61);
        Map<String, Dispatcher.Verdict> second = dispatcher().dispatch(List.of(message("m1", event)), "inv-2");
        assertThat(second.get("m1")).isEqualTo(new Dispatcher.Verdict.Done());
        assertThat(launcher.started).hasSize(1);
    }

    @Test
    void dispatch_messageWithTwoRecords_waitsWhenEitherWaits() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 1024, 2048);  // room for one task
        lease.held = true;

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(new Dispatcher.Message("m1", 1,
                List.of(created("inputs/word-count/a.txt", "v1", 5), created("inputs/word-count/b.txt", "v1", 5)))),
                "inv-1");

        assertThat(launcher.started).hasSize(1);
        assertThat(verdicts.get("m1")).isInstanceOf(Dispatcher.Verdict.Wait.class);
    }

    @Test
    void dispatch_oneMessageFailingAdmission_failsOnlyThatMessage() {
        registry.register(WORD_COUNT);
        registry.broken = "word-count-broken";
        instance("ci-1", "i-1", 4096, 8192);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("bad", created("inputs/word-count-broken/a.txt", "v1", 5)),
                message("good", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(verdicts.get("bad")).isInstanceOf(Dispatcher.Verdict.Failed.class);
        assertThat(verdicts.get("good")).isEqualTo(new Dispatcher.Verdict.Done());
        assertThat(launcher.started).hasSize(1);
    }

    @Test
    void dispatch_ec2RefusingTheLaunch_letsTheJobsWait() {
        registry.register(WORD_COUNT);
        fleet.failWith = new IllegalStateException("InsufficientInstanceCapacity: no m6i.large in us-east-1a");

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.EC2_FAILED);
        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
        assertThat(jobs.all().get(0).state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
    }

    @Test
    void dispatch_leaseAboutToRunOut_launchesNothing() {
        registry.register(WORD_COUNT);
        lease.length = Duration.ofSeconds(10);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).isEmpty();
        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.LEASE_EXPIRING);
        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
    }

    @Test
    void dispatch_capacitySignalFailing_letsTheJobsWaitWithTheReason() {
        // Given a capacity queue that cannot be reached
        registry.register(WORD_COUNT);
        signalFailure = new IllegalStateException("SQS said 503");

        // When a job finds no room
        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        // Then it waits all the same (its next delivery asks again), and nothing was asked of EC2
        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(30,
                "asking for capacity failed: SQS said 503"));
        assertThat(jobs.all().get(0).state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(fleet.described).isZero();
    }

    @Test
    void dispatch_restartedInstanceWhoseAgentIsNotBackYet_isWaitedForNotLaunchedAgain() {
        registry.register(WORD_COUNT);
        fleet.instances.add(new FleetInstance("i-s", "m6i.large", FleetInstance.State.RUNNING));
        cluster.add(new ContainerInstanceLoad("ci-s", "i-s", "ACTIVE", false, 0, 0, "m6i.large", 2048, 7000));

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(
                message("m1", created("inputs/word-count/a.txt", "v1", 5))), "inv-1");

        assertThat(fleet.calls).isEmpty();
        assertThat(outcomes).containsExactly(CapacityProvisioner.Outcome.DECIDED);
        assertThat(verdicts.get("m1")).isEqualTo(new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
    }

    // ------------------------------------------------------------------ fixtures

    // ------------------------------------------------------------------ jobs named by id (retries, chains)

    @Test
    void dispatch_retryMessage_startsTheNextAttemptFromTheRecord() {
        // Given a job whose first attempt failed: task-events queued it again
        String job = firstAttemptStarted();
        jobs.overwrite(JobFixtures.after(jobs.get(job).orElseThrow(), now,
                JobEvent.AttemptEnded.of(1, new JobEvent.ExitCode(3, null, null))));
        assertThat(jobs.get(job).orElseThrow().reason()).isEqualTo("exit code 3; trying again (attempt 2 of 3)");
        int records = jobs.all().size();

        // When its message comes
        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(jobMessage("m2", job)), "inv-2");

        // Then attempt 2 starts, pinned to the same input version, in the same output prefix
        assertThat(verdicts).containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(launcher.started).hasSize(2);
        TaskStart second = launcher.started.get(1);
        assertThat(second.jobId()).isEqualTo(job);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.tags()).containsEntry("conveyor:attempt", "2").containsEntry("conveyor:timeout-seconds",
                "3600");
        assertThat(second.environment().get(TaskDefinitionWrapper.STAGE_IN)).containsEntry("CONVEYOR_INPUT_VERSION", "v1");
        JobRecord record = jobs.get(job).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.STARTING);
        assertThat(record.attempt()).isEqualTo(2);
        assertThat(second.environment().get(TaskDefinitionWrapper.STAGE_OUT)).containsEntry("CONVEYOR_OUTPUT_URI",
                record.output());
        assertThat(jobs.all()).hasSize(records);
    }

    @Test
    void dispatch_retryAfterTheAlgorithmChanged_failsTheJobSayingWhy() {
        String job = firstAttemptStarted();
        jobs.overwrite(JobFixtures.after(jobs.get(job).orElseThrow(), now,
                JobEvent.AttemptEnded.of(1, new JobEvent.ExitCode(3, null, null))));
        registry.register(WORD_COUNT.replace("\"retries\": 2", "\"retries\": 5"));

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(jobMessage("m2", job)), "inv-2");

        assertThat(verdicts).containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(launcher.started).hasSize(1);
        JobRecord record = jobs.get(job).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).startsWith("rejected: algorithm 'word-count' changed since this job was made");
    }

    @Test
    void dispatch_chainedJob_readsItsInputWhereItLiesAndNoticesWhenItChanged() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        ObjectRef produced = new ObjectRef(OUT, "outputs/first/a.txt/job-000000000000000000000001/counts.txt");
        inputs.put(new StoredObject(produced, null, "etag-1", 7));
        String revision = registry.algorithms.get("word-count").sha256();
        JobRecord child = JobFixtures.queued(JobFixtures.job(produced.uri(), "etag:etag-1", "word-count", revision, 3)
                .withParent("job-000000000000000000000001").withOutput("s3://" + OUT + "/outputs/word-count/x/"), now);
        jobs.create(child);
        JobRecord changed = JobFixtures.queued(JobFixtures.job(produced.uri(), "etag:etag-0", "word-count", revision, 3)
                .withParent("job-000000000000000000000001").withOutput("s3://" + OUT + "/outputs/word-count/y/"), now);
        jobs.create(changed);

        dispatcher().dispatch(List.of(jobMessage("m1", child.id()), jobMessage("m2", changed.id())), "inv-1");

        assertThat(launcher.started).singleElement().satisfies(start -> {
            assertThat(start.jobId()).isEqualTo(child.id());
            assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN))
                    .containsEntry("CONVEYOR_INPUT_BUCKET", OUT)
                    .containsEntry("CONVEYOR_INPUT_KEY", produced.key())
                    .containsEntry("CONVEYOR_INPUT_VERSION", "");
        });
        assertThat(jobs.get(changed.id()).orElseThrow().reason())
                .isEqualTo("rejected: the input " + produced + " changed since this job was made (it was etag:etag-0, "
                        + "now etag:etag-1)");
    }

    @Test
    void dispatch_messageNamingAFinishedOrMissingJob_startsNothing() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        JobRecord done = JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://in/inputs/x", "v", "word-count", "r",
                1), now), now, new JobEvent.Rejected("x"));
        jobs.create(done);

        Map<String, Dispatcher.Verdict> verdicts = dispatcher().dispatch(List.of(jobMessage("m1", done.id()),
                jobMessage("m2", "job-00000000000000000000000f")), "inv-1");

        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done()).containsEntry("m2",
                new Dispatcher.Verdict.Done());
        assertThat(launcher.started).isEmpty();
        assertThat(jobs.get(done.id()).orElseThrow().reason()).isEqualTo("rejected: x");
    }

    /** Registers word-count, dispatches one input onto a roomy instance; returns its job. */
    String firstAttemptStarted() {
        registry.register(WORD_COUNT);
        instance("ci-1", "i-1", 4096, 8192);
        StorageEvent event = created("inputs/word-count/a.txt", "v1", 5);
        inputs.put(new StoredObject(event.object(), "v1", event.eTag(), 5));
        dispatcher().dispatch(List.of(message("m1", event)), "inv-1");
        return launcher.started.get(0).jobId();
    }

    static Dispatcher.Message jobMessage(String id, String jobId) {
        return new Dispatcher.Message(id, 1, List.of(), List.of(jobId));
    }

    void instance(String arn, String ec2Id, int cpu, int memory) {
        cluster.add(new ContainerInstanceLoad(arn, ec2Id, "ACTIVE", true, 0, 0, "m6i.large", cpu, memory));
    }

    static Dispatcher.Message message(String id, StorageEvent event) {
        return new Dispatcher.Message(id, 1, List.of(event));
    }

    static StorageEvent created(String key, String version, long size) {
        return new StorageEvent(StorageEvent.Kind.CREATED, "ObjectCreated:Put", new ObjectRef(IN, key), version,
                "etag-" + key.hashCode(), size, "0055AED6DCD90281E5");
    }

    /** An event whose object the store describes (with metadata). */
    StorageEvent head(String key, String version, long size, Map<String, String> metadata) {
        ObjectRef ref = new ObjectRef(IN, key);
        inputs.put(new StoredObject(ref, version, "etag", size, metadata));
        return created(key, version, size);
    }

    static final class Launcher implements TaskLauncher {
        final List<TaskStart> started = new ArrayList<>();
        final Deque<TaskStart.Result> script = new ArrayDeque<>();
        final java.util.Set<String> tasksStartedBy = new java.util.HashSet<>();

        @Override
        public synchronized List<TaskStart.Result> start(List<TaskStart> starts) {
            List<TaskStart.Result> results = new ArrayList<>();
            for (TaskStart start : starts) {
                started.add(start);
                TaskStart.Result result = script.isEmpty() ? new TaskStart.Result.Started("arn:task/" + started.size())
                        : script.poll();
                if (result instanceof TaskStart.Result.Started) {
                    tasksStartedBy.add(new io.conveyor.jobs.JobTask(start.jobId(), start.attempt()).startedBy());
                }
                results.add(result);
            }
            return results;
        }

        @Override
        public synchronized boolean anyTaskStartedBy(String startedBy) {
            return tasksStartedBy.contains(startedBy);
        }
    }

    static final class Fleet implements InstanceFleet {
        final List<FleetInstance> instances = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        int described;
        RuntimeException failWith;

        @Override
        public List<FleetInstance> instances() {
            described++;
            if (failWith != null) {
                throw failWith;
            }
            return List.copyOf(instances);
        }

        @Override
        public void start(List<String> instanceIds) {
            calls.add("start " + instanceIds);
        }

        final List<String> launchedFor = new ArrayList<>();

        @Override
        public List<String> launch(String instanceType, int count, String idempotencyToken) {
            calls.add("launch " + instanceType + " x" + count);
            return List.of("i-launched");
        }

        @Override
        public List<String> launchFor(String algorithm, String instanceType, int count, String idempotencyToken) {
            launchedFor.add(algorithm);
            return launch(instanceType, count, idempotencyToken);
        }
    }

    final class Lease implements CapacityLease {
        boolean held;
        Duration length = Duration.ofSeconds(45);

        @Override
        public Optional<Instant> tryAcquire(String holder) {
            if (held) {
                return Optional.empty();
            }
            held = true;
            return Optional.of(now.plus(length));
        }
    }
}
