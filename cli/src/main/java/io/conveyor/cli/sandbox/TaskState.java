package io.conveyor.cli.sandbox;

import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What the sandbox's agent knows of one task, as ECS would report it: the task's and each container's
 * status, ECS's {@code version} (one more on every change), and the times ECS keeps. Every change is
 * made here, under this object's lock; {@link #snapshot()} gives it as DescribeTasks would, and the
 * task state change events are made from such snapshots.
 */
final class TaskState {

    static final String PENDING = "PENDING";
    static final String RUNNING = "RUNNING";
    static final String STOPPED = "STOPPED";

    private final Task base;
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private String lastStatus = PENDING;
    private String desiredStatus = RUNNING;
    private long version = 1;
    private Instant pullStartedAt;
    private Instant startedAt;
    private Instant stoppingAt;
    private Instant stoppedAt;
    private String stopCode;
    private String stoppedReason;

    /**
     * A task the agent has just taken up.
     *
     * @param fromEmulator     the task as the emulator describes it (ARNs, startedBy, group, overrides, tags)
     * @param definitions      its task definition's containers
     * @param cpu              the task definition's CPU units
     * @param memory           the task definition's memory
     * @param availabilityZone its instance's zone
     * @param createdAt        when it was taken up
     */
    TaskState(Task fromEmulator, List<ContainerDefinition> definitions, String cpu, String memory,
              String availabilityZone, Instant createdAt) {
        Objects.requireNonNull(fromEmulator, "fromEmulator");
        String taskId = taskId(fromEmulator.taskArn());
        String containerPrefix = fromEmulator.taskArn().substring(0, fromEmulator.taskArn().indexOf(":task/"))
                + ":container/" + clusterName(fromEmulator.clusterArn()) + "/" + taskId + "/";
        this.base = Task.builder()
                .attachments(List.of())
                .attributes(Attribute.builder().name("ecs.cpu-architecture").value(cpuArchitecture()).build())
                .availabilityZone(availabilityZone)
                .clusterArn(fromEmulator.clusterArn())
                .connectivity("CONNECTED")
                .connectivityAt(createdAt)
                .containerInstanceArn(fromEmulator.containerInstanceArn())
                .cpu(cpu)
                .memory(memory)
                .createdAt(createdAt)
                .enableExecuteCommand(false)
                .group(fromEmulator.group())
                .launchType("EC2")
                .overrides(fromEmulator.overrides())
                .startedBy(fromEmulator.startedBy())
                .tags(fromEmulator.tags())
                .taskArn(fromEmulator.taskArn())
                .taskDefinitionArn(fromEmulator.taskDefinitionArn())
                .build();
        for (ContainerDefinition definition : definitions) {
            containers.put(definition.name(), Container.builder()
                    .containerArn(containerPrefix + UUID.randomUUID())
                    .taskArn(fromEmulator.taskArn())
                    .name(definition.name())
                    .image(definition.image())
                    .runtimeId(taskId + "-" + definition.name())
                    .lastStatus(PENDING)
                    .networkInterfaces(List.of())
                    .cpu(Integer.toString(definition.cpu() == null ? 0 : definition.cpu()))
                    .memory(definition.memory() == null ? null : definition.memory().toString())
                    .memoryReservation(definition.memoryReservation() == null ? null
                            : definition.memoryReservation().toString())
                    .build());
        }
    }

    /**
     * The digest ECS reports for a container's image once it is pulled. The sandbox pulls nothing, so it is
     * simulated: the SHA-256 of the image's name, the same from run to run (not the registry's digest).
     */
    static String simulatedDigest(String image) {
        return "sha256:" + Digests.sha256(String.valueOf(image).getBytes(StandardCharsets.UTF_8));
    }

    /** The task's id: the last part of its ARN. */
    static String taskId(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private static String clusterName(String clusterArn) {
        return clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
    }

    private static String cpuArchitecture() {
        String arch = System.getProperty("os.arch", "amd64");
        return arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "x86_64";
    }

    String taskArn() {
        return base.taskArn();
    }

    String containerInstanceArn() {
        return base.containerInstanceArn();
    }

    /**
     * A container started. The first one makes the task RUNNING.
     *
     * @return whether the task became RUNNING with this change
     */
    synchronized boolean containerRunning(String name, Instant at) {
        String digest = simulatedDigest(containers.get(name).image());
        update(name, c -> c.lastStatus(RUNNING).imageDigest(digest));
        version++;
        if (!PENDING.equals(lastStatus)) {
            return false;
        }
        lastStatus = RUNNING;
        pullStartedAt = at;
        startedAt = at;
        return true;
    }

    /**
     * A container ended, or will never run.
     *
     * @param exitCode its exit code, or {@code null} when it never ran
     * @param reason   why, as ECS words it, or {@code null}
     */
    synchronized void containerStopped(String name, Integer exitCode, String reason) {
        update(name, c -> c.lastStatus(STOPPED).exitCode(exitCode).reason(reason));
        version++;
    }

    /**
     * The task is to stop: desired status STOPPED. Only the first call counts.
     *
     * @return whether this call decided the stop
     */
    synchronized boolean stopping(String code, String reason, Instant at) {
        if (stoppingAt != null) {
            return false;
        }
        desiredStatus = STOPPED;
        stopCode = code;
        stoppedReason = reason;
        stoppingAt = at;
        version++;
        return true;
    }

    /** Whether the task is to stop, or has. */
    synchronized boolean isStopping() {
        return stoppingAt != null;
    }

    synchronized String stopCode() {
        return stopCode;
    }

    synchronized String stoppedReason() {
        return stoppedReason;
    }

    synchronized boolean isStopped() {
        return STOPPED.equals(lastStatus);
    }

    /** The task has stopped: every container that never ran is STOPPED without an exit code. */
    synchronized void stopped(Instant at) {
        containers.replaceAll((name, c) -> STOPPED.equals(c.lastStatus()) ? c : c.toBuilder().lastStatus(STOPPED).build());
        lastStatus = STOPPED;
        stoppedAt = at;
        version++;
    }

    /** The task as DescribeTasks gives it (and as its state change events carry it). */
    synchronized Task snapshot() {
        return base.toBuilder()
                .lastStatus(lastStatus)
                .desiredStatus(desiredStatus)
                .version(version)
                .containers(List.copyOf(containers.values()))
                .pullStartedAt(pullStartedAt)
                .pullStoppedAt(pullStartedAt)
                .startedAt(startedAt)
                .stoppingAt(stoppingAt)
                .executionStoppedAt(stoppedAt)
                .stoppedAt(stoppedAt)
                .stopCode(stopCode)
                .stoppedReason(stoppedReason)
                .build();
    }

    private void update(String name, java.util.function.UnaryOperator<Container.Builder> change) {
        Container container = containers.get(name);
        if (container == null) {
            throw new IllegalArgumentException("the task has no container " + name);
        }
        containers.put(name, change.apply(container.toBuilder()).build());
    }
}
