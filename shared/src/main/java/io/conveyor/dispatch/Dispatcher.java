package io.conveyor.dispatch;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchMessages;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.GatherFolders;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.jobs.JobChanges;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StorageEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 2, the driver: input objects under {@code inputs/<algorithm>/} (and a pipeline's batches' files under
 * {@code inputs/<pipeline>/<batch>/}) become jobs, and jobs become
 * tasks. A batch goes through three steps: {@link Admission} (which jobs are to run),
 * {@link Placement} (packed onto the cluster's free capacity, claimed and started) and
 * {@link CapacityRequests} (the capacity function told of the jobs that fit nowhere). What each job's record becomes
 * is decided by {@link io.conveyor.jobs.JobLifecycle}; a duplicate event or a redelivered message
 * finds the job it made and never starts a second task.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** ECS's task starts (StartTask and RunTask) a second, sustained, per account and region. */
    public static final double ECS_STARTS_PER_SECOND = 40;
    /** ECS's burst of task starts (its bucket's size) per account and region. */
    public static final double ECS_START_BURST = 100;
    /** How long batches reuse a read of the cluster (their own starts taken off it; a refused start drops it). */
    public static final Duration CLUSTER_VIEW_FRESH_FOR = Duration.ofSeconds(30);
    /** How long batches reuse an algorithm's registry record ({@link RecentAlgorithms} says when it is read again). */
    public static final Duration REGISTRATION_FRESH_FOR = Duration.ofSeconds(10);
    /**
     * How many of a batch's jobs are claimed and started at once: ECS's 40 starts a second with each job's two calls
     * (its record, then StartTask) taking up to 0.4 s (40 × 0.4); more would only wait for start tokens.
     */
    public static final int PARALLELISM = 16;

    private final RecentAlgorithms algorithms;
    private final PipelineCatalog pipelines;
    private final ObjectStore inputs;
    private final JobUpdates updates;
    private final String outputBucket;
    private final ClusterView view;
    private final Placement placement;
    private final CapacityRequests capacity;
    private final Runnable afterBatch;
    private final BatchWiring batchWiring;
    private final Clock clock;

    private Dispatcher(Builder b) {
        if (b.pipelinesGiven && b.batchStore == null) {
            throw new IllegalStateException("a dispatcher given pipelines needs their batches' store (batches(...))");
        }
        this.batchWiring = b.batchStore == null ? null
                : new BatchWiring(b.batchStore, b.gatherFolders, b.lookAgain, b.archiveMembers, b.listings);
        this.clock = b.clock;
        this.algorithms = new RecentAlgorithms(Objects.requireNonNull(b.registry, "registry"), b.registrationFreshFor,
                b.clock);
        this.pipelines = b.pipelines;
        this.inputs = Objects.requireNonNull(b.inputs, "inputs");
        this.updates = new JobUpdates(Objects.requireNonNull(b.jobs, "jobs"), Objects.requireNonNull(b.clock, "clock"),
                b.changes);
        this.outputBucket = Objects.requireNonNull(b.outputBucket, "outputBucket");
        this.view = new ClusterView(Objects.requireNonNull(b.cluster, "cluster"), b.clusterViewFreshFor, b.clock);
        this.placement = new Placement(updates, Objects.requireNonNull(b.launcher, "launcher"),
                Objects.requireNonNull(b.startGrace, "startGrace"), b.clock, new Overlap(b.parallelism), b.startRate);
        this.capacity = new CapacityRequests(Objects.requireNonNull(b.capacity, "capacity"), b.clock);
        this.afterBatch = b.afterBatch;
    }

    /** A dispatcher's collaborators, by name. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One queue message: the S3 event records it carries, or the jobs with records it names (a retry,
     * a chain's next step: {@link io.conveyor.jobs.JobMessages}).
     *
     * @param receiveCount how often the queue has delivered it (SQS's {@code ApproximateReceiveCount})
     */
    public record Message(String id, int receiveCount, List<StorageEvent> events, List<String> jobIds,
                          List<BatchMessages.Ref> ticks) {
        public Message {
            Objects.requireNonNull(id, "id");
            events = List.copyOf(events);
            jobIds = List.copyOf(jobIds);
            ticks = ticks == null ? List.of() : List.copyOf(ticks);
        }

        /** A message of S3 event records, or naming jobs. */
        public Message(String id, int receiveCount, List<StorageEvent> events, List<String> jobIds) {
            this(id, receiveCount, events, jobIds, List.of());
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
     * Handles a batch; one verdict per message id, for every message.
     *
     * @param invocation who handles it (for the capacity lease and logs)
     */
    public Map<String, Verdict> dispatch(List<Message> messages, String invocation) {
        try {
            return dispatchBatch(messages, invocation);
        } finally {
            afterBatch.run();
        }
    }

    private Map<String, Verdict> dispatchBatch(List<Message> messages, String invocation) {
        Batch batch = new Batch(messages);
        Admission admission = new Admission(algorithms.inBatch(), pipelines, inputs, updates, outputBucket, batchWiring, clock);
        for (Message message : messages) {
            try {
                List<Candidate> admitted = new ArrayList<>();
                for (StorageEvent event : message.events()) {
                    admitted.addAll(admission.admit(event));
                }
                for (String jobId : message.jobIds()) {
                    admission.admitRecorded(jobId).ifPresent(admitted::add);
                }
                for (BatchMessages.Ref tick : message.ticks()) {
                    admitted.addAll(admission.tick(tick.pipeline(), tick.batch(), tick.at()));
                }
                batch.admitted(message, admitted);
            } catch (RuntimeException e) {
                LOG.error("outcome=message-failed messageId={} reason=\"{}\"", message.id(), e.getMessage(), e);
                batch.failed(message, e);
            }
        }
        List<Candidate> candidates = batch.candidates();
        if (candidates.isEmpty()) {
            return batch.verdicts();
        }
        try {
            ClusterView.Read read = view.current();
            if (!read.fresh() && !Placement.fitsAll(candidates, read.instances())) {
                read = view.fresh();  // room may have freed since the view was read: look before asking for more
            }
            List<ContainerInstanceLoad> instances = read.instances();
            Placement.Placed placed = placement.place(candidates, instances);
            view.placed(placed.taken());
            if (placed.clusterDiffers()) {
                view.invalidate();  // ECS saw the cluster otherwise: the next batch reads it again
            }
            placed.definitionsGone().forEach(algorithms::forget);
            batch.settle(placed.verdicts());
            if (!placed.waiting().isEmpty()) {
                int delay = CapacityRequests.capacityDelay(batch.fewestReceives(placed.waiting()));
                batch.settle(capacity.request(placed.waiting(), invocation, delay));
            }
        } catch (RuntimeException e) {
            // Capacity could not be read: every message with work goes back.
            view.invalidate();
            LOG.error("outcome=batch-failed jobs={} reason=\"{}\"", candidates.size(), e.getMessage(), e);
            batch.settle(Placement.failedAll(candidates, e));
        }
        return batch.verdicts();
    }

    /** Names every collaborator, so that none can be passed in another's place. */
    public static final class Builder {
        private AlgorithmRegistry registry;
        /** No pipeline unless told: every key's first segment is then an algorithm's name. */
        private PipelineCatalog pipelines = name -> Optional.empty();
        private ObjectStore inputs;
        private JobStore jobs;
        private ContainerScheduler cluster;
        private TaskLauncher launcher;
        private CapacitySignal capacity;
        private String outputBucket;
        private Duration startGrace;
        private Clock clock = Clock.systemUTC();
        private JobChanges changes = JobChanges.NONE;
        private Duration clusterViewFreshFor = CLUSTER_VIEW_FRESH_FOR;
        private Duration registrationFreshFor = REGISTRATION_FRESH_FOR;
        private int parallelism = PARALLELISM;
        private StartRate startRate = StartRate.share(ECS_STARTS_PER_SECOND, ECS_START_BURST, 1);
        private Runnable afterBatch = () -> { };
        private boolean pipelinesGiven;
        private BatchStore batchStore;
        private GatherFolders gatherFolders;
        private BatchDriver.LookAgainLater lookAgain;
        private PipelineJobs.Members archiveMembers = PipelineJobs.Members.NONE;
        private Function<String, PipelineJobs.Listings> listings = bucket -> PipelineJobs.Listings.NONE;

        private Builder() {
        }

        /**
         * How pipelines' batches are kept: their records, where a gather's folder is filled, and where a batch to be
         * looked at again is sent (a delayed {@code conveyorBatch} message). Needed with {@link #pipelines}.
         */
        public Builder batches(BatchStore store, GatherFolders folders, BatchDriver.LookAgainLater later) {
            batchStore = Objects.requireNonNull(store, "store");
            gatherFolders = Objects.requireNonNull(folders, "folders");
            lookAgain = Objects.requireNonNull(later, "later");
            return this;
        }

        /** Where the members of an archive a step fans out over are unpacked ({@code Members.NONE}: refused). */
        public Builder archiveMembers(PipelineJobs.Members members) {
            archiveMembers = Objects.requireNonNull(members, "members");
            return this;
        }

        /**
         * Where the objects a listing names are found, for a step fanning out over a listed prefix: the batch folders
         * of the bucket given (the one the listing was uploaded to). Unset, such steps' jobs are refused.
         */
        public Builder listings(Function<String, PipelineJobs.Listings> inBucket) {
            listings = Objects.requireNonNull(inBucket, "inBucket");
            return this;
        }

        /**
         * How long batches reuse a read of the cluster ({@link #CLUSTER_VIEW_FRESH_FOR} unless told);
         * {@code Duration.ZERO} reads it for every batch.
         */
        public Builder clusterViewFreshFor(Duration value) {
            clusterViewFreshFor = Objects.requireNonNull(value, "clusterViewFreshFor");
            return this;
        }

        /** How long batches reuse an algorithm's record ({@link #REGISTRATION_FRESH_FOR} unless told; zero: never). */
        public Builder registrationFreshFor(Duration value) {
            registrationFreshFor = Objects.requireNonNull(value, "registrationFreshFor");
            return this;
        }

        /** How many of a batch's jobs are claimed and started at once ({@link #PARALLELISM} unless told). */
        public Builder parallelism(int value) {
            parallelism = value;
            return this;
        }

        /**
         * This dispatcher's share of the account's task starts (the whole of ECS's 40 a second, burst 100,
         * unless told: right for one dispatcher at a time).
         */
        public Builder startRate(StartRate value) {
            startRate = Objects.requireNonNull(value, "startRate");
            return this;
        }

        /** Where algorithms are registered. */
        public Builder registry(AlgorithmRegistry value) {
            registry = value;
            return this;
        }

        /** The pipelines whose batches' files lie under {@code inputs/<pipeline>/<batch>/}. */
        public Builder pipelines(PipelineCatalog value) {
            pipelines = Objects.requireNonNull(value, "pipelines");
            pipelinesGiven = true;
            return this;
        }

        /** Where inputs (and a chain's earlier outputs) lie. */
        public Builder inputs(ObjectStore value) {
            inputs = value;
            return this;
        }

        public Builder jobs(JobStore value) {
            jobs = value;
            return this;
        }

        /** The cluster's container instances and their free capacity. */
        public Builder cluster(ContainerScheduler value) {
            cluster = value;
            return this;
        }

        public Builder launcher(TaskLauncher value) {
            launcher = value;
            return this;
        }

        /** Where the jobs that fit nowhere are told, for instances to be started or launched. */
        public Builder capacity(CapacitySignal value) {
            capacity = value;
            return this;
        }

        /** The bucket of outputs, where each job's output prefix lies. */
        public Builder outputBucket(String value) {
            outputBucket = value;
            return this;
        }

        /**
         * How long a job may stay STARTING without a task before a redelivered message starts it
         * again (its first start may still be under way until then).
         */
        public Builder startGrace(Duration value) {
            startGrace = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        /** Told of each record written (metrics, job events: {@link io.conveyor.observe.JobSignals}). */
        public Builder changes(JobChanges value) {
            changes = Objects.requireNonNull(value, "changes");
            return this;
        }

        /**
         * What runs after each batch, whatever became of it: the job index's held writes are put then
         * ({@link io.conveyor.jobs.IndexedJobStore#flushIndex()}).
         */
        public Builder afterBatch(Runnable value) {
            afterBatch = Objects.requireNonNull(value, "afterBatch");
            return this;
        }

        public Dispatcher build() {
            return new Dispatcher(this);
        }
    }
}
