package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Validation;
import io.conveyor.dispatch.CapacityPlanner;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.dispatch.TaskLauncher;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.tasks.TaskStateChange;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.InMemoryRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scripted job through both drivers: the local mode's ({@link LocalJobs}, on an outbox) and
 * AWS's (dispatch and task-events, on in-memory fakes of S3, SQS, ECS and EC2). It waits for
 * capacity, starts, fails with exit code 3, starts again, times out, starts a third time and
 * succeeds. Each step's record must be the same on both, field by field, but for the fields that say
 * where things are: they name a file or an S3 object, a process or a container instance.
 */
class LifecycleParityTest {

    static final String DESCRIPTOR = """
            {"name": "word-count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 2, "timeoutSeconds": 60}""";

    @TempDir
    Path workspace;

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void sameEvents_localAndAwsDrivers_writeTheSameRecords() throws Exception {
        List<JobRecord> local = local();
        List<JobRecord> aws = aws();

        assertThat(local).extracting(JobRecord::state).containsExactly(
                io.conveyor.jobs.JobState.WAITING_FOR_CAPACITY, io.conveyor.jobs.JobState.STARTING,
                io.conveyor.jobs.JobState.RUNNING, io.conveyor.jobs.JobState.QUEUED, io.conveyor.jobs.JobState.STARTING,
                io.conveyor.jobs.JobState.RUNNING, io.conveyor.jobs.JobState.QUEUED, io.conveyor.jobs.JobState.STARTING,
                io.conveyor.jobs.JobState.RUNNING, io.conveyor.jobs.JobState.SUCCEEDED);
        assertThat(aws).hasSameSizeAs(local);
        for (int step = 0; step < local.size(); step++) {
            assertThat(comparable(aws.get(step))).as("step %d (%s)", step, local.get(step).state())
                    .isEqualTo(comparable(local.get(step)));
        }
        assertThat(local.get(3).reason()).isEqualTo("exit code 3; trying again (attempt 2 of 3)");
        assertThat(local.get(6).reason()).isEqualTo("timed out after 60 s (timeoutSeconds); trying again (attempt 3 of 3)");
    }

    /**
     * A record's fields, but for those that say where things are (the input's location and version,
     * the id made of them, the output location, the local process, the container instance, ECS's task
     * details) and the wording of a wait (it names the cluster or this machine).
     */
    static Map<String, Object> comparable(JobRecord r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("algorithm", r.algorithm());
        fields.put("revision", r.revision());
        fields.put("parent", r.parent());
        fields.put("state", r.state());
        fields.put("attempt", r.attempt());
        fields.put("maxAttempts", r.maxAttempts());
        fields.put("exitCode", r.exitCode());
        fields.put("reason", r.state() == io.conveyor.jobs.JobState.WAITING_FOR_CAPACITY ? "(a wait)" : r.reason());
        fields.put("stderrTail", r.stderrTail());
        fields.put("queuedAt", r.queuedAt());
        fields.put("startedAt", r.startedAt());
        fields.put("endedAt", r.endedAt());
        fields.put("outputs", r.outputs());
        fields.put("waitingSince", r.waitingSince());
        fields.put("interruptions", r.interruptions());
        fields.put("children", r.children());
        fields.put("countedAttempts", r.countedAttempts());
        return fields;
    }

    // ------------------------------------------------------------------ the local driver

    List<JobRecord> local() throws Exception {
        MutableClock clock = new MutableClock(T0);
        LocalSettings settings = new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"),
                workspace.resolve("algorithms"), 1, 4096, Duration.ZERO, Duration.ofMillis(10));
        Validation validation = new DescriptorValidator().validate("word-count.json",
                DESCRIPTOR.getBytes(StandardCharsets.UTF_8));
        LocalCapacity capacity = new LocalCapacity(settings.cpus(), settings.memoryMiB());
        LocalOutputs outputs = new LocalOutputs(settings);
        FileJobStore store = new FileJobStore(settings.jobs());
        LocalJobs jobs = new LocalJobs(new JobUpdates(store, clock), new LocalAdmission(settings,
                Map.of("word-count", new LocalAdmission.Algorithm(validation.descriptor(), validation.sha256())), capacity),
                capacity, outputs, new LocalPipeline.Listener() { }, clock, false);
        Path input = settings.inbox().resolve("word-count/a.txt");
        Files.createDirectories(input.getParent());
        Files.writeString(input, "one two three\n");
        List<JobRecord> steps = new ArrayList<>();

