package io.conveyor.tasks;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.Effect;
import io.conveyor.jobs.JobChanges;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobQueue;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.RunningAttempts;
import io.conveyor.jobs.Transition;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 3, the driver: ECS task state changes of Conveyor's cluster move job records along. The
 * task's {@code startedBy} names the job and the attempt ({@link JobTask}); {@link TaskEvents} reads
 * what the change says; {@link JobLifecycle} decides; this reads and writes records (conditionally,
 * reading again when a record changed meanwhile), lists a succeeded job's outputs, makes a chain's
 * next steps (a pipeline job's: those of the steps its step feeds, {@link PipelineChildren}), sends what must be placed again to the jobs queue, and stops a task that runs for a job
 * that is over (cancelled while its start was under way) or for an attempt the job left behind.
 */
public final class TaskEventDriver {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEventDriver.class);

    /** The most output files a record lists, and the most a chain turns into jobs per next algorithm. */
    public static final int MAX_OUTPUTS = 1000;

    /** What became of one state change. */
    public enum Outcome {
        /** About another cluster: the rule should not have sent it. */
        OTHER_CLUSTER,
        /** A task Conveyor did not start ({@code startedBy} names no job attempt). */
        NOT_A_JOB,
        /** No record of the job it names. */
        UNKNOWN_JOB,
        /** Older news: an earlier attempt, an older version, a duplicate, or a job that is over. */
        STALE,
        /** A status the record does not keep (PENDING, STOPPING, …), or nothing new. */
        UNCHANGED,
        RUNNING,
        SUCCEEDED,
        /** The attempt failed; the job is queued for its next attempt. */
        RETRYING,
        /** The attempt was lost with its instance; the job is queued again, the attempt not counted. */
        INTERRUPTED,
        FAILED,
        /** Stopped outside Conveyor (someone called StopTask). */
        CANCELLED,
        /** A retry already recorded was queued again (its first message may not have been sent). */
        REQUEUED,
        /**
         * The task runs for nothing (its job is over, e.g. cancelled before ECS had the task, or it is an
         * attempt the job left behind): it was asked to stop; the record is unchanged.
         */
        ORPHAN_STOPPED
    }

    private final String clusterArn;
    private final JobUpdates updates;
    private final JobQueue queue;
    private final AlgorithmRegistry registry;
    private final ObjectStore outputs;
    private final RunningAttempts tasks;
    private final Clock clock;
    private final PipelineChildren pipelineChildren;
    private final BatchMemberEnds batchEnds;
    /** The records of the jobs the event being applied made of its job's outputs (for its batch). */
    private List<JobRecord> madeNow = List.of();

    public TaskEventDriver(String clusterArn, JobStore jobs, JobQueue queue, RunningAttempts tasks,
                           AlgorithmRegistry registry, ObjectStore outputs, Clock clock) {
        this(clusterArn, jobs, queue, tasks, registry, outputs, clock, JobChanges.NONE);
    }

    /** A driver whose writes tell {@code changes} (metrics, job events: {@link io.conveyor.observe.JobSignals}). */
    public TaskEventDriver(String clusterArn, JobStore jobs, JobQueue queue, RunningAttempts tasks,
                           AlgorithmRegistry registry, ObjectStore outputs, Clock clock, JobChanges changes) {
        this(clusterArn, jobs, queue, tasks, registry, name -> Optional.empty(), outputs, clock, changes);
    }

    /**
     * A driver that also makes a pipeline job's next steps from its outputs, by the pipelines {@code pipelines}
     * defines, and whose writes tell {@code changes}.
     */
    public TaskEventDriver(String clusterArn, JobStore jobs, JobQueue queue, RunningAttempts tasks,
                           AlgorithmRegistry registry, PipelineCatalog pipelines, ObjectStore outputs, Clock clock,
                           JobChanges changes) {
        this(clusterArn, jobs, queue, tasks, registry, pipelines, outputs, clock, changes, null);
    }

    /**
     * A driver that also tells a pipeline job's end to its batch ({@code batches}: its records, gathers' folders, where
     * a look again goes; {@code null} for none), which may make the batch's gather.
     */
    public TaskEventDriver(String clusterArn, JobStore jobs, JobQueue queue, RunningAttempts tasks,
                           AlgorithmRegistry registry, PipelineCatalog pipelines, ObjectStore outputs, Clock clock,
                           JobChanges changes, BatchMemberEnds.Wiring batches) {
        this.pipelineChildren = batches == null ? new PipelineChildren(pipelines, registry, PipelineJobs.Members.NONE,
                PipelineJobs.Listings.NONE) : new PipelineChildren(pipelines, registry, batches.members(),
                batches.listings());
        this.clusterArn = Objects.requireNonNull(clusterArn, "clusterArn");
        this.updates = new JobUpdates(jobs, clock, changes);
        this.queue = Objects.requireNonNull(queue, "queue");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.batchEnds = batches == null ? null : new BatchMemberEnds(batches, pipelines, registry, updates, queue, clock);
    }

    /**
     * Applies one state change to its job's record.
     *
     * @throws RuntimeException when the store or the queue failed, or the record kept changing: the
     *                          event is then left to its queue and comes again
     */
    public Outcome apply(TaskStateChange change) {
        if (!clusterArn.equals(change.clusterArn())) {
            LOG.warn("outcome=other-cluster task={} cluster={} expected={}", change.taskArn(), change.clusterArn(),
                    clusterArn);
            return Outcome.OTHER_CLUSTER;
        }
        Optional<JobTask> named = JobTask.fromStartedBy(change.startedBy());
        if (named.isEmpty()) {
            LOG.info("outcome=not-a-job task={} startedBy={}", change.taskArn(), change.startedBy());
            return Outcome.NOT_A_JOB;
        }
        JobTask task = named.get();
        madeNow = List.of();
        for (int tries = 1; tries <= JobUpdates.WRITE_TRIES; tries++) {
            Optional<JobStore.Versioned> read = updates.store().read(task.jobId());
            if (read.isEmpty()) {
                LOG.warn("outcome=unknown-job job={} task={} lastStatus={}", task.jobId(), change.taskArn(),
                        change.lastStatus());
                return Outcome.UNKNOWN_JOB;
            }
            Optional<JobEvent> event = TaskEvents.of(task.attempt(), change, read.get().record().algorithm());
            if (event.isEmpty()) {
                log(Outcome.UNCHANGED, null, "status " + change.lastStatus() + " is not kept", task, change);
                return Outcome.UNCHANGED;
            }
            Optional<Transition> applied = updates.apply(read.get(), List.of(withOutputs(read.get().record(),
                    event.get())));
            if (applied.isEmpty()) {
                LOG.info("outcome=conflict job={} task={} try={} reason=\"the record changed meanwhile\"", task.jobId(),
                        change.taskArn(), tries);
                continue;
            }
            Transition transition = applied.get();
            // Sent after the write: a failed send fails the event, and its redelivery sends again (REQUEUED).
            transition.effect(Effect.Enqueue.class).ifPresent(enqueue -> queue.submit(enqueue.jobIds()));
            // After the record (its children made): a pipeline job's end goes to its batch, again when redelivered.
            if (batchEnds != null && transition.after().state().terminal()
                    && (transition.changed() || "STOPPED".equals(change.lastStatus()))) {
                batchEnds.ended(transition.after(), transition.changed() ? madeNow : List.of());
            }
            Optional<Effect.StopTask> stop = transition.effect(Effect.StopTask.class);
            if (stop.isPresent()) {
                return stopOrphan(stop.get(), transition, task, change);
            }
            Outcome outcome = outcome(transition);
            log(outcome, transition.changed() ? transition.after() : null, transition.note(), task, change);
            return outcome;
        }
        throw new JobUpdates.ConcurrentChangeException(task.jobId());
    }

    /**
     * Stops a task that runs for nothing. A failed StopTask fails the event, whose redelivery asks
     * again; a task whose stop was asked already (ECS's desired status STOPPED) is not asked twice.
     */
    private Outcome stopOrphan(Effect.StopTask stop, Transition transition, JobTask task, TaskStateChange change) {
        if ("STOPPED".equals(change.desiredStatus())) {
            log(Outcome.UNCHANGED, null, transition.note() + "; its stop was asked already", task, change);
            return Outcome.UNCHANGED;
        }
        tasks.stop(new JobTask(stop.jobId(), stop.attempt()), stop.taskArn(), stop.stopReason());
        log(Outcome.ORPHAN_STOPPED, null, transition.note() + " (" + transition.after().state() + ", attempt "
                + transition.after().attempt() + ")", task, change);
        return Outcome.ORPHAN_STOPPED;
    }

    /**
     * A success carries what it left and the jobs that become of it; both are looked up only when the
     * lifecycle would make the job SUCCEEDED (not for a duplicate or a late event).
     */
    private JobEvent withOutputs(JobRecord record, JobEvent event) {
        if (!(event instanceof JobEvent.AttemptEnded ended)
                || JobLifecycle.apply(record, event, clock.instant()).after().state() != JobState.SUCCEEDED
                || record.state() == JobState.SUCCEEDED || record.output() == null) {
            return event;
        }
        List<StoredObject> produced = produced(record);
        String prefix = ObjectRef.parse(record.output()).key();
        List<String> files = new ArrayList<>();
        Map<String, String> checksums = new LinkedHashMap<>();
        for (StoredObject object : produced) {
            String file = object.ref().key().substring(prefix.length());
            files.add(file);
            // What the listing gives, at no extra call: S3's ETag (see JobRecord#outputChecksums).
            checksums.put(file, "etag:" + object.eTag());
        }
        List<JobRecord> children = record.pipeline() != null ? pipelineChildren.of(record, produced, clock.instant())
                : chain(record, produced);
        madeNow = children;
        return ended.withOutput(new JobEvent.Output(record.output(), files, checksums)).withChildren(children);
    }

    private static Outcome outcome(Transition transition) {
        return switch (transition.kind()) {
            case STALE -> Outcome.STALE;
            case UNCHANGED -> transition.effect(Effect.Enqueue.class).isPresent() ? Outcome.REQUEUED : Outcome.UNCHANGED;
            case CHANGED -> switch (transition.after().state()) {
                case RUNNING -> Outcome.RUNNING;
                case SUCCEEDED -> Outcome.SUCCEEDED;
                case CANCELLED -> Outcome.CANCELLED;
                case QUEUED -> transition.after().interruptions() > transition.before().interruptions()
                        ? Outcome.INTERRUPTED : Outcome.RETRYING;
                default -> Outcome.FAILED;
            };
        };
    }

    // ------------------------------------------------------------------ chains

    /**
     * A succeeded job's next steps: each output object becomes a job of every algorithm in its
     * descriptor's {@code then}, referring to the object where it lies. A next algorithm that is not
     * registered still gets its job (revision {@code none}), which dispatch rejects saying why.
     */
    private List<JobRecord> chain(JobRecord parent, List<StoredObject> produced) {
        Optional<Descriptor> descriptor = registry.algorithm(parent.algorithm()).map(AlgorithmRecord::definition);
        if (descriptor.isEmpty() || descriptor.get().then().isEmpty() || produced.isEmpty()) {
            return List.of();
        }
        Map<String, Optional<AlgorithmRecord>> nextAlgorithms = new LinkedHashMap<>();
        descriptor.get().then().forEach(next -> nextAlgorithms.put(next, registry.algorithm(next)));
        List<JobRecord> children = new ArrayList<>();
        for (StoredObject object : produced) {
            NewJob.JobInput input = new NewJob.JobInput(object.ref().uri(), object.version().orElse("etag:" + object.eTag()));
            nextAlgorithms.forEach((name, algorithm) -> {
                NewJob child = NewJob.of(input, new NewJob.AlgorithmRevision(name,
                        algorithm.map(AlgorithmRecord::sha256).orElse("none"),
                        algorithm.map(AlgorithmRecord::definition).map(d -> 1 + d.retries()).orElse(1))).withParent(parent.id());
                children.add(JobLifecycle.admit(child.withOutput("s3://" + object.ref().bucket() + "/"
                        + BucketLayout.outputPrefix(name, BucketLayout.restOf(object.ref().key()), child.id())),
                        clock.instant()));
            });
        }
        if (produced.size() >= MAX_OUTPUTS) {
            LOG.warn("outcome=chain-truncated job={} outputs>={} reason=\"only the first {} outputs become jobs\"",
                    parent.id(), MAX_OUTPUTS, MAX_OUTPUTS);
        }
        return children;
    }

    /** The objects a job's output prefix holds (at most {@link #MAX_OUTPUTS}), folder markers left out. */
    private List<StoredObject> produced(JobRecord record) {
        ObjectRef prefix = ObjectRef.parse(record.output());
        return outputs.list(prefix.bucket(), prefix.key(), MAX_OUTPUTS).stream()
                .filter(o -> !o.ref().key().endsWith("/"))
                .toList();
    }

    private static void log(Outcome outcome, JobRecord record, String note, JobTask task, TaskStateChange change) {
        LOG.info("outcome={} job={} attempt={} task={} lastStatus={} version={} state={} exitCodes={} stopCode={} "
                        + "reason=\"{}\" children={}", outcome.name().toLowerCase(Locale.ROOT),
                task.jobId(), task.attempt(), change.taskArn(), change.lastStatus(), change.version(),
                record == null ? "-" : record.state(),
                change.containers().stream().map(c -> c.name() + ":" + c.exitCode()).toList(), change.stopCode(),
                record == null ? note : record.reason(), record == null ? 0 : record.children().size());
    }
}
