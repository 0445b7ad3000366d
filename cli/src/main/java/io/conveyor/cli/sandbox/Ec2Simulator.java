package io.conveyor.cli.sandbox;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.descriptor.InstanceTypes;
import io.conveyor.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Resource;

/**
 * What EC2 and the ECS agent do for the stack's instances that the emulator does not: the emulator
 * makes an instance {@code running} at once and never boots it. This watches the instances with the
 * stack's tag ({@code conveyor:stack}) and
 * <ul>
 *   <li>publishes EC2 Instance State-change Notifications through EventBridge for every change it sees,
 *       with the states EC2 passes through ({@code pending} before {@code running}, {@code stopping}
 *       before {@code stopped}, {@code shutting-down} before {@code terminated});</li>
 *   <li>lets a running instance boot for the boot delay, then registers it as a container instance of
 *       the cluster (RegisterContainerInstance with its identity document and its type's resources),
 *       as the agent started by the launch template's user data would;</li>
 *   <li>when an instance stops or terminates, whoever did it, stops its tasks with ECS's reason
 *       ({@link Hosts#hostGone}) and shows its agent disconnected; a terminated instance's container
 *       instance is deregistered, as ECS does; a stopped one that starts again reconnects (keeping its
 *       container instance) once it has booted.</li>
 * </ul>
 */
public final class Ec2Simulator implements AutoCloseable, EcsGaps.Agents, DisconnectedHosts {

    /** Told when an instance with a container instance stops or terminates. */
    public interface Hosts {
        void hostGone(String containerInstanceArn, String ec2InstanceId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Ec2Simulator.class);

    /** One instance as the simulator last saw it. */
    private static final class Host {
        volatile String state;
        volatile Instant bootsAt;
        volatile String containerInstanceArn;
        volatile boolean connected;
    }

    private final Ec2Client ec2;
    private final EcsClient ecs;
    private final EventPublisher events;
    private final SandboxStack stack;
    private final Clock clock;
    private final Hosts hosts;
    private final Duration pollEvery;
    private final Map<String, Host> known = new ConcurrentHashMap<>();
    private volatile Duration bootDelay;
    private volatile Thread loop;
    private final Wakeup wakeup = new Wakeup();

    /**
     * @param clients   the emulator's clients
     * @param clock     the sandbox's time (boot delays are counted in it)
     * @param bootDelay how long an instance boots before it registers (0 allowed)
     * @param hosts     told when an instance's tasks must stop (the agent)
     * @param pollEvery how often the emulator is asked (wall time)
     */
    public Ec2Simulator(AwsClients clients, SandboxStack stack, Clock clock, Duration bootDelay, Hosts hosts,
                        Duration pollEvery) {
        this.ec2 = clients.ec2();
        this.ecs = clients.ecs();
        this.stack = Objects.requireNonNull(stack, "stack");
        this.events = new EventPublisher(clients.eventBridge(), stack.region(), stack.accountId());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
        bootDelay(bootDelay);
    }

