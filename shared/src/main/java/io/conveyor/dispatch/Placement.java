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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    private final Overlap overlap;
    private final StartRate rate;

    Placement(JobUpdates updates, TaskLauncher launcher, Duration startGrace, Clock clock, Overlap overlap,
              StartRate rate) {
        this.overlap = Objects.requireNonNull(overlap, "overlap");
        this.rate = Objects.requireNonNull(rate, "rate");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.startGrace = Objects.requireNonNull(startGrace, "startGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What placement did: a verdict for each job it settled, the jobs that wait for capacity (their
     * records say so; capacity is still to be asked for), what the started tasks took by container
     * instance, whether a refused start said the cluster is not as seen, and the algorithms whose task definition a
     * refused start said is gone.
     */
    record Placed(Map<String, Verdict> verdicts, List<Candidate> waiting, Map<String, ClusterView.Taken> taken,
                  boolean clusterDiffers, Set<String> definitionsGone) {
    }

    /** Whether every candidate fits on these instances' free capacity. */
    static boolean fitsAll(List<Candidate> candidates, List<ContainerInstanceLoad> instances) {
        return pack(candidates, instances).unplaced().isEmpty();
    }

    private static Packer.Packing pack(List<Candidate> candidates, List<ContainerInstanceLoad> instances) {
        List<Packer.Bin> bins = instances.stream().filter(ContainerInstanceLoad::acceptsTasks)
                .map(i -> new Packer.Bin(i.containerInstanceArn(), i.instanceType(), i.remainingCpuUnits(),
                        i.remainingMemoryMiB()))
                .toList();
        return Packer.pack(candidates.stream().map(Candidate::demand).toList(), bins);
    }

    Placed place(List<Candidate> candidates, List<ContainerInstanceLoad> instances) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Packer.Packing packing = pack(candidates, instances);
        Map<String, Candidate> byId = new LinkedHashMap<>();
        candidates.forEach(c -> byId.putIfAbsent(c.id(), c));
        Map<String, ContainerInstanceLoad> byArn = new HashMap<>();
        instances.forEach(i -> byArn.putIfAbsent(i.containerInstanceArn(), i));

        // Placed jobs: each claims its record, then starts its task; jobs overlap, a job's own steps do not.
        List<Map.Entry<String, String>> placed = List.copyOf(packing.placed().entrySet());
        List<Started> outcomes = overlap.each(placed, p -> claimAndStart(byId.get(p.getKey()), p.getValue(),
                byArn.get(p.getValue())));
        Map<String, ClusterView.Taken> taken = new HashMap<>();
        boolean clusterDiffers = false;
        Set<String> definitionsGone = new HashSet<>();
        for (int i = 0; i < placed.size(); i++) {
            Started outcome = outcomes.get(i);
            verdicts.put(placed.get(i).getKey(), outcome.verdict());
            if (outcome.refused() != null) {
                clusterDiffers |= outcome.refused().clusterDiffers();
                if (outcome.refused().definitionGone()) {
                    definitionsGone.add(byId.get(placed.get(i).getKey()).algorithm().name());
                }
            }
            if (outcome.started()) {
                Packer.Demand demand = byId.get(placed.get(i).getKey()).demand();
                taken.merge(placed.get(i).getValue(), new ClusterView.Taken(demand.cpuUnits(), demand.memoryMiB(), 1),
                        ClusterView.Taken::plus);
            }
        }

        // Jobs that fit nowhere: recorded as waiting (unless somebody else took care of them meanwhile).
        List<Candidate> unplaced = packing.unplaced().stream().map(d -> byId.get(d.key())).toList();
        List<Claim> claims = overlap.each(unplaced, candidate -> guarded(candidate.id(), () -> claim(candidate,
                new JobEvent.WaitingForCapacity("no container instance of the cluster has "
                        + candidate.demand().cpuUnits() + " CPU units and " + candidate.demand().memoryMiB()
                        + " MiB free"))));
        List<Candidate> waiting = new ArrayList<>();
        for (int i = 0; i < unplaced.size(); i++) {
            if (claims.get(i).verdict() != null) {
                verdicts.put(unplaced.get(i).id(), claims.get(i).verdict());
            } else {
                waiting.add(unplaced.get(i));
            }
        }
        return new Placed(verdicts, waiting, taken, clusterDiffers, Set.copyOf(definitionsGone));
    }

    /** What became of one placed job: its verdict, whether its task started, ECS's refusal if it refused it. */
    private record Started(Verdict verdict, boolean started, TaskStart.Result.Refused refused) {
    }

    /** One placed job, in order: its record claimed, a start token taken, its task started, the outcome written. */
    private Started claimAndStart(Candidate candidate, String containerInstance, ContainerInstanceLoad load) {
        Claim claim = guarded(candidate.id(), () -> claim(candidate, new JobEvent.StartRequested(containerInstance,
                host(candidate.demand(), load))));
        if (claim.verdict() != null) {
            return new Started(claim.verdict(), false, null);
        }
        TaskStart start;
        try {
            start = TaskOverrides.of(candidate.id(), claim.record().attempt(), candidate.taskDefinitionArn(),
                    containerInstance, candidate.algorithm().definition(), candidate.input().ref(),
                    candidate.input().versionId(), claim.record().output(), candidate.parameters());
        } catch (RuntimeException e) {
            // Nothing was started: the record stays STARTING and the next delivery (after the grace) starts it.
            LOG.error("outcome=job-failed job={} reason=\"{}\"", candidate.id(), e.getMessage(), e);
            return new Started(new Verdict.Failed(String.valueOf(e.getMessage())), false, null);
        }
        TaskStart.Result result;
        try {
            rate.acquire();
            result = launcher.start(List.of(start)).get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new TaskStart.Result.Refused("interrupted before its start was asked for", true);
        } catch (RuntimeException e) {
            // Nothing says whether the task exists: the record stays STARTING, and the next delivery looks.
            LOG.error("outcome=start-failed job={} reason=\"{}\"", start.jobId(), e.getMessage(), e);
            result = new TaskStart.Result.Unknown(String.valueOf(e.getMessage()));
        }
        TaskStart.Result outcome = result;
        Verdict verdict = guarded(start.jobId(), () -> new Claim(null, settle(start, outcome))).verdict();
        return new Started(verdict, outcome instanceof TaskStart.Result.Started,
                outcome instanceof TaskStart.Result.Refused refused ? refused : null);
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
