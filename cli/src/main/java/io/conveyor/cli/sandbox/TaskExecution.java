package io.conveyor.cli.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Runs one task's containers as the ECS agent would, one after the other in the order their
 * {@code dependsOn} makes (definition order among equals), and reports the task's changes.
 *
 * <ul>
 *   <li>A container starts once its dependencies hold: {@code START} (the dependency started),
 *       {@code COMPLETE} (it exited), {@code SUCCESS} (it exited 0), {@code HEALTHY} (taken as
 *       started: the sandbox runs no health checks). One that can never hold is stopped unstarted
 *       with exit code 143 and ECS's {@code CannotStartContainerError: dependency graph: …} reason,
 *       as the agent does since it resolves such terminal dependencies; a container that depends on it
 *       {@code COMPLETE} then still runs. So a failed stage-in skips the algorithm, and stage-out
 *       finds no staged input.</li>
 *   <li>The task is RUNNING once its first container started, and stops when an essential container
 *       exits ({@code EssentialContainerExited}), when a container cannot start
 *       ({@code TaskFailedToStart}, with its reason), or when stopped from outside
 *       ({@link #stop}): a StopTask ({@code UserInitiated}) ends the running container with SIGTERM
 *       and, after the grace ECS gives ({@code ECS_CONTAINER_STOP_TIMEOUT}), SIGKILL; a host that goes
 *       away kills it at once.</li>
 *   <li>Events: one when the task becomes RUNNING, one when it has STOPPED. The emulator's task is
 *       stopped with the same reason, unless someone stopped it there already.</li>
 * </ul>
 */
final class TaskExecution implements Runnable {

    /** Where a task's changes go. */
    interface Reports {

        /** A change AWS would send an event for (RUNNING, STOPPED). */
        void publish(Task task, Instant at);

        /** Makes the emulator's task STOPPED with this reason, which frees its instance's resources there. */
        void stopInEmulator(String taskArn, String reason);
    }

    /** How ECS words a stop because an essential container exited. */
    static final String ESSENTIAL_EXITED = "Essential container in task exited";
    /** 128 + SIGTERM: what the ECS agent records for a container it stopped unstarted. */
    static final int STOPPED_UNSTARTED = 143;

    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

    private final TaskState state;
    private final ContainerLauncher.TaskContext context;
    private final List<ContainerDefinition> definitions;
    private final Map<String, ContainerOverride> overrides;
    private final ContainerLauncher launcher;
    private final Reports reports;
    private final Clock clock;
    private final Duration stopGrace;
    private final AtomicBoolean stoppedInEmulator = new AtomicBoolean();
    private volatile ProcessHandle current;
    private volatile boolean killAtOnce;
    private volatile Thread thread;

    TaskExecution(TaskState state, ContainerLauncher.TaskContext context, List<ContainerDefinition> definitions,
                  List<ContainerOverride> overrides, ContainerLauncher launcher, Reports reports, Clock clock,
                  Duration stopGrace) {
        this.state = Objects.requireNonNull(state, "state");
        this.context = Objects.requireNonNull(context, "context");
        this.definitions = order(definitions);
        Map<String, ContainerOverride> byName = new HashMap<>();
        overrides.forEach(override -> byName.put(override.name(), override));
        this.overrides = Map.copyOf(byName);
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
    }

    TaskState state() {
        return state;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            runContainers();
        } catch (InterruptedException e) {
            state.stopping("UserInitiated", "the sandbox's agent stopped", clock.instant());
        } catch (RuntimeException e) {
            LOG.error("outcome=task-broke task={} error=\"{}\"", state.taskArn(), e.toString(), e);
            state.stopping("TaskFailedToStart", "the sandbox's agent failed: " + e, clock.instant());
        } finally {
            // An interrupt (a host gone during work done in-process) must not stop the last reports.
            Thread.interrupted();
            finish();
        }
    }

    /**
     * Stops the task from outside.
     *
     * @param stopCode          ECS's stop code, or {@code null} (a host that went away has none)
     * @param atOnce            kill at once (the host is gone) rather than SIGTERM, grace, SIGKILL
     * @param stoppedInEmulator whether the emulator's task is STOPPED already (StopTask was called there)
     */
    void stop(String stopCode, String reason, boolean atOnce, boolean stoppedInEmulator) {
        if (stoppedInEmulator) {
            this.stoppedInEmulator.set(true);
        }
        if (!state.stopping(stopCode, reason, clock.instant())) {
            return;
        }
        killAtOnce = atOnce;
        ProcessHandle process = current;
        if (process != null) {
            terminate(process);
        } else if (atOnce && thread != null) {
            thread.interrupt();
        }
    }

    private void runContainers() throws InterruptedException {
        Map<String, Integer> exitCodes = new HashMap<>();
        Set<String> started = new HashSet<>();
        for (ContainerDefinition definition : definitions) {
            if (state.isStopping()) {
                break;
            }
            String name = definition.name();
            Optional<String> unmet = unmetDependency(definition, started, exitCodes);
            if (unmet.isPresent()) {
                state.containerStopped(name, STOPPED_UNSTARTED, "CannotStartContainerError: dependency graph: failed to "
                        + "resolve container ordering dependency [" + unmet.get() + "] for target [" + name + "]");
                exitCodes.put(name, STOPPED_UNSTARTED);
                continue;
            }
            Instant at = clock.instant();
            if (state.containerRunning(name, at)) {
                reports.publish(state.snapshot(), at);
            }
            started.add(name);
            ContainerLauncher.Outcome outcome = launcher.run(context, definition, overrides.get(name), process -> {
                current = process;
                if (state.isStopping()) {
                    terminate(process);
                }
            });
            current = null;
            switch (outcome) {
                case ContainerLauncher.Outcome.Exited exited -> {
                    exitCodes.put(name, exited.exitCode());
                    state.containerStopped(name, exited.exitCode(), null);
                    LOG.info("outcome=container-exited task={} container={} exitCode={}", state.taskArn(), name,
                            exited.exitCode());
                    if (Boolean.TRUE.equals(definition.essential())) {
                        state.stopping("EssentialContainerExited", ESSENTIAL_EXITED, clock.instant());
                    }
                }
                case ContainerLauncher.Outcome.NotStarted notStarted -> {
                    state.containerStopped(name, null, notStarted.reason());
                    LOG.info("outcome=container-not-started task={} container={} reason=\"{}\"", state.taskArn(), name,
                            notStarted.reason());
                    state.stopping("TaskFailedToStart", notStarted.reason(), clock.instant());
                }
            }
        }
        state.stopping("EssentialContainerExited", ESSENTIAL_EXITED, clock.instant());
    }

    /** The first dependency of {@code definition} that does not hold, as ECS describes it; empty when all hold. */
    static Optional<String> unmetDependency(ContainerDefinition definition, Set<String> started,
                                            Map<String, Integer> exitCodes) {
        for (ContainerDependency dependency : definition.dependsOn()) {
            String name = dependency.containerName();
            Integer code = exitCodes.get(name);
            boolean holds = switch (dependency.conditionAsString()) {
                case "COMPLETE" -> code != null;
                case "SUCCESS" -> code != null && code == 0;
                default -> started.contains(name);  // START, and HEALTHY without health checks
            };
            if (!holds) {
                return Optional.of(name + " (" + (code == null ? "NONE" : "STOPPED") + ") - Exit: "
                        + (code == null ? "none" : code) + ", needed " + dependency.conditionAsString());
            }
        }
        return Optional.empty();
    }

    /** The containers in an order their dependencies allow, definition order among equals. */
    static List<ContainerDefinition> order(List<ContainerDefinition> definitions) {
        Map<String, ContainerDefinition> left = new LinkedHashMap<>();
        definitions.forEach(definition -> left.put(definition.name(), definition));
        Set<String> names = Set.copyOf(left.keySet());
        List<ContainerDefinition> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (!left.isEmpty()) {
            // A dependency on a container the definition lacks is ECS's to refuse at registration; ignored here.
            ContainerDefinition next = left.values().stream()
                    .filter(d -> d.dependsOn().stream().map(ContainerDependency::containerName)
                            .allMatch(dependency -> placed.contains(dependency) || !names.contains(dependency)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the containers' dependsOn make a cycle: "
                            + left.keySet()));
            ordered.add(next);
            placed.add(next.name());
            left.remove(next.name());
        }
        return List.copyOf(ordered);
    }

    private void finish() {
        if (!stoppedInEmulator.get()) {
            try {
                reports.stopInEmulator(state.taskArn(), state.stoppedReason());
            } catch (RuntimeException e) {
                LOG.warn("outcome=emulator-task-not-stopped task={} error=\"{}\"", state.taskArn(), e.getMessage());
            }
        }
        Instant at = clock.instant();
        state.stopped(at);
        Task stopped = state.snapshot();
        reports.publish(stopped, at);
        LOG.info("outcome=task-stopped task={} stopCode={} reason=\"{}\"", state.taskArn(), stopped.stopCodeAsString(),
                stopped.stoppedReason());
    }

    /** SIGTERM to the container's processes, SIGKILL after the grace; or SIGKILL at once. */
    private void terminate(ProcessHandle process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.addFirst(process);
        if (killAtOnce) {
            tree.forEach(ProcessHandle::destroyForcibly);
            return;
        }
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = clock.instant().plus(stopGrace);
        Thread.ofVirtual().name("sandbox-stop-" + state.taskArn()).start(() -> {
            try {
                while (tree.stream().anyMatch(ProcessHandle::isAlive) && clock.instant().isBefore(deadline)) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        });
    }
}
