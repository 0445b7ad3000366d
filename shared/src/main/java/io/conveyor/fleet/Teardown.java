package io.conveyor.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what Conveyor created outside CloudFormation when its stack is deleted, so that nothing
 * keeps billing and CloudFormation can then delete the cluster, the security group and the launch
 * template.
 *
 * <p>The order, and why:
 * <ol>
 *   <li>the stack's task definitions are deregistered: nothing new starts from them;</li>
 *   <li>the stack's instances are terminated (every state but terminated);</li>
 *   <li>the wait, bounded by a deadline, until none is left; an instance that appears meanwhile
 *       (a dispatch still running launched it) is terminated too;</li>
 *   <li>the cluster's container instances are deregistered with force: ECS lets go of terminated
 *       instances by itself, this removes whatever it still holds, so the cluster can be deleted;</li>
 *   <li>the idle alarms are deleted, last, so that one created for an instance during the teardown
 *       goes as well.</li>
 * </ol>
 * Every step runs even when an earlier one failed: a teardown removes as much as it can and then
 * names everything that failed.
 */
public final class Teardown {

    private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

    /** The stack's EC2 instances. */
    public interface Instances {

        /** The stack's instances in any state but terminated. */
        List<FleetInstance> notTerminated();

        /** Terminates these instances. */
        void terminate(List<String> instanceIds);
    }

    /** The container instances registered with the stack's cluster. */
    public interface ContainerInstances {

        /** Deregisters every one, with force; returns how many. */
        int deregisterAll();
    }

    /** The task definitions the stack registered. */
    public interface TaskDefinitions {

        /** Deregisters every active revision; returns how many. */
        int deregisterAll();
    }

    /** The stack's idle alarms. */
    public interface Alarms {

        /** Deletes every one; returns how many. */
        int deleteAll();
    }

    /** Waits between looks at the instances (a real sleep in Lambda, nothing in tests). */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Instances instances;
    private final ContainerInstances containerInstances;
    private final TaskDefinitions taskDefinitions;
    private final Alarms alarms;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;

    /**
     * @param pollInterval how long to wait between looks at the terminating instances
     */
    public Teardown(Instances instances, ContainerInstances containerInstances, TaskDefinitions taskDefinitions,
                    Alarms alarms, Clock clock, Sleeper sleeper, Duration pollInterval) {
        this.instances = Objects.requireNonNull(instances, "instances");
        this.containerInstances = Objects.requireNonNull(containerInstances, "containerInstances");
        this.taskDefinitions = Objects.requireNonNull(taskDefinitions, "taskDefinitions");
        this.alarms = Objects.requireNonNull(alarms, "alarms");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval: must be positive, was " + pollInterval);
        }
    }

    /**
     * Tears down, waiting for the instances' termination no later than {@code deadline}.
     *
     * @return what was removed, what is left, and every step that failed
     */
    public TeardownReport run(Instant deadline) {
        return run(deadline, clock.instant());
    }

    /**
     * Tears down, and keeps looking for instances until {@code quietUntil} even when none is left: a
     * dispatch invocation already running when its function was deleted may still launch one.
     */
    public TeardownReport run(Instant deadline, Instant quietUntil) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(quietUntil, "quietUntil");
        List<String> failures = new ArrayList<>();
        int taskDefinitionCount = step("deregister-task-definitions", taskDefinitions::deregisterAll, failures);
        int terminated = step("terminate-instances", () -> terminateLive(instances.notTerminated()), failures);
        Waited waited = awaitTermination(deadline, quietUntil.isAfter(deadline) ? deadline : quietUntil);
        terminated += waited.terminatedMeanwhile();
        if (!waited.left().isEmpty()) {
            failures.add("instances not terminated by the deadline: " + String.join(", ", waited.left())
                    + (waited.lastError() == null ? "" : " (last look failed: " + waited.lastError() + ")"));
        } else if (waited.lastError() != null) {
            failures.add("could not see whether the instances terminated: " + waited.lastError());
        }
        int containerInstanceCount = step("deregister-container-instances", containerInstances::deregisterAll, failures);
        int alarmCount = step("delete-alarms", alarms::deleteAll, failures);
        TeardownReport report = new TeardownReport(terminated, containerInstanceCount, taskDefinitionCount, alarmCount,
                waited.left(), failures);
        LOG.info("outcome={} terminated={} left={} containerInstances={} taskDefinitions={} alarms={} failures={}",
                report.complete() ? "torn-down" : "incomplete", terminated, waited.left().size(), containerInstanceCount,
                taskDefinitionCount, alarmCount, failures.size());
        return report;
    }

    /** Terminates those that are not already on their way out; returns how many. */
    private int terminateLive(List<FleetInstance> found) {
        List<String> ids = found.stream().filter(instance -> instance.state() != FleetInstance.State.SHUTTING_DOWN)
                .map(FleetInstance::instanceId).toList();
        if (!ids.isEmpty()) {
            instances.terminate(ids);
        }
        return ids.size();
    }

    private Waited awaitTermination(Instant deadline, Instant quietUntil) {
        Instant started = clock.instant();
        int terminatedMeanwhile = 0;
        List<String> left = List.of();
        String lastError = null;
        while (true) {
            try {
                List<FleetInstance> found = instances.notTerminated();
                left = found.stream().map(FleetInstance::instanceId).toList();
                lastError = null;
                if (found.isEmpty() && !clock.instant().isBefore(quietUntil)) {
                    LOG.info("outcome=instances-terminated step=wait seconds={}",
                            Duration.between(started, clock.instant()).toSeconds());
                    return new Waited(List.of(), terminatedMeanwhile, null);
                }
                int newcomers = terminateLive(found);
                if (newcomers > 0) {
                    LOG.info("outcome=terminated-newcomers step=wait count={}", newcomers);
                }
                terminatedMeanwhile += newcomers;
            } catch (RuntimeException e) {
                lastError = describe(e);
                LOG.warn("outcome=look-failed step=wait error={}", lastError);
            }
            Duration untilDeadline = Duration.between(clock.instant(), deadline);
            if (untilDeadline.isNegative() || untilDeadline.isZero()) {
                LOG.warn("outcome=deadline-passed step=wait left={} seconds={}", left.size(),
                        Duration.between(started, clock.instant()).toSeconds());
                return new Waited(left, terminatedMeanwhile, lastError);
            }
            try {
                Duration pause = untilDeadline.compareTo(pollInterval) < 0 ? untilDeadline : pollInterval;
                Duration untilQuiet = Duration.between(clock.instant(), quietUntil);
                if (left.isEmpty() && lastError == null && untilQuiet.isPositive() && untilQuiet.compareTo(pause) < 0) {
                    pause = untilQuiet;
                }
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Waited(left, terminatedMeanwhile, "interrupted while waiting");
            }
        }
    }

    private static int step(String name, IntSupplier action, List<String> failures) {
        try {
            int count = action.getAsInt();
            LOG.info("outcome=done step={} count={}", name, count);
            return count;
        } catch (RuntimeException e) {
            String error = describe(e);
            LOG.error("outcome=failed step={} error={}", name, error);
            failures.add(name + ": " + error);
            return 0;
        }
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private record Waited(List<String> left, int terminatedMeanwhile, String lastError) {
    }
}
