package io.conveyor.dispatch;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobTask;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.Digests;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 2: input objects under {@code inputs/<algorithm>/} become jobs, and jobs become tasks.
 *
 * <p>A batch is handled together so that capacity is read once and the batch's tasks are packed onto
 * it. Per input object version and algorithm revision there is one job ({@link JobId}); its record is
 * created with a conditional write, so a duplicate event or a redelivered message finds the job it
 * made and never starts a second task. Jobs that fit nowhere wait for capacity in the queue (their
 * message returns with a delay); capacity is asked for once (a {@link CapacityLease}) and never
 * beyond the instance cap ({@link CapacityPlanner}).
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** How long a message waits before a job is tried again after a refused start. */
    static final int RETRY_START_DELAY_SECONDS = 10;
    /** The first wait for capacity; it doubles per receive up to {@link #MAX_CAPACITY_DELAY_SECONDS}. */
    static final int FIRST_CAPACITY_DELAY_SECONDS = 30;
    static final int MAX_CAPACITY_DELAY_SECONDS = 300;
    /** What must be left of the capacity lease to start or launch instances under it. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(15);

    private final AlgorithmRegistry registry;
    private final ObjectStore inputs;
    private final JobStore jobs;
    private final ContainerScheduler cluster;
    private final TaskLauncher launcher;
    private final InstanceFleet fleet;
    private final CapacityLease lease;
    private final CapacityPlanner planner;
    private final String outputBucket;
    private final Duration startGrace;
    private final Clock clock;

    /**
     * @param startGrace how long a job may stay STARTING without a task before a redelivered message
     *                   starts it again (its first start may still be under way until then)
     */
    public Dispatcher(AlgorithmRegistry registry, ObjectStore inputs, JobStore jobs, ContainerScheduler cluster,
                      TaskLauncher launcher, InstanceFleet fleet, CapacityLease lease, CapacityPlanner planner,
                      String outputBucket, Duration startGrace, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.outputBucket = Objects.requireNonNull(outputBucket, "outputBucket");
        this.startGrace = Objects.requireNonNull(startGrace, "startGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One queue message: the S3 event records it carries, or the jobs with records it names (a retry,
     * a chain's next step: {@link io.conveyor.jobs.JobMessages}).
     *
     * @param receiveCount how often the queue has delivered it (SQS's {@code ApproximateReceiveCount})
     */
    public record Message(String id, int receiveCount, List<StorageEvent> events, List<String> jobIds) {
        public Message {
            Objects.requireNonNull(id, "id");
            events = List.copyOf(events);
            jobIds = List.copyOf(jobIds);
        }

        /** A message of S3 event records. */
        public Message(String id, int receiveCount, List<StorageEvent> events) {
            this(id, receiveCount, events, List.of());
        }
    }

    /** What becomes of a message. */
    public sealed interface Verdict {
        /** Every job it names is started, running, over or rejected: delete it. */
        record Done() implements Verdict {
        }

        /** A job it names waits: return it to the queue, visible again after {@code delaySeconds}. */
        record Wait(int delaySeconds, String reason) implements Verdict {
        }

        /** Something went wrong that a later delivery may get past (and after maxReceiveCount, the DLQ). */
        record Failed(String reason) implements Verdict {
        }
    }

    /**
     * One job of the batch that is to run (not rejected, not a duplicate of a finished one).
     *
     * @param recorded its record as admission read it, for a job that has one already (a retry, a chain's
     *                 step: claiming it then needs neither a create nor a second read); {@code null} for a
     *                 new input's job
     */
    private record Candidate(JobRecord draft, AlgorithmRecord algorithm, StoredObject input,
                             Map<String, String> parameters, Packer.Demand demand, JobStore.Versioned recorded) {
        String id() {
            return draft.id();
        }
    }

    /**
     * Handles a batch; one verdict per message id, for every message.
     *
     * @param invocation who handles it (for the capacity lease and logs)
     */
    public Map<String, Verdict> dispatch(List<Message> batch, String invocation) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Map<String, List<String>> messagesOfJob = new LinkedHashMap<>();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        Map<String, Integer> receives = new HashMap<>();
        Map<String, Optional<AlgorithmRecord>> algorithms = new HashMap<>();
        for (Message message : batch) {
            verdicts.put(message.id(), new Verdict.Done());
            receives.put(message.id(), message.receiveCount());
            try {
                List<Optional<Candidate>> admitted = new ArrayList<>();
                for (StorageEvent event : message.events()) {
                    admitted.add(admit(event, algorithms));
                }
                for (String jobId : message.jobIds()) {
                    admitted.add(admitRecorded(jobId, algorithms));
                }
                admitted.forEach(admission -> admission.ifPresent(candidate -> {
                    candidates.putIfAbsent(candidate.id(), candidate);
                    messagesOfJob.computeIfAbsent(candidate.id(), id -> new ArrayList<>()).add(message.id());
                }));
            } catch (RuntimeException e) {
                LOG.error("outcome=message-failed messageId={} reason=\"{}\"", message.id(), e.getMessage(), e);
                verdicts.put(message.id(), new Verdict.Failed(String.valueOf(e.getMessage())));
                messagesOfJob.values().forEach(ids -> ids.remove(message.id()));
            }
        }
        if (candidates.isEmpty()) {
            return verdicts;
        }
        Map<String, Verdict> jobVerdicts;
        try {
            jobVerdicts = place(new ArrayList<>(candidates.values()), invocation, receives, messagesOfJob);
        } catch (RuntimeException e) {
            // Capacity could not be read or the store failed: every message with work goes back.
            LOG.error("outcome=batch-failed jobs={} reason=\"{}\"", candidates.size(), e.getMessage(), e);
            jobVerdicts = new HashMap<>();
            for (String id : candidates.keySet()) {
                jobVerdicts.put(id, new Verdict.Failed(String.valueOf(e.getMessage())));
            }
        }
        jobVerdicts.forEach((jobId, verdict) -> messagesOfJob.getOrDefault(jobId, List.of())
                .forEach(messageId -> verdicts.merge(messageId, verdict, Dispatcher::worse)));
        return verdicts;
    }

    // ------------------------------------------------------------------ admission

    /** The job of one event record, when there is one to run; rejections are recorded here. */
    private Optional<Candidate> admit(StorageEvent event, Map<String, Optional<AlgorithmRecord>> algorithms) {
        ObjectRef ref = event.object();
        String key = ref.key();
        if (event.kind() == StorageEvent.Kind.REMOVED) {
            LOG.info("outcome=ignored object=\"{}\" reason=\"removed: jobs of earlier versions keep their version\"", ref);
            return Optional.empty();
        }
        if (!key.startsWith(BucketLayout.INPUTS_PREFIX) || key.endsWith("/")) {
            LOG.warn("outcome=ignored object=\"{}\" reason=\"not an input file under {}<algorithm>/\"", ref,
                    BucketLayout.INPUTS_PREFIX);
            return Optional.empty();
        }
        String below = key.substring(BucketLayout.INPUTS_PREFIX.length());
        int slash = below.indexOf('/');
        if (slash <= 0) {
            LOG.warn("outcome=ignored object=\"{}\" reason=\"inputs lie under {}<algorithm>/, this one names no algorithm\"",
                    ref, BucketLayout.INPUTS_PREFIX);
            return Optional.empty();
        }
        String name = below.substring(0, slash);
        String rest = below.substring(slash + 1);
        Optional<AlgorithmRecord> algorithm = algorithms.computeIfAbsent(name, registry::algorithm);
        Optional<Descriptor> descriptor = algorithm.map(AlgorithmRecord::definition);
        boolean needsHead = event.eTag() == null || event.size() < 0
                || descriptor.map(d -> !d.parameters().isEmpty()).orElse(false);
        Optional<StoredObject> described = needsHead ? inputs.describe(ref, event.versionId())
                : Optional.of(new StoredObject(ref, event.versionId(), event.eTag(), event.size()));
        if (described.isEmpty()) {
            LOG.info("outcome=ignored object=\"{}\" version={} reason=\"gone before its job was made\"", ref,
                    event.versionId());
            return Optional.empty();
        }
        StoredObject input = described.get();
        String version = input.version().orElse("etag:" + input.eTag());
        String revision = algorithm.map(AlgorithmRecord::sha256).orElse("none");
        String id = JobId.of(ref.uri(), version, name, revision);
        String output = "s3://" + outputBucket + "/" + BucketLayout.outputPrefix(name, rest, id);
        int maxAttempts = descriptor.map(d -> 1 + d.retries()).orElse(1);
        JobRecord draft = JobRecord.queued(id, name, revision, ref.uri(), version, null, maxAttempts, now())
                .withOutput(output);

        String rejection = algorithm.isEmpty()
                ? "unknown algorithm '" + name + "': no descriptor registered under that name (upload "
                + BucketLayout.ALGORITHMS_PREFIX + name + ".json, then upload this input again)" : null;
        Checked checked = rejection == null ? check(algorithm.get(), id, maxAttempts, input, rest, output)
                : new Checked(rejection, Map.of());
        if (checked.rejection() != null) {
            JobRecord rejected = draft.ended(JobState.FAILED, null, "rejected: " + checked.rejection(), null, null,
                    List.of(), now());
            boolean created = jobs.create(rejected);
            LOG.info("outcome={} job={} object=\"{}\" algorithm={} reason=\"{}\"", created ? "rejected" : "duplicate", id,
                    ref, name, checked.rejection());
            return Optional.empty();
        }
        return Optional.of(candidate(draft, algorithm.get(), input, checked.parameters(), null));
    }

    /**
     * The job a queue message names by id (a retry, or a chain's next step), when it is still to run.
     * It runs with the algorithm revision and the input version it was made for, or not at all.
     */
    private Optional<Candidate> admitRecorded(String jobId, Map<String, Optional<AlgorithmRecord>> algorithms) {
        Optional<JobStore.Versioned> read = jobs.read(jobId);
        if (read.isEmpty()) {
            LOG.warn("outcome=ignored job={} reason=\"the message names a job without a record\"", jobId);
            return Optional.empty();
        }
        JobRecord record = read.get().record();
        if (record.state() != JobState.QUEUED && record.state() != JobState.WAITING_FOR_CAPACITY
                && record.state() != JobState.STARTING) {
            LOG.info("outcome=duplicate job={} state={}", jobId, record.state());
            return Optional.empty();
        }
        ObjectRef ref = ObjectRef.parse(record.input());
        Optional<AlgorithmRecord> algorithm = algorithms.computeIfAbsent(record.algorithm(), registry::algorithm);
        String versionId = record.inputVersion().startsWith("etag:") ? null : record.inputVersion();
        Optional<StoredObject> described = inputs.describe(ref, versionId);
        String rejection = null;
        if (algorithm.isEmpty()) {
            rejection = "unknown algorithm '" + record.algorithm() + "': no descriptor registered under that name";
        } else if (algorithm.get().sha256() != null && !algorithm.get().sha256().equals(record.revision())) {
            rejection = "algorithm '" + record.algorithm() + "' changed since this job was made (its revision was "
                    + abbreviate(record.revision()) + ", now " + abbreviate(algorithm.get().sha256())
                    + "): a job runs only the revision it was made for; upload its input again to run the new one";
        } else if (described.isEmpty()) {
            rejection = "the input " + ref + " (" + record.inputVersion() + ") is gone";
        } else if (versionId == null && !record.inputVersion().equals("etag:" + described.get().eTag())) {
            rejection = "the input " + ref + " changed since this job was made (it was " + record.inputVersion()
                    + ", now etag:" + described.get().eTag() + ")";
        }
        Checked checked = rejection == null ? check(algorithm.get(), jobId, record.maxAttempts(), described.get(),
                BucketLayout.restOf(ref.key()), record.output()) : new Checked(rejection, Map.of());
        if (checked.rejection() != null) {
            JobRecord rejected = record.ended(JobState.FAILED, null, "rejected: " + checked.rejection(), null,
                    record.output(), List.of(), now());
            boolean written = jobs.replace(rejected, read.get().version());
            LOG.info("outcome={} job={} object=\"{}\" algorithm={} reason=\"{}\"", written ? "rejected" : "duplicate",
                    jobId, ref, record.algorithm(), checked.rejection());
            return Optional.empty();
        }
        return Optional.of(candidate(record, algorithm.get(), described.get(), checked.parameters(), read.get()));
    }

    /** Why a job may not run (or {@code null}), and its parameters' values when it may. */
    private record Checked(String rejection, Map<String, String> parameters) {
    }

    /** The checks every job passes before it runs, whether its input is new or its record exists. */
    private Checked check(AlgorithmRecord algorithm, String id, int attempts, StoredObject input, String rest,
                          String output) {
        String name = algorithm.name();
        if (!algorithm.active() || algorithm.taskDefinitionArn() == null) {
            return new Checked("algorithm '" + name + "' was retired" + (algorithm.retiredAt() == null ? ""
                    : " at " + algorithm.retiredAt()) + ": it takes no new inputs", Map.of());
        }
        Descriptor d = algorithm.definition();
        String key = input.ref().key();
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        Optional<String> filtered = InputRules.filterRejection(d, fileName, rest, input.size());
        if (filtered.isPresent()) {
            return new Checked(filtered.get(), Map.of());
        }
        Map<String, String> parameters;
        try {
            parameters = InputRules.parameterValues(d, input.metadata());
        } catch (InputRules.MissingParameterException e) {
            return new Checked(e.getMessage() + ": give " + (e.names().size() == 1 ? "it" : "them")
                    + " as S3 object metadata (" + e.names().stream().map(p -> "x-amz-meta-"
                    + p.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", ")) + ")", Map.of());
        }
        if (d.resources().gpu() > 0) {
            return new Checked("needs " + d.resources().gpu() + " GPU(s): Conveyor's launch template starts the standard"
                    + " ECS-optimized AMI, which has no GPU drivers", Map.of());
        }
        String prefix = ObjectRef.parse(output).key();
        if (!BucketLayout.leavesRoomForOutputs(prefix)) {
            return new Checked("the key is " + key.getBytes(StandardCharsets.UTF_8).length + " bytes: its output prefix "
                    + "would leave less than " + BucketLayout.OUTPUT_NAME_ROOM_BYTES
                    + " bytes of S3's 1024-byte key limit for output file names", Map.of());
        }
        TaskStart probe = TaskOverrides.of(id, attempts, algorithm.taskDefinitionArn(), "probe", d, input.ref(),
                input.versionId(), output, parameters);
        if (TaskOverrides.length(probe) > TaskOverrides.MAX_OVERRIDE_CHARS) {
            return new Checked("the job's values (key, parameters, command) exceed the " + TaskOverrides.MAX_OVERRIDE_CHARS
                    + " characters ECS allows for a task's overrides", Map.of());
        }
        return new Checked(null, parameters);
    }

    private static Candidate candidate(JobRecord draft, AlgorithmRecord algorithm, StoredObject input,
                                       Map<String, String> parameters, JobStore.Versioned recorded) {
        Descriptor d = algorithm.definition();
        Set<String> types = new TreeSet<>(d.instanceTypes());
        Packer.Demand demand = new Packer.Demand(draft.id(), d.resources().cpuUnits(), d.resources().taskMemoryMiB(),
                types);
        return new Candidate(draft, algorithm, input, parameters, demand, recorded);
    }

    private static String abbreviate(String revision) {
        return revision == null ? "none" : revision.substring(0, Math.min(12, revision.length()));
    }

    // ------------------------------------------------------------------ placement

    private Map<String, Verdict> place(List<Candidate> candidates, String invocation, Map<String, Integer> receives,
                                       Map<String, List<String>> messagesOfJob) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        List<ContainerInstanceLoad> instances = cluster.containerInstances();
        List<Packer.Bin> bins = instances.stream().filter(ContainerInstanceLoad::acceptsTasks)
                .map(i -> new Packer.Bin(i.containerInstanceArn(), i.instanceType(), i.remainingCpuUnits(),
                        i.remainingMemoryMiB()))
                .toList();
        Packer.Packing packing = Packer.pack(candidates.stream().map(Candidate::demand).toList(), bins);
        Map<String, Candidate> byId = candidates.stream()
                .collect(Collectors.toMap(Candidate::id, c -> c, (a, b) -> a, LinkedHashMap::new));

        // Placed jobs: claim each record, then start the claimed ones.
        List<TaskStart> starts = new ArrayList<>();
        Map<String, JobRecord> claimed = new HashMap<>();
        packing.placed().forEach((id, containerInstance) -> {
            Candidate candidate = byId.get(id);
            Claim claim;
            try {
                claim = claim(candidate, containerInstance);
            } catch (RuntimeException e) {
                LOG.error("outcome=job-failed job={} reason=\"{}\"", id, e.getMessage(), e);
                verdicts.put(id, new Verdict.Failed(String.valueOf(e.getMessage())));
                return;
            }
            if (claim.verdict() != null) {
                verdicts.put(id, claim.verdict());
                return;
            }
            claimed.put(id, claim.record());
            starts.add(TaskOverrides.of(id, claim.record().attempt(), candidate.algorithm().taskDefinitionArn(),
                    containerInstance, candidate.algorithm().definition(), candidate.input().ref(),
                    candidate.input().versionId(), claim.record().output(), candidate.parameters()));
        });
        List<TaskStart.Result> results;
        try {
            results = starts.isEmpty() ? List.of() : launcher.start(starts);
        } catch (RuntimeException e) {
            // Nothing says which tasks exist: the records stay STARTING, and the next delivery looks.
            LOG.error("outcome=start-failed jobs={} reason=\"{}\"", starts.size(), e.getMessage(), e);
            results = starts.stream().<TaskStart.Result>map(s -> new TaskStart.Result.Unknown(
                    String.valueOf(e.getMessage()))).toList();
        }
        for (int i = 0; i < starts.size(); i++) {
            TaskStart start = starts.get(i);
            try {
                verdicts.put(start.jobId(), settle(claimed.get(start.jobId()), start, results.get(i)));
            } catch (RuntimeException e) {
                LOG.error("outcome=job-failed job={} reason=\"{}\"", start.jobId(), e.getMessage(), e);
                verdicts.put(start.jobId(), new Verdict.Failed(String.valueOf(e.getMessage())));
            }
        }

        // Jobs that fit nowhere: mark them waiting (unless they are somebody else's already), then ask for capacity.
        List<Candidate> waiting = new ArrayList<>();
        for (Packer.Demand demand : packing.unplaced()) {
            Candidate candidate = byId.get(demand.key());
            Optional<Verdict> settled;
            try {
                settled = markWaiting(candidate, "no container instance of the cluster has "
                        + demand.cpuUnits() + " CPU units and " + demand.memoryMiB() + " MiB free");
            } catch (RuntimeException e) {
                LOG.error("outcome=job-failed job={} reason=\"{}\"", candidate.id(), e.getMessage(), e);
                settled = Optional.of(new Verdict.Failed(String.valueOf(e.getMessage())));
            }
            if (settled.isPresent()) {
                verdicts.put(candidate.id(), settled.get());
            } else {
                waiting.add(candidate);
            }
        }
        if (!waiting.isEmpty()) {
            int receive = waiting.stream().flatMap(c -> messagesOfJob.getOrDefault(c.id(), List.of()).stream())
                    .mapToInt(m -> receives.getOrDefault(m, 1)).min().orElse(1);
            requestCapacity(waiting, instances, invocation, capacityDelay(receive)).forEach(verdicts::put);
        }
        return verdicts;
    }

    /** Either the record this caller now starts a task for, or what the message needs instead. */
    private record Claim(JobRecord record, Verdict verdict) {
    }

    /**
     * Makes {@code placed} the job's record: creates it, or takes over an existing one that is queued,
     * waiting, or STARTING without a task for longer than the grace.
     */
    private Claim claim(Candidate candidate, String containerInstance) {
        if (candidate.recorded() == null) {
            JobRecord placed = candidate.draft().placed(containerInstance, false, now());
            if (jobs.create(placed)) {
                return new Claim(placed, null);
            }
        }
        Optional<JobStore.Versioned> existing = existing(candidate);
        if (existing.isEmpty()) {
            return new Claim(null, new Verdict.Wait(RETRY_START_DELAY_SECONDS, "the job's record vanished: trying again"));
        }
        JobRecord current = existing.get().record();
        JobRecord next;
        switch (current.state()) {
            case QUEUED, WAITING_FOR_CAPACITY -> next = current.placed(containerInstance, false, now());
            case STARTING -> {
                Optional<Verdict> pending = startInDoubt(current);
                if (pending.isPresent()) {
                    return new Claim(null, pending.get());
                }
                next = current.placed(containerInstance, true, now());
            }
            default -> {
                LOG.info("outcome=duplicate job={} state={}", current.id(), current.state());
                return new Claim(null, new Verdict.Done());
            }
        }
        if (!jobs.replace(next, existing.get().version())) {
            LOG.info("outcome=duplicate job={} reason=\"another dispatch took it meanwhile\"", current.id());
            return new Claim(null, new Verdict.Done());
        }
        return new Claim(next, null);
    }

    /** The job's record as it stands: read by admission already for a job named by id, else read now. */
    private Optional<JobStore.Versioned> existing(Candidate candidate) {
        return candidate.recorded() != null ? Optional.of(candidate.recorded()) : jobs.read(candidate.id());
    }

    /**
     * A STARTING job whose start is in doubt: empty when nobody started a task for it within the
     * grace (so it may be started again); a verdict otherwise.
     */
    private Optional<Verdict> startInDoubt(JobRecord current) {
        if (launcher.anyTaskStartedBy(new JobTask(current.id(), current.attempt()).startedBy())) {
            LOG.info("outcome=duplicate job={} state=STARTING reason=\"its task exists\"", current.id());
            return Optional.of(new Verdict.Done());
        }
        Instant since = current.startedAt() == null ? Instant.EPOCH : Instant.parse(current.startedAt());
        if (since.plus(startGrace).isAfter(clock.instant())) {
            return Optional.of(new Verdict.Wait((int) Math.max(RETRY_START_DELAY_SECONDS, startGrace.toSeconds()),
                    "its start may still be under way"));
        }
        return Optional.empty();
    }

    /** The outcome of one start, written to the job's record. */
    private Verdict settle(JobRecord record, TaskStart start, TaskStart.Result result) {
        return switch (result) {
            case TaskStart.Result.Started started -> {
                LOG.info("outcome=started job={} attempt={} task={} containerInstance={}", start.jobId(),
                        start.attempt(), started.taskArn(), start.containerInstance());
                yield new Verdict.Done();
            }
            case TaskStart.Result.Refused refused when refused.retriable() -> {
                // Not counted as an attempt: nothing of the algorithm ran.
                jobs.update(record.resumed("start refused, tried again: " + refused.reason()));
                LOG.warn("outcome=start-refused job={} reason=\"{}\" retry=true", start.jobId(), refused.reason());
                yield new Verdict.Wait(RETRY_START_DELAY_SECONDS, refused.reason());
            }
            case TaskStart.Result.Unknown unknown -> {
                LOG.warn("outcome=start-in-doubt job={} reason=\"{}\"", start.jobId(), unknown.reason());
                yield new Verdict.Wait((int) Math.max(RETRY_START_DELAY_SECONDS, startGrace.toSeconds()),
                        "the start's outcome is unknown (" + unknown.reason() + "): the next delivery looks for its task");
            }
            case TaskStart.Result.Refused refused -> {
                jobs.update(record.ended(JobState.FAILED, null, "ECS refused the task: " + refused.reason(), null,
                        record.output(), List.of(), now()));
                LOG.warn("outcome=start-refused job={} reason=\"{}\" retry=false", start.jobId(), refused.reason());
                yield new Verdict.Done();
            }
        };
    }

    /**
     * Records that a job waits for capacity. Empty when it does (and capacity is to be asked for); a
     * verdict when the job turned out to be taken care of.
     */
    private Optional<Verdict> markWaiting(Candidate candidate, String why) {
        if (candidate.recorded() == null && jobs.create(candidate.draft().waiting(why, now()))) {
            return Optional.empty();
        }
        Optional<JobStore.Versioned> existing = existing(candidate);
        if (existing.isEmpty()) {
            return Optional.of(new Verdict.Wait(RETRY_START_DELAY_SECONDS, "the job's record vanished: trying again"));
        }
        JobRecord current = existing.get().record();
        switch (current.state()) {
            case WAITING_FOR_CAPACITY -> {
                return Optional.empty();
            }
            case QUEUED -> {
                return jobs.replace(current.waiting(why, now()), existing.get().version()) ? Optional.empty()
                        : Optional.of(new Verdict.Done());
            }
            case STARTING -> {
                Optional<Verdict> pending = startInDoubt(current);
                if (pending.isPresent()) {
                    return pending;
                }
                return jobs.replace(current.resumed("its start never happened").waiting(why, now()),
                        existing.get().version()) ? Optional.empty() : Optional.of(new Verdict.Done());
            }
            default -> {
                LOG.info("outcome=duplicate job={} state={}", current.id(), current.state());
                return Optional.of(new Verdict.Done());
            }
        }
    }

    /** Starts or launches instances for the waiting jobs (when this invocation holds the lease). */
    private Map<String, Verdict> requestCapacity(List<Candidate> waiting, List<ContainerInstanceLoad> instances,
                                                 String invocation, int delay) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Optional<Instant> heldUntil = lease.tryAcquire(invocation);
        if (heldUntil.isEmpty()) {
            for (Candidate candidate : waiting) {
                verdicts.put(candidate.id(), new Verdict.Wait(delay, "another dispatch is deciding on capacity"));
            }
            LOG.info("outcome=waiting jobs={} reason=\"another dispatch holds the capacity lease\"", waiting.size());
            return verdicts;
        }
        CapacityPlanner.Plan plan;
        try {
            List<FleetInstance> current = fleet.instances();
            // Instances the cluster knows and that are not coming back by themselves: ready ones, and
            // draining ones. A registered instance whose agent is not connected (just restarted) is
            // still on its way.
            Set<String> settled = instances.stream()
                    .filter(i -> i.acceptsTasks() || "DRAINING".equals(i.status()))
                    .map(ContainerInstanceLoad::ec2InstanceId).filter(Objects::nonNull).collect(Collectors.toSet());
            plan = planner.plan(waiting.stream().map(Candidate::demand).toList(), current, settled);
            if (plan.added() > 0 && clock.instant().plus(LEASE_MARGIN).isAfter(heldUntil.get())) {
                // Too little of the lease is left: another dispatcher may take it and not see this launch yet.
                for (Candidate candidate : waiting) {
                    verdicts.put(candidate.id(), new Verdict.Wait(delay, "the capacity lease ran out before the launch"));
                }
                LOG.warn("outcome=capacity-skipped jobs={} reason=\"lease about to expire\"", waiting.size());
                return verdicts;
            }
            if (!plan.start().isEmpty()) {
                fleet.start(plan.start());
            }
            List<String> launched = new ArrayList<>();
            for (Map.Entry<String, Integer> launch : plan.launch().entrySet()) {
                launched.addAll(fleet.launch(launch.getKey(), launch.getValue(),
                        launchToken(invocation, heldUntil.get(), launch.getKey(), launch.getValue())));
            }
            LOG.info("outcome=capacity-requested jobs={} live={} started={} launched={} launchedIds={}", waiting.size(),
                    plan.live(), plan.start(), plan.launch(), launched);
        } catch (RuntimeException e) {
            // EC2 said no (no capacity of that type, an account limit, throttling): the jobs wait and ask again.
            LOG.error("outcome=capacity-failed jobs={} reason=\"{}\"", waiting.size(), e.getMessage(), e);
            for (Candidate candidate : waiting) {
                verdicts.put(candidate.id(), new Verdict.Wait(delay, "asking EC2 for capacity failed: " + e.getMessage()));
            }
            return verdicts;
        }
        for (Candidate candidate : waiting) {
            String note = plan.notes().getOrDefault(candidate.id(), "waits for capacity");
            verdicts.put(candidate.id(), new Verdict.Wait(delay, note));
        }
        return verdicts;
    }

    /**
     * One token per capacity decision: a call the SDK retries launches once, and a later decision (even
     * with the same fleet in view) launches again. EC2 keeps tokens for at least a day, so a token made
     * of the fleet alone would silently return an instance terminated meanwhile.
     */
    static String launchToken(String invocation, Instant decidedAt, String type, int count) {
        return "conveyor-" + Digests.sha256(
                (invocation + "|" + decidedAt + "|" + type + "|" + count).getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }

    /** 30 s, then doubling per delivery, at most 5 minutes: an instance takes one to three minutes to join. */
    static int capacityDelay(int receiveCount) {
        int exponent = Math.min(Math.max(receiveCount, 1) - 1, 10);
        return Math.min(MAX_CAPACITY_DELAY_SECONDS, FIRST_CAPACITY_DELAY_SECONDS << exponent);
    }

    private static Verdict worse(Verdict a, Verdict b) {
        if (a instanceof Verdict.Failed) {
            return a;
        }
        if (b instanceof Verdict.Failed) {
            return b;
        }
        if (a instanceof Verdict.Wait wa && b instanceof Verdict.Wait wb) {
            return wa.delaySeconds() <= wb.delaySeconds() ? wa : wb;
        }
        return a instanceof Verdict.Wait ? a : b;
    }

    private String now() {
        return clock.instant().toString();
    }
}
