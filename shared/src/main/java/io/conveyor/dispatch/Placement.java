package io.conveyor.dispatch;

import io.conveyor.dispatch.Dispatcher.Verdict;
import io.conveyor.cost.Prices;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.Effect;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.Transition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's second step: the batch's jobs packed onto the cluster's free capacity; each placed job's
 * record claimed (STARTING, by a conditional write, so a job gets one task however often it is
 * delivered) and its task started; each job that fits nowhere recorded as waiting for capacity.
 */
final class Placement {

    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    /** How long a message waits before a job is tried again after a refused start. */
    static final int RETRY_START_DELAY_SECONDS = 10;

    private final JobUpdates updates;
    private final TaskLauncher launcher;
    private final Duration startGrace;
    private final Clock clock;

    Placement(JobUpdates updates, TaskLauncher launcher, Duration startGrace, Clock clock) {
        this.updates = Objects.requireNonNull(updates, "updates");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.startGrace = Objects.requireNonNull(startGrace, "startGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What placement did: a verdict for each job it settled, and the jobs that wait for capacity
     * (their records say so; capacity is still to be asked for).
     */
    record Placed(Map<String, Verdict> verdicts, List<Candidate> waiting) {
    }

    Placed place(List<Candidate> candidates, List<ContainerInstanceLoad> instances) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        List<Packer.Bin> bins = instances.stream().filter(ContainerInstanceLoad::acceptsTasks)
                .map(i -> new Packer.Bin(i.containerInstanceArn(), i.instanceType(), i.remainingCpuUnits(),
                        i.remainingMemoryMiB()))
                .toList();
        Packer.Packing packing = Packer.pack(candidates.stream().map(Candidate::demand).toList(), bins);
        Map<String, Candidate> byId = new LinkedHashMap<>();
        candidates.forEach(c -> byId.putIfAbsent(c.id(), c));
        Map<String, ContainerInstanceLoad> byArn = new HashMap<>();
        instances.forEach(i -> byArn.putIfAbsent(i.containerInstanceArn(), i));

        // Placed jobs: claim each record, then start the claimed ones in one call.
        List<TaskStart> starts = new ArrayList<>();
        packing.placed().forEach((id, containerInstance) -> {
            Candidate candidate = byId.get(id);
            Claim claim = guarded(id, () -> claim(candidate, new JobEvent.StartRequested(containerInstance,
                    host(candidate.demand(), byArn.get(containerInstance)))));
            if (claim.verdict() != null) {
                verdicts.put(id, claim.verdict());
                return;
            }
            starts.add(TaskOverrides.of(id, claim.record().attempt(), candidate.taskDefinitionArn(),
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
            TaskStart.Result result = results.get(i);
            verdicts.put(start.jobId(), guarded(start.jobId(), () -> new Claim(null, settle(start, result))).verdict());
        }

        // Jobs that fit nowhere: recorded as waiting (unless somebody else took care of them meanwhile).
        List<Candidate> waiting = new ArrayList<>();
        for (Packer.Demand demand : packing.unplaced()) {
            Candidate candidate = byId.get(demand.key());
            Claim claim = guarded(candidate.id(), () -> claim(candidate, new JobEvent.WaitingForCapacity(
                    "no container instance of the cluster has " + demand.cpuUnits() + " CPU units and "
                            + demand.memoryMiB() + " MiB free")));
            if (claim.verdict() != null) {
                verdicts.put(candidate.id(), claim.verdict());
            } else {
                waiting.add(candidate);
            }
        }
        return new Placed(verdicts, waiting);
    }

    /**
     * The EC2 instance behind a container instance and the task's share of it (for the attempt's cost), or
     * {@code null} when ECS did not tell the instance or what it registered.
     */
    static AttemptPlacement host(Packer.Demand demand, ContainerInstanceLoad load) {
        if (load == null || load.ec2InstanceId() == null || load.instanceType() == null
                || load.registeredCpuUnits() <= 0 || load.registeredMemoryMiB() <= 0
                || demand.cpuUnits() + demand.memoryMiB() <= 0) {
            return null;
        }
        // Conveyor launches on-demand instances only (Ec2InstanceFleet.launch asks for no Spot market).
        return new AttemptPlacement(0, load.ec2InstanceId(), load.instanceType(), Prices.ON_DEMAND,
                AttemptPlacement.share(Math.max(0, demand.cpuUnits()), Math.max(0, demand.memoryMiB()),
                        load.registeredCpuUnits(), load.registeredMemoryMiB()));
    }

    /** Either the record as this caller left it, or what the message needs instead. */
    private record Claim(JobRecord record, Verdict verdict) {
        static Claim settled(Verdict verdict) {
            return new Claim(null, verdict);
        }
    }

    /**
     * Applies {@code next} (a start, or a wait) to the job's record: creates a new job's record, or
     * moves an existing one that is queued, waiting, or STARTING without a task past the grace.
     */
    private Claim claim(Candidate candidate, JobEvent next) {
        if (candidate.job() != null) {
            Optional<Transition> created = updates.create(candidate.job(), List.of(next));
            if (created.isPresent()) {
                return new Claim(created.get().after(), null);
            }
        }
        Optional<JobStore.Versioned> existing = candidate.recorded() != null ? Optional.of(candidate.recorded())
                : updates.store().read(candidate.id());
        if (existing.isEmpty()) {
            return Claim.settled(new Verdict.Wait(RETRY_START_DELAY_SECONDS, "the job's record vanished: trying again"));
        }
        JobRecord current = existing.get().record();
        List<JobEvent> events = new ArrayList<>();
        if (current.state() == JobState.STARTING) {
            // Seen again while STARTING: its start may have happened, be under way, or never have happened.
            JobEvent.StartInDoubt doubt = new JobEvent.StartInDoubt(
                    launcher.anyTaskStartedBy(new JobTask(current.id(), current.attempt()).startedBy()), startGrace);
            Transition looked = io.conveyor.jobs.JobLifecycle.apply(current, doubt, clock.instant());
            if (!looked.changed()) {
                LOG.info("outcome={} job={} state=STARTING reason=\"{}\"", looked.effects().isEmpty() ? "duplicate"
                        : "start-pending", current.id(), looked.note());
                return Claim.settled(looked.effect(Effect.LookAgain.class).isPresent()
                        ? new Verdict.Wait(startWaitSeconds(), looked.note()) : new Verdict.Done());
            }
            events.add(doubt);
        }
        events.add(next);
        Optional<Transition> applied = updates.apply(existing.get(), events);
        if (applied.isEmpty()) {
            LOG.info("outcome=duplicate job={} reason=\"another dispatch took it meanwhile\"", current.id());
            return Claim.settled(new Verdict.Done());
        }
        if (applied.get().kind() == Transition.Kind.STALE) {
            LOG.info("outcome=duplicate job={} state={}", current.id(), current.state());
            return Claim.settled(new Verdict.Done());
        }
        return new Claim(applied.get().after(), null);
    }

    /** The outcome of one start, written to the job's record. */
    private Verdict settle(TaskStart start, TaskStart.Result result) {
        return switch (result) {
            case TaskStart.Result.Started started -> {
                LOG.info("outcome=started job={} attempt={} task={} containerInstance={}", start.jobId(),
                        start.attempt(), started.taskArn(), start.containerInstance());
                yield new Verdict.Done();
            }
            case TaskStart.Result.Refused refused -> {
                updates.apply(start.jobId(), new JobEvent.StartRefused(refused.retriable() ? refused.reason()
                        : "ECS refused the task: " + refused.reason(), refused.retriable()));
                LOG.warn("outcome=start-refused job={} reason=\"{}\" retry={}", start.jobId(), refused.reason(),
                        refused.retriable());
                yield refused.retriable() ? new Verdict.Wait(RETRY_START_DELAY_SECONDS, refused.reason())
                        : new Verdict.Done();
            }
            case TaskStart.Result.Unknown unknown -> {
                LOG.warn("outcome=start-in-doubt job={} reason=\"{}\"", start.jobId(), unknown.reason());
                yield new Verdict.Wait(startWaitSeconds(), "the start's outcome is unknown (" + unknown.reason()
                        + "): the next delivery looks for its task");
            }
        };
    }

    private int startWaitSeconds() {
        return (int) Math.max(RETRY_START_DELAY_SECONDS, startGrace.toSeconds());
    }

    /** One job's failure (the store, a bug) never stops the batch: that job's messages go back. */
    private static Claim guarded(String jobId, java.util.function.Supplier<Claim> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            LOG.error("outcome=job-failed job={} reason=\"{}\"", jobId, e.getMessage(), e);
            return Claim.settled(new Verdict.Failed(String.valueOf(e.getMessage())));
        }
    }

    static Map<String, Verdict> failedAll(List<Candidate> candidates, RuntimeException e) {
        Map<String, Verdict> verdicts = new HashMap<>();
        candidates.forEach(c -> verdicts.put(c.id(), new Verdict.Failed(String.valueOf(e.getMessage()))));
        return verdicts;
    }
}
