package io.conveyor.cli.sandbox;

import io.conveyor.descriptor.InstanceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What moto's ECS (5.2.1) gets wrong, mended on the sandbox's own SDK clients, those the handlers get
 * ({@code AwsClients.with(gaps)}). Each mend is small and says what it works around:
 * <ol>
 *   <li>RegisterTaskDefinition: moto sums the containers' {@code memory} to place a task, and a wrapped
 *       definition has memory at task level only, so moto answers StartTask with HTTP 500. Each
 *       container without memory of its own gets a {@code memoryReservation} (and each without CPU a
 *       {@code cpu}) so that they add up to the task's. ECS itself places by the task-level values,
 *       which these equal; only the definition moto keeps shows the shares.</li>
 *   <li>DescribeContainerInstances: moto registers every instance with 4096 CPU units and 7482 MiB.
 *       Registered and remaining CPU and memory become the instance type's ({@link InstanceTypes}),
 *       less what moto counts as reserved by the tasks on it; {@code agentConnected} becomes the
 *       simulator's (false while the instance is stopped).</li>
 *   <li>DescribeTasks: moto has no {@code startedAt}, {@code stoppedAt} or {@code stopCode}, one
 *       container with exit code 0, and a status that moves on each call. A task the agent runs is
 *       described as the agent knows it (fleet-monitor's timeout reads {@code startedAt}); a StopTask
 *       the agent has not yet seen still shows, as ECS shows it at once. One the agent has not taken up
 *       yet is PENDING.</li>
 * </ol>
 * Requests and responses of other operations and services pass unchanged.
 */
public final class EcsGaps implements ExecutionInterceptor {

    /** Whose agents are connected: the instance simulator. */
    public interface Agents {
        /** Empty when the instance never registered. */
        Optional<Boolean> agentConnected(String ec2InstanceId);
    }

    /** What runs: the sandbox's ECS agent. */
    public interface Tasks {
        /** The task as the agent knows it; empty when it has not taken it up. */
        Optional<Task> task(String taskArn);
    }

    private final Agents agents;
    private final Tasks tasks;

    public EcsGaps(Agents agents, Tasks tasks) {
        this.agents = Objects.requireNonNull(agents, "agents");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return context.request() instanceof RegisterTaskDefinitionRequest register ? withContainerShares(register)
                : context.request();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        return switch (context.response()) {
            case DescribeContainerInstancesResponse described -> described.toBuilder().containerInstances(
                    described.containerInstances().stream().map(this::mend).toList()).build();
            case DescribeTasksResponse described -> described.toBuilder().tasks(
                    described.tasks().stream().map(this::mend).toList()).build();
            default -> context.response();
        };
    }

    /** (1) Each container without memory (CPU) gets its share of the task's, so that they add up to it. */
    static RegisterTaskDefinitionRequest withContainerShares(RegisterTaskDefinitionRequest request) {
        List<ContainerDefinition> containers = request.containerDefinitions();
        Integer memory = number(request.memory());
        Integer cpu = number(request.cpu());
        if (memory != null) {
            containers = share(containers, memory, c -> c.memory() != null ? c.memory() : c.memoryReservation(),
                    (c, part) -> c.toBuilder().memoryReservation(part).build());
        }
        if (cpu != null) {
            containers = share(containers, cpu, ContainerDefinition::cpu, (c, part) -> c.toBuilder().cpu(part).build());
        }
        return containers == request.containerDefinitions() ? request
                : request.toBuilder().containerDefinitions(containers).build();
    }

    private static List<ContainerDefinition> share(List<ContainerDefinition> containers, int total,
                                                   Function<ContainerDefinition, Integer> own,
                                                   BiFunction<ContainerDefinition, Integer, ContainerDefinition> give) {
        long lacking = containers.stream().filter(c -> own.apply(c) == null).count();
        if (lacking == 0) {
            return containers;
        }
        int left = Math.max(0, total - containers.stream().map(own).filter(Objects::nonNull).mapToInt(Integer::intValue)
                .sum());
        int each = (int) (left / lacking);
        int extra = (int) (left % lacking);
        List<ContainerDefinition> shared = new ArrayList<>(containers.size());
        for (ContainerDefinition container : containers) {
            if (own.apply(container) != null) {
                shared.add(container);
            } else {
                shared.add(give.apply(container, each + (extra-- > 0 ? 1 : 0)));
            }
        }
        return shared;
    }

    /** (2) Resources by instance type, less what moto counts reserved; the agent's connection. */
    ContainerInstance mend(ContainerInstance instance) {
        ContainerInstance.Builder mended = instance.toBuilder();
        String type = instance.attributes().stream().filter(a -> "ecs.instance-type".equals(a.name()))
                .map(Attribute::value).findFirst().orElse(null);
        InstanceTypes.of(type == null ? "" : type).ifPresent(capacity -> {
            int cpu = capacity.vcpus() * 1024;
            int memory = capacity.usableMemoryMiB();
            mended.registeredResources(resources(instance.registeredResources(), cpu, memory));
            mended.remainingResources(resources(instance.remainingResources(),
                    cpu - reserved(instance, "CPU"), memory - reserved(instance, "MEMORY")));
        });
        if (instance.ec2InstanceId() != null) {
            agents.agentConnected(instance.ec2InstanceId()).ifPresent(mended::agentConnected);
        }
        return mended.build();
    }

    /** What moto counts as reserved by tasks: its registered amount less its remaining one. */
    private static int reserved(ContainerInstance instance, String name) {
        return amount(instance.registeredResources(), name) - amount(instance.remainingResources(), name);
    }

    private static int amount(List<Resource> resources, String name) {
        return resources.stream().filter(r -> name.equals(r.name()) && r.integerValue() != null)
                .mapToInt(Resource::integerValue).findFirst().orElse(0);
    }

    private static List<Resource> resources(List<Resource> resources, int cpu, int memory) {
        return resources.stream().map(r -> switch (r.name()) {
            case "CPU" -> r.toBuilder().integerValue(cpu).build();
            case "MEMORY" -> r.toBuilder().integerValue(memory).build();
            default -> r;
        }).toList();
    }

    /** (3) The task as the agent knows it, or PENDING while it has not taken it up. */
    Task mend(Task fromEmulator) {
        Optional<Task> known = tasks.task(fromEmulator.taskArn());
        boolean stopCalled = "STOPPED".equals(fromEmulator.desiredStatus());
        if (known.isEmpty()) {
            String status = stopCalled ? "STOPPED" : "PENDING";
            return fromEmulator.toBuilder().lastStatus(status).containers(fromEmulator.containers().stream()
                    .map(c -> c.toBuilder().lastStatus(status).exitCode(null).build()).toList()).build();
        }
        Task task = known.get();
        Task.Builder mended = task.toBuilder().tags(fromEmulator.tags());
        if (stopCalled && "RUNNING".equals(task.desiredStatus())) {
            mended.desiredStatus("STOPPED").stoppedReason(fromEmulator.stoppedReason());
        }
        return mended.build();
    }

    /** ECS takes task CPU and memory as text ("1024"); units like "1 vCPU" are left alone. */
    private static Integer number(String value) {
        if (value == null || !value.trim().matches("\\d{1,9}")) {
            return null;
        }
        return Integer.parseInt(value.trim());
    }
}
