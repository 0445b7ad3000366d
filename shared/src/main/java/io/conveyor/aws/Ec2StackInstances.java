package io.conveyor.aws;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The stack's instances on EC2, for its teardown: those carrying its {@link Ec2InstanceFleet#STACK_TAG},
 * in any state but terminated (stopped and shutting-down ones included).
 */
public final class Ec2StackInstances implements Teardown.Instances {

    /** TerminateInstances takes many ids; a bounded batch keeps each request and its error small. */
    static final int TERMINATE_BATCH = 100;

    private final Ec2Client ec2;
    private final String stack;

    public Ec2StackInstances(Ec2Client ec2, String stack) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
        this.stack = Objects.requireNonNull(stack, "stack");
    }

    @Override
    public List<FleetInstance> notTerminated() {
        List<FleetInstance> found = new ArrayList<>();
        ec2.describeInstancesPaginator(request -> request.filters(
                        Filter.builder().name("tag:" + Ec2InstanceFleet.STACK_TAG).values(stack).build(),
                        Filter.builder().name("instance-state-name")
                                .values("pending", "running", "shutting-down", "stopping", "stopped").build()))
                .reservations().forEach(reservation -> reservation.instances().forEach(instance -> found.add(
                        new FleetInstance(instance.instanceId(), instance.instanceTypeAsString(),
                                FleetInstance.State.of(instance.state().nameAsString())))));
        return List.copyOf(found);
    }

    @Override
    public void terminate(List<String> instanceIds) {
        for (int from = 0; from < instanceIds.size(); from += TERMINATE_BATCH) {
            List<String> batch = instanceIds.subList(from, Math.min(instanceIds.size(), from + TERMINATE_BATCH));
            ec2.terminateInstances(request -> request.instanceIds(batch));
        }
    }
}
