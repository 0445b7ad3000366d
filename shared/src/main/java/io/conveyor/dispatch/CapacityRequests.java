package io.conveyor.dispatch;

import io.conveyor.dispatch.Dispatcher.Verdict;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's third step: capacity for the jobs that fit nowhere. One dispatcher at a time decides
 * (a {@link CapacityLease}); it restarts stopped Conveyor instances before launching new ones and
 * never goes beyond the instance cap ({@link CapacityPlanner}). The jobs wait in the queue meanwhile:
 * their messages return with a delay that grows per delivery.
 */
final class CapacityRequests {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityRequests.class);

    /** The first wait for capacity; it doubles per receive up to {@link #MAX_CAPACITY_DELAY_SECONDS}. */
    static final int FIRST_CAPACITY_DELAY_SECONDS = 30;
    static final int MAX_CAPACITY_DELAY_SECONDS = 300;
    /** What must be left of the capacity lease to start or launch instances under it. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(15);

    private final InstanceFleet fleet;
    private final CapacityLease lease;
    private final CapacityPlanner planner;
    private final Clock clock;

    private final String stack;
    private final MetricLog metrics;

    CapacityRequests(InstanceFleet fleet, CapacityLease lease, CapacityPlanner planner, Clock clock, String stack,
                     MetricLog metrics) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Starts or launches instances for the waiting jobs (when this invocation holds the lease); a
     * verdict per job, each a wait of {@code delay} seconds with its reason.
     */
    Map<String, Verdict> request(List<Candidate> waiting, List<ContainerInstanceLoad> instances, String invocation,
                                 int delay) {
        Optional<Instant> heldUntil = lease.tryAcquire(invocation);
        if (heldUntil.isEmpty()) {
            LOG.info("outcome=waiting jobs={} reason=\"another dispatch holds the capacity lease\"", waiting.size());
            return allWait(waiting, delay, "another dispatch is deciding on capacity");
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
                LOG.warn("outcome=capacity-skipped jobs={} reason=\"lease about to expire\"", waiting.size());
                return allWait(waiting, delay, "the capacity lease ran out before the launch");
            }
            if (!plan.start().isEmpty()) {
                fleet.start(plan.start());
            }
            List<String> launched = new ArrayList<>();
            // Instances launched while only one algorithm waits are that algorithm's (its cost-allocation tag).
            Set<String> algorithms = waiting.stream().map(c -> c.algorithm().name()).collect(Collectors.toSet());
            for (Map.Entry<String, Integer> launch : plan.launch().entrySet()) {
                String token = launchToken(invocation, heldUntil.get(), launch.getKey(), launch.getValue());
                launched.addAll(algorithms.size() == 1
                        ? fleet.launchFor(algorithms.iterator().next(), launch.getKey(), launch.getValue(), token)
                        : fleet.launch(launch.getKey(), launch.getValue(), token));
            }
            LOG.info("outcome=capacity-requested jobs={} live={} started={} launched={} launchedIds={}", waiting.size(),
                    plan.live(), plan.start(), plan.launch(), launched);
        } catch (RuntimeException e) {
            // EC2 said no (no capacity of that type, an account limit, throttling): the jobs wait and ask again.
            LOG.error("outcome=capacity-failed jobs={} reason=\"{}\"", waiting.size(), e.getMessage(), e);
            return allWait(waiting, delay, "asking EC2 for capacity failed: " + e.getMessage());
        }
        if (plan.atCap() > 0) {
            metrics.write(FleetGauges.capacityShortfall(stack, clock.instant(), plan.atCap()));
        }
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        for (Candidate candidate : waiting) {
            verdicts.put(candidate.id(), new Verdict.Wait(delay, plan.notes().getOrDefault(candidate.id(),
                    "waits for capacity")));
        }
        return verdicts;
    }

    private static Map<String, Verdict> allWait(List<Candidate> waiting, int delay, String reason) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        waiting.forEach(candidate -> verdicts.put(candidate.id(), new Verdict.Wait(delay, reason)));
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
}
