package io.conveyor.jobs;

import java.util.Objects;

/**
 * Where one attempt was placed (on AWS), for its cost: the instance and the attempt's share of it.
 *
 * @param attempt        the attempt
 * @param instanceId     the EC2 instance behind the chosen container instance
 * @param instanceType   its type, e.g. {@code m6i.large}
 * @param purchaseOption how it is bought: {@code on-demand} (Conveyor launches no Spot instances)
 * @param share          the larger of the task's vCPU share and its memory share of what the instance
 *                       registered with ECS, in (0, 1]
 */
public record AttemptPlacement(int attempt, String instanceId, String instanceType, String purchaseOption,
                               double share) {

    public AttemptPlacement {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], was " + share);
        }
    }

    /**
     * The share of an instance a task reserves: the larger of its CPU units over the instance's and its
     * memory over the instance's (the registered amounts), capped at 1.
     *
     * @throws IllegalArgumentException when a reservation is not positive or an instance amount is not
     */
    public static double share(int taskCpuUnits, int taskMemoryMiB, int instanceCpuUnits, int instanceMemoryMiB) {
        if (taskCpuUnits < 0 || taskMemoryMiB < 0 || taskCpuUnits + taskMemoryMiB == 0) {
            throw new IllegalArgumentException("task reservation must be positive, was " + taskCpuUnits
                    + " CPU units and " + taskMemoryMiB + " MiB");
        }
        if (instanceCpuUnits <= 0 || instanceMemoryMiB <= 0) {
            throw new IllegalArgumentException("instance resources must be positive, were " + instanceCpuUnits
                    + " CPU units and " + instanceMemoryMiB + " MiB");
        }
        double cpu = (double) taskCpuUnits / instanceCpuUnits;
        double memory = (double) taskMemoryMiB / instanceMemoryMiB;
        return Math.min(1.0, Math.max(cpu, memory));
    }

    /** The same placement for {@code ofAttempt}. */
    AttemptPlacement forAttempt(int ofAttempt) {
        return new AttemptPlacement(ofAttempt, instanceId, instanceType, purchaseOption, share);
    }
}
