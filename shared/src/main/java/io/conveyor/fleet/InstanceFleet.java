package io.conveyor.fleet;

import java.util.List;

/**
 * The EC2 instances Conveyor launches for its cluster (EC2 on AWS).
 */
public interface InstanceFleet {

    /** Conveyor's instances that are not terminated. */
    List<FleetInstance> instances();

    /** Starts stopped instances. */
    void start(List<String> instanceIds);

    /**
     * Launches {@code count} instances of a type from Conveyor's launch template.
     *
     * @param idempotencyToken the same token never launches twice (EC2's client token)
     * @return the new instances' ids
     */
    List<String> launch(String instanceType, int count, String idempotencyToken);

    /**
     * Launches instances for the jobs of one algorithm: the same as {@link #launch(String, int, String)}, and
     * where the fleet can tag, the instances carry the algorithm's name as a cost-allocation tag
     * ({@code conveyor:algorithm}). Fleets that cannot tag launch plainly.
     */
    default List<String> launchFor(String algorithm, String instanceType, int count, String idempotencyToken) {
        return launch(instanceType, count, idempotencyToken);
    }
}