    /** Instances that start running from now on boot this long (a fault: slow boots). */
    public void bootDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("the boot delay must not be negative, was " + delay);
        }
        this.bootDelay = delay;
    }

    /** Looks again at once (the sandbox saw a call that changes what this watches). */
    public void wake() {
        wakeup.wake();
    }

    /** Starts watching. */
    public void start() {
        loop = Thread.ofVirtual().name("sandbox-ec2").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    poll();
                    wakeup.pause(pollEvery);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("outcome=poll-failed error=\"{}\"", e.toString());
                }
            }
        });
    }

    /** Terminates an instance, mid-task or not, and handles it at once (a fault: a host lost). */
    public void kill(String instanceId) {
        LOG.info("outcome=killing instance={}", instanceId);
        ec2.terminateInstances(request -> request.instanceIds(instanceId));
        poll();
    }

    /** Whether the agent of an instance's container instance is connected; empty when it never registered. */
    @Override
    public Optional<Boolean> agentConnected(String ec2InstanceId) {
        Host host = known.get(ec2InstanceId);
        return host == null || host.containerInstanceArn == null ? Optional.empty() : Optional.of(host.connected);
    }

    @Override
    public Optional<String> disconnectedInstance(String containerInstanceArn) {
        return known.entrySet().stream().filter(e -> containerInstanceArn != null
                        && containerInstanceArn.equals(e.getValue().containerInstanceArn) && !e.getValue().connected)
                .map(Map.Entry::getKey).findFirst();
    }

    /** One look at the stack's instances: notifications, boots, registrations, hosts gone. */
    public synchronized void poll() {
        List<Instance> instances = new ArrayList<>();
        ec2.describeInstancesPaginator(request -> request.filters(Filter.builder()
                        .name("tag:" + Ec2InstanceFleet.STACK_TAG).values(stack.stackName()).build()))
                .reservations().forEach(reservation -> instances.addAll(reservation.instances()));
        for (Instance instance : instances) {
            String id = instance.instanceId();
            Host host = known.computeIfAbsent(id, key -> new Host());
            String state = instance.state().nameAsString();
            if (!state.equals(host.state)) {
                changed(instance, host, state);
            }
            if ("running".equals(state) && !host.connected && host.bootsAt != null
                    && !clock.instant().isBefore(host.bootsAt)) {
                booted(instance, host);
            }
        }
    }

    /** The notifications EC2 sends for a change from {@code from} ({@code null}: never seen) to {@code to}. */
    static List<String> notifications(String from, String to) {
        if (to.equals(from) || from == null && ("stopped".equals(to) || "terminated".equals(to))) {
            return List.of();
        }
        List<String> states = new ArrayList<>();
        switch (to) {
            case "running" -> {
                if (!"pending".equals(from)) {
                    states.add("pending");
                }
            }
            case "stopped" -> {
                if (!"stopping".equals(from)) {
                    states.add("stopping");
                }
            }
            case "terminated" -> {
                if (!"shutting-down".equals(from)) {
                    states.add("shutting-down");
                }
            }
            default -> {
            }
        }
        states.add(to);
        return states;
    }

    private void changed(Instance instance, Host host, String state) {
        String id = instance.instanceId();
        String before = host.state;
        boolean wasUp = "running".equals(before) || "pending".equals(before);
        boolean down = !"running".equals(state) && !"pending".equals(state);
        // The host's tasks and its container instance go first: should the emulator fail on them, the
        // change is still new on the next look, and is handled then.
        if (down && wasUp && host.containerInstanceArn != null) {
            host.connected = false;
            hosts.hostGone(host.containerInstanceArn, id);
        }
        if (("shutting-down".equals(state) || "terminated".equals(state)) && host.containerInstanceArn != null) {
            String arn = host.containerInstanceArn;
            ecs.deregisterContainerInstance(request -> request.cluster(stack.clusterName()).containerInstance(arn)
                    .force(true));
            host.containerInstanceArn = null;
            LOG.info("outcome=container-instance-deregistered instance={} containerInstance={}", id, arn);
        }
        for (String notification : notifications(before, state)) {
            events.instanceStateChange(id, notification, clock.instant());
        }
        host.bootsAt = "running".equals(state) ? clock.instant().plus(bootDelay) : null;
        host.state = state;
        LOG.info("outcome=instance-state-changed instance={} from={} to={}", id, before, state);
    }

    private void booted(Instance instance, Host host) {
        String id = instance.instanceId();
        if (host.containerInstanceArn != null && stillRegistered(host.containerInstanceArn)) {
            host.connected = true;
            LOG.info("outcome=agent-reconnected instance={} containerInstance={}", id, host.containerInstanceArn);
            return;
        }
        String type = instance.instanceTypeAsString();
        String document = Json.mapper().createObjectNode()
                .put("accountId", stack.accountId())
                .put("architecture", "x86_64")
                .put("availabilityZone", instance.placement() == null ? stack.region() + "a"
                        : instance.placement().availabilityZone())
                .put("imageId", instance.imageId())
                .put("instanceId", id)
                .put("instanceType", type)
                .put("pendingTime", TaskStateChangeDetail.time(clock.instant()))
                .put("privateIp", instance.privateIpAddress())
                .put("region", stack.region())
                .put("version", "2017-09-30")
                .toString();
        List<Resource> resources = InstanceTypes.of(type).map(capacity -> List.of(
                Resource.builder().name("CPU").type("INTEGER").integerValue(capacity.vcpus() * 1024).build(),
                Resource.builder().name("MEMORY").type("INTEGER").integerValue(capacity.usableMemoryMiB()).build()))
                .orElse(List.of());
        host.containerInstanceArn = ecs.registerContainerInstance(request -> request.cluster(stack.clusterName())
                .instanceIdentityDocument(document).totalResources(resources)).containerInstance().containerInstanceArn();
        host.connected = true;
        LOG.info("outcome=container-instance-registered instance={} type={} containerInstance={}", id, type,
                host.containerInstanceArn);
    }

    private boolean stillRegistered(String containerInstanceArn) {
        return !ecs.describeContainerInstances(request -> request.cluster(stack.clusterName())
                .containerInstances(containerInstanceArn)).containerInstances().isEmpty();
    }

    /** Stops watching. */
    @Override
    public void close() {
        Thread running = loop;
        if (running != null) {
            running.interrupt();
        }
    }
}
