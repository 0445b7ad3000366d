package io.conveyor.dispatch;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.InMemoryRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A dispatcher on in-memory fakes (the registry, S3, the job records, ECS and EC2), for tests that
 * look at one of dispatch's steps; {@link DispatcherTest} has the end-to-end cases.
 */
final class DispatchFixture {

    static final String IN = "conveyor-in";
    static final String OUT = "conveyor-out";

    final InMemoryRegistry registry = new InMemoryRegistry();
    /** The pipelines registered, by name; {@link #pipelineReads} names each catalog read. */
    final Map<String, io.conveyor.pipeline.Pipeline> pipelines = new java.util.HashMap<>();
    final List<String> pipelineReads = new ArrayList<>();
    /** Pipelines' batch records. */
    final io.conveyor.batch.InMemoryBatchStore batches = new io.conveyor.batch.InMemoryBatchStore();
    /** The gathers' folders filled: pipeline/batch/step → the taken jobs. */
    final Map<String, List<String>> gatherFolders = new java.util.LinkedHashMap<>();
    /** The batches' looks again asked for: pipeline/batch@instant. */
    final List<String> looksAgain = new ArrayList<>();
    final InMemoryObjectStore inputs = new InMemoryObjectStore();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final List<ContainerInstanceLoad> cluster = new ArrayList<>();
    final DispatcherTest.Launcher launcher = new DispatcherTest.Launcher();
    final DispatcherTest.Fleet fleet = new DispatcherTest.Fleet();
    /** What dispatch writes records through: {@link #jobs}, unless a test puts something in between. */
    JobStore store = jobs;
    /** How ECS is asked for the cluster's instances. */
    ContainerScheduler clusterReader = () -> List.copyOf(cluster);
    /** What starts tasks: {@link #launcher}, unless a test puts something else there. */
    TaskLauncher starter = launcher;
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    /** Whether another dispatch holds the capacity lease. */
    boolean leaseTaken;
    Duration leaseLength = Duration.ofSeconds(45);
    Duration startGrace = Duration.ofSeconds(60);
    /**
     * How many jobs are started at once: 1, so that a scripted launcher's answers go to the jobs in their
     * packing order ({@link DispatchOverlapTest} has the overlapped cases).
     */
    int parallelism = 1;
    /** Where archives' members are unpacked: none, unless a test says. */
    io.conveyor.pipeline.PipelineJobs.Members archives = io.conveyor.pipeline.PipelineJobs.Members.NONE;

    /** How long batches reuse an algorithm's record: {@link Dispatcher#REGISTRATION_FRESH_FOR}, unless a test says. */
    Duration registrationFreshFor = Dispatcher.REGISTRATION_FRESH_FOR;
    /** How long batches reuse a read of the cluster: {@link Dispatcher#CLUSTER_VIEW_FRESH_FOR}, unless a test says. */
    Duration clusterViewFreshFor = Dispatcher.CLUSTER_VIEW_FRESH_FOR;

    /** One batch, on a dispatcher of its own (nothing is kept from an earlier batch). */
    Map<String, Dispatcher.Verdict> dispatch(Dispatcher.Message... messages) {
        return dispatcher().dispatch(List.of(messages), "inv-1");
    }

    /** A dispatcher on the fakes, whose time is {@link #now} as it is when asked (a kept one sees it move). */
    Dispatcher dispatcher() {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return Dispatcher.builder().registry(registry).pipelines(name -> {
                    pipelineReads.add(name);
                    return Optional.ofNullable(pipelines.get(name));
                }).inputs(inputs).jobs(store).cluster(clusterReader)
                .launcher(starter).capacity(need -> new CapacityProvisioner(fleet, holder -> leaseTaken ? Optional.empty()
                        : Optional.of(now.plus(leaseLength)), new CapacityPlanner(3, "m6i.large"), clock, "conveyor",
                        io.conveyor.observe.MetricLog.NONE).provision(List.of(need), List.copyOf(cluster), need.requestedBy()))
                .batches(batches, new io.conveyor.batch.GatherFolders() {
                    @Override
                    public String fill(String pipeline, String batch, String step, List<JobRecord> taken) {
                        gatherFolders.put(pipeline + "/" + batch + "/" + step, taken.stream().map(JobRecord::id).toList());
                        return "s3://" + OUT + "/batches/" + pipeline + "/" + batch + "/" + step + "/";
                    }

                    @Override
                    public String output(String pipeline, String batch, String step, String jobId) {
                        return "s3://" + OUT + "/" + io.conveyor.storage.BucketLayout.outputPrefix(pipeline,
                                batch + "/" + step, jobId);
                    }
                }, (pipeline, batch, at) -> looksAgain.add(pipeline + "/" + batch + "@" + at))
                .archiveMembers(archives)
                .outputBucket(OUT).startGrace(startGrace).clock(clock)
                .parallelism(parallelism).registrationFreshFor(registrationFreshFor)
                .clusterViewFreshFor(clusterViewFreshFor).build();
    }

    /** A ready container instance with this much room. */
    void instance(String arn, int cpu, int memory) {
        cluster.add(new ContainerInstanceLoad(arn, "i-" + arn, "ACTIVE", true, 0, 0, "m6i.large", cpu, memory));
    }

    /** The input object, stored at {@code version}, and the S3 event of its creation. */
    StorageEvent input(String key, String version, long size) {
        return input(key, version, size, Map.of());
    }

    StorageEvent input(String key, String version, long size, Map<String, String> metadata) {
        ObjectRef ref = new ObjectRef(IN, key);
        inputs.put(new StoredObject(ref, version, "etag-" + key.hashCode(), size, metadata));
        return event(key, version, size);
    }

    /** The S3 event of an object's creation (the object itself is not stored). */
    static StorageEvent event(String key, String version, long size) {
        return new StorageEvent(StorageEvent.Kind.CREATED, "ObjectCreated:Put", new ObjectRef(IN, key), version,
                "etag-" + key.hashCode(), size, "0055AED6DCD90281E5");
    }

    static Dispatcher.Message message(String id, StorageEvent... events) {
        return new Dispatcher.Message(id, 1, List.of(events));
    }

    static Dispatcher.Message jobMessage(String id, String jobId) {
        return new Dispatcher.Message(id, 1, List.of(), List.of(jobId));
    }

    /** The one record whose input ends with {@code suffix}. */
    JobRecord record(String suffix) {
        return jobs.all().stream().filter(r -> r.input().endsWith(suffix)).findFirst().orElseThrow();
    }

    /**
     * The job store, but writing the record of a job whose input matches {@code broken} fails (an S3
     * error for that one object).
     */
    JobStore failingFor(Predicate<JobRecord> broken) {
        return new JobStore() {
            @Override
            public Optional<JobRecord> get(String id) {
                return jobs.get(id);
            }

            @Override
            public Optional<Versioned> read(String id) {
                return jobs.read(id);
            }

            @Override
            public boolean create(JobRecord record) {
                if (broken.test(record)) {
                    throw new IllegalStateException("S3 said 500 for " + record.id());
                }
                return jobs.create(record);
            }

            @Override
            public boolean replace(JobRecord record, String version) {
                if (broken.test(record)) {
                    throw new IllegalStateException("S3 said 500 for " + record.id());
                }
                return jobs.replace(record, version);
            }

            @Override
            public List<JobRecord> all() {
                return jobs.all();
            }

            @Override
            public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
                return jobs.list(query);
            }
        };
    }
}