        // Someone else holds the machine: the job waits.
        capacity.tryReserve(validation.descriptor().resources());
        clock.tick();
        jobs.admit(input, "word-count", "a.txt");
        jobs.place();
        String id = store.all().get(0).id();
        steps.add(store.get(id).orElseThrow());
        capacity.release(validation.descriptor().resources());
        for (int attempt = 1; attempt <= 3; attempt++) {
            clock.tick();
            // STARTING is kept in memory and written with the process's start: the record it would write is the start's.
            List<LocalJobs.Start> starts = jobs.place();
            assertThat(starts).hasSize(1);
            steps.add(starts.get(0).job());
            clock.tick();
            jobs.report(new AttemptReport.Started(id, attempt, 1000 + attempt, "t"), path -> { });
            steps.add(store.get(id).orElseThrow());
            clock.tick();
            LocalProcessRunner.Result result = switch (attempt) {
                case 1 -> new LocalProcessRunner.Result(3, false, null, 0);
                case 2 -> new LocalProcessRunner.Result(-1, true, null, 0);
                default -> {
                    Path produced = outputs.attemptDir(store.get(id).orElseThrow()).resolve("output/counts.txt");
                    Files.createDirectories(produced.getParent());
                    Files.writeString(produced, "3\n");
                    yield new LocalProcessRunner.Result(0, false, null, 0);
                }
            };
            jobs.report(new AttemptReport.Exited(id, attempt, result), path -> { });
            steps.add(store.get(id).orElseThrow());
        }
        return steps;
    }

    // ------------------------------------------------------------------ the AWS drivers

    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";
    static final ObjectRef INPUT = new ObjectRef("conveyor-in", "inputs/word-count/a.txt");

    List<JobRecord> aws() {
        MutableClock clock = new MutableClock(T0);
        InMemoryRegistry registry = new InMemoryRegistry();
        registry.register(DESCRIPTOR);
        InMemoryObjectStore objects = new InMemoryObjectStore();
        objects.put(new StoredObject(INPUT, "v1", "e1", 14));
        InMemoryJobStore store = new InMemoryJobStore();
        List<ContainerInstanceLoad> cluster = new ArrayList<>();
        List<String> queue = new ArrayList<>();
        List<TaskStart> started = new ArrayList<>();
        TaskLauncher launcher = new TaskLauncher() {
            @Override
            public List<TaskStart.Result> start(List<TaskStart> starts) {
                started.addAll(starts);
                return starts.stream().<TaskStart.Result>map(s -> new TaskStart.Result.Started("arn:task/" + s.attempt()))
                        .toList();
            }

            @Override
            public boolean anyTaskStartedBy(String startedBy) {
                return false;
            }
        };
        Dispatcher dispatcher = Dispatcher.builder().registry(registry).inputs(objects).jobs(store)
                .cluster(() -> List.copyOf(cluster)).launcher(launcher)
                .capacity(need -> { }).outputBucket("conveyor-out")
                .startGrace(Duration.ofMinutes(3)).clock(clock).build();
        TaskEventDriver events = new TaskEventDriver(CLUSTER, store, queue::addAll, (attempt, task, why) -> {
            throw new AssertionError("no task of this scripted job runs for nothing: " + task);
        }, registry, objects, clock);
        List<JobRecord> steps = new ArrayList<>();

        clock.tick();
        dispatcher.dispatch(List.of(new Dispatcher.Message("m1", 1, List.of(new StorageEvent(StorageEvent.Kind.CREATED,
                "ObjectCreated:Put", INPUT, "v1", "e1", 14, "00")))), "inv-1");
        String id = store.all().get(0).id();
        steps.add(store.get(id).orElseThrow());
        cluster.add(new ContainerInstanceLoad("ci-1", "i-1", "ACTIVE", true, 0, 0, "m6i.large", 2048, 8192));
        for (int attempt = 1; attempt <= 3; attempt++) {
            clock.tick();
            dispatcher.dispatch(List.of(attempt == 1 ? new Dispatcher.Message("m1", 2, List.of(new StorageEvent(
                    StorageEvent.Kind.CREATED, "ObjectCreated:Put", INPUT, "v1", "e1", 14, "00")))
                    : new Dispatcher.Message("m" + attempt, 1, List.of(), List.of(id))), "inv-" + attempt);
            steps.add(store.get(id).orElseThrow());
            clock.tick();
            events.apply(change(id, attempt, 3, "RUNNING", null, null, null));
            steps.add(store.get(id).orElseThrow());
            clock.tick();
            switch (attempt) {
                case 1 -> events.apply(change(id, attempt, 6, "STOPPED", 3, "EssentialContainerExited",
                        "Essential container in task exited"));
                case 2 -> events.apply(change(id, attempt, 6, "STOPPED", 143, "UserInitiated", JobTask.timeoutReason(60)));
                default -> {
                    String prefix = ObjectRef.parse(store.get(id).orElseThrow().output()).key();
                    objects.write(new ObjectRef("conveyor-out", prefix + "counts.txt"), "3\n".getBytes(), "text/plain");
                    events.apply(change(id, attempt, 6, "STOPPED", 0, "EssentialContainerExited", "done"));
                }
            }
            steps.add(store.get(id).orElseThrow());
        }
        assertThat(started).extracting(TaskStart::attempt).containsExactly(1, 2, 3);
        assertThat(queue).containsExactly(id, id);
        return steps;
    }

    static TaskStateChange change(String id, int attempt, long version, String status, Integer algorithm,
                                  String stopCode, String reason) {
        boolean stopped = status.equals("STOPPED");
        List<ContainerState> containers = List.of(
                new ContainerState(TaskDefinitionWrapper.STAGE_IN, "STOPPED", 0, null),
                new ContainerState(TaskDefinitionWrapper.ALGORITHM, status, algorithm, null),
                new ContainerState(TaskDefinitionWrapper.STAGE_OUT, status, stopped ? 0 : null, null));
        return new TaskStateChange("e" + attempt + version, CLUSTER, "arn:task/" + attempt, "arn:td/word-count:1", "ci-1",
                status, status, new JobTask(id, attempt).startedBy(), null, version, stopCode, reason, containers, null,
                null);
    }

    /** A clock the test moves on, one second a step, the same for both drivers. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void tick() {
            now = now.plusSeconds(1);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
