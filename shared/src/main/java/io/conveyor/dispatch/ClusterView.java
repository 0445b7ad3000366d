package io.conveyor.dispatch;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster's container instances and their free capacity, read once and reused by the batches that
 * follow while it is fresh (ECS charges two calls per 100 instances for each read). What a batch places
 * is taken off the view it reused; a refused start (another dispatcher took the room, an instance left)
 * drops the view, and so does a batch that found no room in a view it did not read itself.
 */
final class ClusterView {

    private final ContainerScheduler cluster;
    private final Duration freshFor;
    private final Clock clock;
    private List<ContainerInstanceLoad> instances;
    private Instant readAt;

    ClusterView(ContainerScheduler cluster, Duration freshFor, Clock clock) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.freshFor = Objects.requireNonNull(freshFor, "freshFor");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (freshFor.isNegative()) {
            throw new IllegalArgumentException("freshFor must not be negative, was " + freshFor);
        }
    }

    /** What the view shows: the one held while it is fresh, else a new read. */
    synchronized Read current() {
        Instant now = clock.instant();
        if (instances != null && now.isBefore(readAt.plus(freshFor))) {
            return new Read(instances, false);
        }
        return fresh();
    }

    /** A new read of the cluster, kept for the batches that follow. */
    synchronized Read fresh() {
        instances = cluster.containerInstances();
        readAt = clock.instant();
        return new Read(instances, true);
    }

    /** Forgets the view: the next batch reads the cluster. */
    synchronized void invalidate() {
        instances = null;
    }

    /** What a batch started on one container instance. */
    record Taken(int cpuUnits, int memoryMiB, int tasks) {
        Taken plus(Taken other) {
            return new Taken(cpuUnits + other.cpuUnits, memoryMiB + other.memoryMiB, tasks + other.tasks);
        }
    }

    /** Takes what was started (by container instance ARN) off the held view. */
    synchronized void placed(Map<String, Taken> used) {
        if (instances == null || used.isEmpty()) {
            return;
        }
        List<ContainerInstanceLoad> after = new ArrayList<>(instances.size());
        for (ContainerInstanceLoad i : instances) {
            Taken taken = used.get(i.containerInstanceArn());
            after.add(taken == null ? i : new ContainerInstanceLoad(i.containerInstanceArn(), i.ec2InstanceId(),
                    i.status(), i.agentConnected(), i.runningTasks(), i.pendingTasks() + taken.tasks(), i.instanceType(),
                    Math.max(0, i.remainingCpuUnits() - taken.cpuUnits()), Math.max(0, i.remainingMemoryMiB() - taken.memoryMiB()),
                    i.registeredCpuUnits(), i.registeredMemoryMiB()));
        }
        instances = List.copyOf(after);
    }

    /** The instances seen, and whether they were read for this batch. */
    record Read(List<ContainerInstanceLoad> instances, boolean fresh) {
    }
}
