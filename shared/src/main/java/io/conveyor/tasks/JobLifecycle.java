package io.conveyor.tasks;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobQueue;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 3: ECS task state changes of Conveyor's cluster move job records along.
 *
 * <p>The task's {@code startedBy} names the job and the attempt ({@link JobTask}). Events arrive out of
 * order and more than once, so an event changes a record only when it is about the job's current
 * attempt, newer (ECS's {@code version}) than what the record holds of that task, and the job is not
 * over: a late RUNNING never overwrites SUCCEEDED. Records change by conditional writes, so two
 * handlers of two events of one task never lose each other's change.
 *
 * <p>When a task stops, the algorithm container's exit code decides success; a failed stage-in or
 * stage-out is reported as such. A failed attempt goes back to the jobs queue while the descriptor's
 * retries allow; one lost with its instance goes back without counting (up to
 * {@link #MAX_INTERRUPTIONS}). A succeeded job's outputs become jobs of every algorithm in its
 * descriptor's {@code then}, each referring to the output object where it lies.
 */
public final class JobLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

    /** How often a job may lose its instance before it fails: a machine that keeps vanishing is a fault. */
    public static final int MAX_INTERRUPTIONS = 3;
    /** The most output files a record lists, and the most a chain turns into jobs per next algorithm. */
    public static final int MAX_OUTPUTS = 1000;
    /** How often a record that changed meanwhile is read again before the event is left to its queue. */
    static final int WRITE_TRIES = 3;

    /**
     * How ECS says a task went with its instance: "Host EC2 (instance i-…) stopped/terminated", a
     * container instance that was deregistered or went away, and the stop codes of interruptions.
     */
    private static final Pattern INSTANCE_GONE = Pattern.compile(
            "(?i).*(host ec2|ec2 instance|container instance|instance i-[0-9a-f]+).*(stopped|terminated|deregist|retir).*");
    private static final List<String> INTERRUPTION_STOP_CODES = List.of("SpotInterruption", "TerminationNotice");

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
        /** A status the record does not keep (PENDING, STOPPING, …). */
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
        REQUEUED
    }

    /** How one attempt ended, read from its STOPPED event. */
    public record AttemptEnd(Kind kind, Integer exitCode, String reason) {
        /** The kinds of ends, each handled its own way. */
        public enum Kind {
            /** The algorithm exited 0 and its output was uploaded. */
            SUCCEEDED,
            /** A failure of the attempt (the algorithm, stage-in, stage-out, the start): counted. */
            FAILED,
            /** Conveyor stopped it for running past {@code timeoutSeconds}: counted. */
            TIMED_OUT,
            /** Its instance stopped, terminated or went away: not counted. */
            LOST,
            /** Somebody stopped it by hand. */
            STOPPED_BY_USER
        }
    }

    private final String clusterArn;
    private final JobStore jobs;
    private final JobQueue queue;
    private final AlgorithmRegistry registry;
    private final ObjectStore outputs;
    private final Clock clock;

    public JobLifecycle(String clusterArn, JobStore jobs, JobQueue queue, AlgorithmRegistry registry, ObjectStore outputs,
                        Clock clock) {
        this.clusterArn = Objects.requireNonNull(clusterArn, "clusterArn");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        for (int tries = 1; tries <= WRITE_TRIES; tries++) {
            Optional<JobStore.Versioned> read = jobs.read(task.jobId());
            if (read.isEmpty()) {
                LOG.warn("outcome=unknown-job job={} task={} lastStatus={}", task.jobId(), change.taskArn(),
                        change.lastStatus());
                return Outcome.UNKNOWN_JOB;
            }
            Step step = decide(read.get().record(), task.attempt(), change);
            if (step.next() == null) {
                if (step.outcome() == Outcome.REQUEUED) {
                    queue.submit(List.of(task.jobId()));
                }
                log(step, task, change);
                return step.outcome();
            }
            JobRecord next = step.next();
            if (!jobs.replace(next, read.get().version())) {
                LOG.info("outcome=conflict job={} task={} try={} reason=\"the record changed meanwhile\"", task.jobId(),
                        change.taskArn(), tries);
                continue;
            }
            if (step.outcome() == Outcome.RETRYING || step.outcome() == Outcome.INTERRUPTED) {
                queue.submit(List.of(task.jobId()));
            }
            if (!next.children().isEmpty()) {
                queue.submit(next.children());
            }
            log(new Step(next, step.outcome(), step.note()), task, change);
            return step.outcome();
        }
        throw new IllegalStateException("job " + task.jobId() + ": its record changed " + WRITE_TRIES
                + " times while task " + change.taskArn() + " was applied; the event comes again");
    }

    /** The record a change leads to ({@code next}, or {@code null} for none) and why. */
    private record Step(JobRecord next, Outcome outcome, String note) {
    }

    private Step decide(JobRecord record, int attempt, TaskStateChange change) {
        if (attempt < record.attempt()) {
            return new Step(null, Outcome.STALE, "an earlier attempt's task (the job is at attempt " + record.attempt()
                    + ")");
        }
        if (attempt > record.attempt()) {
            return new Step(null, Outcome.STALE, "an attempt the record never started (it is at attempt "
                    + record.attempt() + ")");
        }
        Optional<TaskRun> known = record.task(attempt);
        if (known.isPresent() && !known.get().taskArn().equals(change.taskArn())) {
            return new Step(null, Outcome.STALE, "a second task for attempt " + attempt + "; the record follows "
                    + known.get().taskArn());
        }
        boolean stopped = "STOPPED".equals(change.lastStatus());
        if (stopped && known.isPresent() && "STOPPED".equals(known.get().lastStatus())
                && (record.state() == JobState.QUEUED || record.state() == JobState.WAITING_FOR_CAPACITY)) {
            // This stop was applied and the job queued again; its message may be the one that got lost.
            return new Step(null, Outcome.REQUEUED, "the stop was applied before; the job is queued again");
        }
        if (record.state().terminal()) {
            return new Step(null, Outcome.STALE, "the job is " + record.state());
        }
        if (known.isPresent() && known.get().version() >= change.version()) {
            return new Step(null, Outcome.STALE, "version " + change.version() + " is not newer than "
                    + known.get().version());
        }
        if (record.state() != JobState.STARTING && record.state() != JobState.RUNNING) {
            return new Step(null, Outcome.STALE, "the job is " + record.state() + ", not running this attempt");
        }
        TaskRun run = run(attempt, change);
        if ("RUNNING".equals(change.lastStatus())) {
            if (record.state() == JobState.RUNNING) {
                return new Step(null, Outcome.UNCHANGED, "already running");
            }
            return new Step(record.moveTo(JobState.RUNNING, null).withTask(run), Outcome.RUNNING, null);
        }
        if (!stopped) {
            return new Step(null, Outcome.UNCHANGED, "status " + change.lastStatus() + " is not kept");
        }
        return stop(record.withTask(run), classify(change));
    }

    /** The record after its current attempt ended. */
    private Step stop(JobRecord record, AttemptEnd end) {
        String now = now();
        return switch (end.kind()) {
            case SUCCEEDED -> {
                JobRecord running = record.state() == JobState.STARTING ? record.moveTo(JobState.RUNNING, null) : record;
                List<StoredObject> produced = produced(record);
                // Children first: a crash before the record's write makes them again, by id, and no more.
                List<String> children = chain(record, produced);
                yield new Step(running.ended(JobState.SUCCEEDED, 0, null, null, record.output(), fileNames(record, produced),
                        now).withChildren(children), Outcome.SUCCEEDED, null);
            }
            case LOST -> record.interruptions() < MAX_INTERRUPTIONS
                    ? new Step(record.interrupted(end.reason() + "; queued again, not counted as an attempt (interruption "
                    + (record.interruptions() + 1) + " of " + MAX_INTERRUPTIONS + " allowed)"), Outcome.INTERRUPTED, null)
                    : new Step(record.ended(JobState.FAILED, end.exitCode(), end.reason() + "; the job lost its instance "
                    + (record.interruptions() + 1) + " times", null, record.output(), List.of(), now), Outcome.FAILED, null);
            case STOPPED_BY_USER -> new Step(record.ended(JobState.CANCELLED, end.exitCode(), end.reason(), null,
                    record.output(), List.of(), now), Outcome.CANCELLED, null);
            case FAILED, TIMED_OUT -> record.mayRetry()
                    ? new Step(record.ended(JobState.QUEUED, end.exitCode(), end.reason() + "; trying again (attempt "
                    + (record.countedAttempts() + 1) + " of " + record.maxAttempts() + ")", null, record.output(), List.of(),
                    now),
                    Outcome.RETRYING, null)
                    : new Step(record.ended(JobState.FAILED, end.exitCode(), end.reason(), null, record.output(),
                    List.of(), now), Outcome.FAILED, null);
        };
    }

    /**
     * How an attempt ended, from its STOPPED event. The algorithm container's exit code decides
     * success; stage-in and stage-out failures are named; a stop by Conveyor's timeout, by a user, or
     * with the instance are told apart by ECS's stop code and reason.
     */
    public static AttemptEnd classify(TaskStateChange change) {
        Integer stageIn = exitCode(change, TaskDefinitionWrapper.STAGE_IN);
        Integer algorithm = exitCode(change, TaskDefinitionWrapper.ALGORITHM);
        Integer stageOut = exitCode(change, TaskDefinitionWrapper.STAGE_OUT);
        String stopCode = change.stopCode();
        String stoppedReason = change.stoppedReason() == null ? "no reason given" : change.stoppedReason();
        if (JobTask.isTimeout(change.stoppedReason())) {
            return new AttemptEnd(AttemptEnd.Kind.TIMED_OUT, null,
                    change.stoppedReason().substring("Conveyor: ".length()));
        }
        if ((stopCode != null && INTERRUPTION_STOP_CODES.contains(stopCode)) || INSTANCE_GONE.matcher(stoppedReason).matches()) {
            return new AttemptEnd(AttemptEnd.Kind.LOST, algorithm, "the task's instance went away (" + stopCodeAnd(
                    stopCode, stoppedReason) + ")");
        }
        if ("UserInitiated".equals(stopCode) && (algorithm == null || algorithm != 0)) {
            return new AttemptEnd(AttemptEnd.Kind.STOPPED_BY_USER, algorithm, "stopped outside Conveyor: " + stoppedReason);
        }
        if (stageIn != null && stageIn != 0) {
            return new AttemptEnd(AttemptEnd.Kind.FAILED, null, "stage-in failed (exit code " + stageIn + containerReason(
                    change, TaskDefinitionWrapper.STAGE_IN) + "): the input could not be downloaded");
        }
        if (algorithm == null) {
            String why = "TaskFailedToStart".equals(stopCode) ? "the task failed to start" : "the algorithm never finished";
            return new AttemptEnd(AttemptEnd.Kind.FAILED, null, why + " (" + stopCodeAnd(stopCode, stoppedReason)
                    + containerReasons(change) + ")");
        }
        if (algorithm != 0) {
            return new AttemptEnd(AttemptEnd.Kind.FAILED, algorithm, "exit code " + algorithm
                    + containerReason(change, TaskDefinitionWrapper.ALGORITHM));
        }
        if (stageOut == null || stageOut != 0) {
            return new AttemptEnd(AttemptEnd.Kind.FAILED, 0, "the algorithm succeeded but stage-out "
                    + (stageOut == null ? "never finished (" + stopCodeAnd(stopCode, stoppedReason) + ")"
                    : "failed (exit code " + stageOut + containerReason(change, TaskDefinitionWrapper.STAGE_OUT) + ")")
                    + ": the output was not (fully) uploaded");
        }
        return new AttemptEnd(AttemptEnd.Kind.SUCCEEDED, 0, null);
    }

    // ------------------------------------------------------------------ chains

    /**
     * A succeeded job's next steps: each output object becomes a job of every algorithm in its
     * descriptor's {@code then}. The children's records are made here (once each, by id); the parent's
     * record lists them.
     */
    private List<String> chain(JobRecord parent, List<StoredObject> produced) {
        Optional<Descriptor> descriptor = registry.algorithm(parent.algorithm()).map(AlgorithmRecord::definition);
        if (descriptor.isEmpty() || descriptor.get().then().isEmpty() || produced.isEmpty()) {
            return List.of();
        }
        List<String> children = new ArrayList<>();
        Map<String, Optional<AlgorithmRecord>> nextAlgorithms = new LinkedHashMap<>();
        for (String next : descriptor.get().then()) {
            nextAlgorithms.put(next, registry.algorithm(next));
        }
        String now = now();
        for (StoredObject object : produced) {
            String version = object.version().orElse("etag:" + object.eTag());
            for (Map.Entry<String, Optional<AlgorithmRecord>> next : nextAlgorithms.entrySet()) {
                String name = next.getKey();
                String revision = next.getValue().map(AlgorithmRecord::sha256).orElse("none");
                String id = JobId.of(object.ref().uri(), version, name, revision);
                int maxAttempts = next.getValue().map(AlgorithmRecord::definition).map(d -> 1 + d.retries()).orElse(1);
                String output = "s3://" + object.ref().bucket() + "/"
                        + BucketLayout.outputPrefix(name, BucketLayout.restOf(object.ref().key()), id);
                jobs.create(JobRecord.queued(id, name, revision, object.ref().uri(), version, parent.id(), maxAttempts, now)
                        .withOutput(output));
                children.add(id);
            }
        }
        if (produced.size() >= MAX_OUTPUTS) {
            LOG.warn("outcome=chain-truncated job={} outputs>={} reason=\"only the first {} outputs become jobs\"",
                    parent.id(), MAX_OUTPUTS, MAX_OUTPUTS);
        }
        return children;
    }

    // ------------------------------------------------------------------ helpers

    /** The objects a job's output prefix holds (at most {@link #MAX_OUTPUTS}), folder markers left out. */
    private List<StoredObject> produced(JobRecord record) {
        if (record.output() == null) {
            return List.of();
        }
        ObjectRef prefix = ObjectRef.parse(record.output());
        return outputs.list(prefix.bucket(), prefix.key(), MAX_OUTPUTS).stream()
                .filter(o -> !o.ref().key().endsWith("/"))
                .toList();
    }

    private static List<String> fileNames(JobRecord record, List<StoredObject> produced) {
        String prefix = ObjectRef.parse(record.output()).key();
        return produced.stream().map(o -> o.ref().key().substring(prefix.length())).toList();
    }

    private static TaskRun run(int attempt, TaskStateChange change) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        change.containers().forEach(c -> {
            if (c.exitCode() != null) {
                codes.put(c.name(), c.exitCode());
            }
        });
        return new TaskRun(attempt, change.taskArn(), change.version(), change.lastStatus(), change.startedAt(),
                change.stoppedAt(), codes, change.stopCode(), change.stoppedReason());
    }

    private static Integer exitCode(TaskStateChange change, String container) {
        return change.container(container).map(ContainerState::exitCode).orElse(null);
    }

    private static String containerReason(TaskStateChange change, String container) {
        return change.container(container).map(ContainerState::reason).filter(r -> !r.isBlank())
                .map(r -> ", " + r).orElse("");
    }

    private static String containerReasons(TaskStateChange change) {
        StringBuilder reasons = new StringBuilder();
        change.containers().stream().filter(c -> c.reason() != null && !c.reason().isBlank())
                .forEach(c -> reasons.append("; ").append(c.name()).append(": ").append(c.reason()));
        return reasons.toString();
    }

    private static String stopCodeAnd(String stopCode, String stoppedReason) {
        return (stopCode == null ? "" : stopCode + ": ") + stoppedReason;
    }

    private void log(Step step, JobTask task, TaskStateChange change) {
        JobRecord record = step.next();
        LOG.info("outcome={} job={} attempt={} task={} lastStatus={} version={} state={} exitCodes={} stopCode={} "
                        + "reason=\"{}\" children={}", step.outcome().name().toLowerCase(java.util.Locale.ROOT),
                task.jobId(), task.attempt(), change.taskArn(), change.lastStatus(), change.version(),
                record == null ? "-" : record.state(),
                change.containers().stream().map(c -> c.name() + ":" + c.exitCode()).toList(), change.stopCode(),
                record == null ? step.note() : record.reason(), record == null ? 0 : record.children().size());
    }

    private String now() {
        return clock.instant().toString();
    }
}
