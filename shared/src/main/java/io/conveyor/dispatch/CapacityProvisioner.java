package io.conveyor.dispatch;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.observe.FleetGauges;
import io.conveyor.observe.MetricLog;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The capacity function's work: instances for the jobs dispatch found waiting ({@link CapacityNeed}). One
 * decision at a time (a {@link CapacityLease}); it restarts stopped Conveyor instances before launching new
 * ones and never goes beyond the instance cap ({@link CapacityPlanner}). The needs of one batch are decided
 * together; a need that is stale is dropped, since its jobs ask again at their next delivery.
 */
public final class CapacityProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityProvisioner.class);

    /**
     * How long a need is acted on: its jobs' longest wait in the queue (5 minutes), by when they have sent a
     * newer one. Shorter than the capacity queue's visibility timeout (6 minutes), so a need whose handling
     * failed is never acted on late, when its jobs may have started: it waits for the DLQ instead.
     */
    public static final Duration FRESH_FOR = Duration.ofSeconds(CapacityRequests.MAX_CAPACITY_DELAY_SECONDS);
    /** What must be left of the capacity lease to start or launch instances under it. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(15);

    /** What came of the needs. */
    public enum Outcome {
        /** Nothing was fresh enough to act on. */
        STALE,
        /** Another invocation holds the lease and decides. */
        LEASE_HELD,
        /** Too little of the lease was left to start or launch under it. */
        LEASE_EXPIRING,
        /** EC2 refused (no capacity of a type, an account limit, throttling); the jobs ask again. */
        EC2_FAILED,
        /** Planned, and what the plan says was started and launched. */
        DECIDED
    }

    private final InstanceFleet fleet;
    private final CapacityLease lease;
    private final CapacityPlanner planner;
    private final Clock clock;
    private final String stack;
    private final MetricLog metrics;

    /**
     * @param stack   the stack its {@code CapacityShortfall} metric is about
     * @param metrics where that metric goes
     */
    public CapacityProvisioner(InstanceFleet fleet, CapacityLease lease, CapacityPlanner planner, Clock clock,
                               String stack, MetricLog metrics) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Starts or launches instances for the fresh needs, if this invocation takes the lease.
     *
     * @param needs      what dispatch asked for (a job named twice counts once, with its latest demand)
     * @param instances  the cluster's container instances now
     * @param invocation who decides (the lease's holder, the launch token's seed)
     */
    public Outcome provision(List<CapacityNeed> needs, List<ContainerInstanceLoad> instances, String invocation) {
        Instant now = clock.instant();
        Map<String, Packer.Demand> waiting = new LinkedHashMap<>();
        Set<String> algorithms = new TreeSet<>();
        for (CapacityNeed need : needs) {
            if (need.requestedAt().plus(FRESH_FOR).isBefore(now)) {
                LOG.info("outcome=need-stale requestedBy={} requestedAt={} jobs={}", need.requestedBy(),
                        need.requestedAt(), need.waiting().size());
                continue;
            }
            need.waiting().forEach(demand -> waiting.put(demand.key(), demand));
            algorithms.addAll(need.algorithms());
        }
        if (waiting.isEmpty()) {
            return Outcome.STALE;
        }
        Optional<Instant> heldUntil = lease.tryAcquire(invocation);
        if (heldUntil.isEmpty()) {
            LOG.info("outcome=waiting jobs={} reason=\"another invocation holds the capacity lease\"", waiting.size());
            return Outcome.LEASE_HELD;
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
            plan = planner.plan(List.copyOf(waiting.values()), current, settled);
            if (plan.added() > 0 && clock.instant().plus(LEASE_MARGIN).isAfter(heldUntil.get())) {
                // Too little of the lease is left: another invocation may take it and not see this launch yet.
                LOG.warn("outcome=capacity-skipped jobs={} reason=\"lease about to expire\"", waiting.size());
                return Outcome.LEASE_EXPIRING;
            }
            if (!plan.start().isEmpty()) {
                fleet.start(plan.start());
            }
            List<String> launched = new ArrayList<>();
            for (Map.Entry<String, Integer> launch : plan.launch().entrySet()) {
                String token = launchToken(invocation, heldUntil.get(), launch.getKey(), launch.getValue());
                // Instances launched while only one algorithm waits are that algorithm's (its cost-allocation tag).
                launched.addAll(algorithms.size() == 1
                        ? fleet.launchFor(algorithms.iterator().next(), launch.getKey(), launch.getValue(), token)
                        : fleet.launch(launch.getKey(), launch.getValue(), token));
            }
            LOG.info("outcome=capacity-requested jobs={} live={} started={} launched={} launchedIds={}", waiting.size(),
                    plan.live(), plan.start(), plan.launch(), launched);
            plan.notes().forEach((job, note) -> LOG.info("outcome=job-waits job={} note=\"{}\"", job, note));
        } catch (RuntimeException e) {
            LOG.error("outcome=capacity-failed jobs={} reason=\"{}\"", waiting.size(), e.getMessage(), e);
            return Outcome.EC2_FAILED;
        }
        if (plan.atCap() > 0) {
            metrics.write(FleetGauges.capacityShortfall(stack, clock.instant(), plan.atCap()));
        }
        return Outcome.DECIDED;
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
}
