package io.conveyor.aws;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.fleet.InstanceTermination;
import io.conveyor.fleet.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Conveyor's instances on EC2: those carrying the stack's tag, launched from its launch template.
 */
public final class Ec2InstanceFleet implements InstanceFleet, InstanceTermination, Teardown.Instances {

    /** TerminateInstances takes many ids; a bounded batch keeps each request and its error small. */
    static final int TERMINATE_BATCH = 100;

    /** The tag that marks an instance as Conveyor's; its value is the stack name. */
    public static final String STACK_TAG = "conveyor:stack";
    /** The cost-allocation tag of an instance launched for one algorithm's jobs; its value is the algorithm. */
    public static final String ALGORITHM_TAG = "conveyor:algorithm";

    private final Ec2Client ec2;
    private final String stack;
    private final String launchTemplateId;
    private final String launchTemplateVersion;
    private final List<String> subnets;

    /**
     * Conveyor's instances, to watch, start and terminate; launching needs the launch template (the other
     * constructor).
     */
    public Ec2InstanceFleet(Ec2Client ec2, String stack) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.launchTemplateId = null;
        this.launchTemplateVersion = null;
        this.subnets = List.of();
    }

    /**
     * @param subnets the subnets to launch into, spread by launch (empty: the launch template's or the default VPC's)
     */
    public Ec2InstanceFleet(Ec2Client ec2, String stack, String launchTemplateId, String launchTemplateVersion,
                            List<String> subnets) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.launchTemplateId = Objects.requireNonNull(launchTemplateId, "launchTemplateId");
        this.launchTemplateVersion = Objects.requireNonNull(launchTemplateVersion, "launchTemplateVersion");
        this.subnets = List.copyOf(subnets);
    }

    @Override
    public List<FleetInstance> instances() {
        List<FleetInstance> instances = new ArrayList<>();
        ec2.describeInstancesPaginator(request -> request.filters(
                        Filter.builder().name("tag:" + STACK_TAG).values(stack).build(),
                        Filter.builder().name("instance-state-name")
                                .values("pending", "running", "shutting-down", "stopping", "stopped").build()))
                .reservations().forEach(reservation -> reservation.instances().stream()
                        .map(Ec2InstanceFleet::instance).forEach(instances::add));
        return List.copyOf(instances);
    }

    @Override
    public void start(List<String> instanceIds) {
        ec2.startInstances(request -> request.instanceIds(instanceIds));
    }

    /** The same as {@link #instances()}: the teardown waits until it is empty. */
    @Override
    public List<FleetInstance> notTerminated() {
        return instances();
    }

    /** Terminates instances (the functions' policies allow it only on instances with the stack's tag). */
    @Override
    public void terminate(List<String> instanceIds) {
        for (int from = 0; from < instanceIds.size(); from += TERMINATE_BATCH) {
            List<String> batch = instanceIds.subList(from, Math.min(instanceIds.size(), from + TERMINATE_BATCH));
            ec2.terminateInstances(request -> request.instanceIds(batch));
        }
    }

    /**
     * Launches into the configured subnets in turn, from a random one: a subnet whose zone has no
     * capacity of that type (or does not offer it) passes the launch on to the next.
     */
    @Override
    public List<String> launch(String instanceType, int count, String idempotencyToken) {
        return launch(instanceType, count, idempotencyToken, List.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The request tags the instances and their volumes with the stack's and the algorithm's tags (the
     * stack's again, so that it holds whatever EC2 does with the launch template's own tags).
     */
    @Override
    public List<String> launchFor(String algorithm, String instanceType, int count, String idempotencyToken) {
        List<Tag> tags = List.of(Tag.builder().key(STACK_TAG).value(stack).build(),
                Tag.builder().key(ALGORITHM_TAG).value(algorithm).build());
        return launch(instanceType, count, idempotencyToken, List.of(
                TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags).build(),
                TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags).build()));
    }

    private List<String> launch(String instanceType, int count, String idempotencyToken, List<TagSpecification> tags) {
        if (launchTemplateId == null) {
            throw new IllegalStateException("no launch template: this fleet only watches, starts and terminates");
        }
        List<String> order = new ArrayList<>();
        if (subnets.isEmpty()) {
            order.add(null);
        } else {
            int first = java.util.concurrent.ThreadLocalRandom.current().nextInt(subnets.size());
            for (int i = 0; i < subnets.size(); i++) {
                order.add(subnets.get((first + i) % subnets.size()));
            }
        }
        Ec2Exception last = null;
        for (int i = 0; i < order.size(); i++) {
            String subnet = order.get(i);
            String token = order.size() == 1 ? idempotencyToken : idempotencyToken + "-" + i;
            try {
                return ec2.runInstances(request -> request
                                .launchTemplate(t -> t.launchTemplateId(launchTemplateId).version(launchTemplateVersion))
                                .instanceType(instanceType)
                                .subnetId(subnet)
                                .minCount(count).maxCount(count)
                                .tagSpecifications(tags.isEmpty() ? null : tags)
                                .clientToken(token))
                        .instances().stream().map(Instance::instanceId).toList();
            } catch (Ec2Exception e) {
                if (!isZoneRefusal(e)) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** Error codes that mean "not in this subnet's zone", so another subnet may succeed. */
    private static final java.util.Set<String> ZONE_REFUSALS = java.util.Set.of("InsufficientInstanceCapacity",
            "Unsupported");

    /** Whether EC2 refused for the subnet's zone; an error without a code (a bare 500) is no such refusal. */
    static boolean isZoneRefusal(Ec2Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null && ZONE_REFUSALS.contains(code);
    }

    private static FleetInstance instance(Instance instance) {
        return new FleetInstance(instance.instanceId(), instance.instanceTypeAsString(),
                FleetInstance.State.of(instance.state().nameAsString()), instance.launchTime());
    }
}
