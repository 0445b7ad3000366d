package io.conveyor.fleet;

import io.conveyor.jobs.JobTask;
import io.conveyor.observe.FleetGauges;
import io.conveyor.observe.MetricLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Conveyor's fleet once a minute and on EC2 state changes: publishes each instance's task
 * count for its idle alarm, keeps exactly one idle alarm per live instance, terminates instances that
 * never joined the cluster, stops tasks running past their timeout, and drains instances that stop.
 *
 * <p>Each step runs on its own: one that fails (an AWS error) is logged and reported, and the others
 * still run.
 */
public final class FleetMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(FleetMonitor.class);

    /** The collaborators, each a small port. */
    public record Ports(ContainerScheduler scheduler, InstanceFleet fleet, InstanceTermination termination,
                        ContainerInstanceStates states, ClusterTasks tasks, FleetMetrics metrics, IdleAlarms alarms) {

        public Ports {
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(fleet, "fleet");
            Objects.requireNonNull(termination, "termination");
            Objects.requireNonNull(states, "states");
            Objects.requireNonNull(tasks, "tasks");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(alarms, "alarms");
        }
    }

    private final Ports ports;
    private final IdlePolicy policy;
    private final Clock clock;
    private final MetricLog gauges;

    public FleetMonitor(Ports ports, IdlePolicy policy, Clock clock) {
        this(ports, policy, clock, MetricLog.NONE);
    }

    /** A monitor that writes the fleet's metrics ({@link FleetGauges}) to {@code gauges} each sweep. */
    public FleetMonitor(Ports ports, IdlePolicy policy, Clock clock, MetricLog gauges) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gauges = Objects.requireNonNull(gauges, "gauges");
    }

    /**
     * One look at the whole fleet: task counts published, alarms reconciled, instances that never
     * registered terminated, overdue tasks stopped.
     */
    public FleetReport sweep() {
        Instant now = clock.instant();
        Actions actions = new Actions();
        List<ContainerInstanceLoad> loads = step(actions, "list-container-instances", ports.scheduler::containerInstances)
                .orElse(List.of());
        Optional<List<FleetInstance>> listed = step(actions, "list-instances", ports.fleet::instances);
        if (listed.isPresent()) {
            List<FleetInstance> instances = listed.get();
            Map<String, ContainerInstanceLoad> registered = loads.stream().filter(l -> l.ec2InstanceId() != null)
                    .collect(Collectors.toMap(ContainerInstanceLoad::ec2InstanceId, Function.identity(), (a, b) -> a));
            step(actions, "publish-task-counts", () -> publish(instances, registered, now, actions));
            step(actions, "reconcile-alarms", () -> reconcile(instances, now, actions));
            step(actions, "terminate-unregistered", () -> terminateUnregistered(instances, registered, now, actions));
        }
        step(actions, "stop-overdue-tasks", () -> stopOverdue(now, actions));
        FleetReport report = FleetReport.of(loads, actions.done());
        // Only what was seen: a failed listing emits nothing rather than a fleet of zero.
        listed.ifPresent(instances -> FleetGauges.sweep(policy.stack(), now, instances, report.tasks())
                .forEach(gauges::write));
        LOG.info("outcome=swept instances={} idle={} tasks={} actions={}", report.instances().size(), report.idle(),
                report.tasks(), report.counts());
        return report;
    }

    /**
     * An EC2 instance changed state. A stopping (or terminating) instance's container instance is
     * drained at once, so that dispatch places nothing more on it; one that runs again is made ACTIVE
     * again (a stopped and started instance keeps its container instance). Then the fleet is swept.
     *
     * <p>The rule delivers every instance of the account (EventBridge cannot match tags, and the event
     * carries only the instance and its state): one that is not among the stack's tagged instances changes
     * nothing, not even a sweep. A terminated instance is no longer listed either; the next scheduled sweep
     * removes its alarm.
     */
    public FleetReport instanceChanged(InstanceStateChange change) {
        LOG.info("outcome=instance-state-changed instance={} state={}", change.instanceId(), change.state());
        Actions actions = new Actions();
        Optional<List<FleetInstance>> ours = step(actions, "list-instances", ports.fleet::instances);
        if (ours.isEmpty() || ours.get().stream().noneMatch(i -> i.instanceId().equals(change.instanceId()))) {
            LOG.info("outcome=not-the-stacks instance={} state={}", change.instanceId(), change.state());
            return FleetReport.of(List.of(), actions.done());
        }
        String state = change.state();
        boolean leaving = "stopping".equals(state) || "shutting-down".equals(state);
        boolean back = "pending".equals(state) || "running".equals(state);
        if (leaving || back) {
            step(actions, leaving ? "drain" : "activate", () -> {
                Optional<ContainerInstanceLoad> load = ports.scheduler.containerInstances().stream()
                        .filter(l -> change.instanceId().equals(l.ec2InstanceId())).findFirst();
                if (load.isEmpty()) {
                    LOG.info("outcome=not-registered instance={} state={}", change.instanceId(), state);
                } else if (leaving && "ACTIVE".equals(load.get().status())) {
                    ports.states.drain(List.of(load.get().containerInstanceArn()));
                    actions.drained.add(load.get().containerInstanceArn());
                    LOG.info("outcome=drained instance={} containerInstance={}", change.instanceId(),
                            load.get().containerInstanceArn());
                } else if (back && "DRAINING".equals(load.get().status())) {
                    ports.states.activate(List.of(load.get().containerInstanceArn()));
                    actions.activated.add(load.get().containerInstanceArn());
                    LOG.info("outcome=activated instance={} containerInstance={}", change.instanceId(),
                            load.get().containerInstanceArn());
                }
            });
        }
        FleetReport swept = sweep();
        FleetActions all = actions.done().plus(swept.actions());
        return FleetReport.of(swept.instances(), all);
    }

    private void publish(List<FleetInstance> instances, Map<String, ContainerInstanceLoad> registered, Instant now,
                         Actions actions) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FleetInstance instance : instances) {
            ContainerInstanceLoad load = registered.get(instance.instanceId());
            if (instance.state() != FleetInstance.State.RUNNING || load == null) {
                continue;
            }
            int tasks = load.activeTasks();
            if (tasks == 0 && young(instance, now, IdlePolicy.LAUNCH_GRACE)) {
                LOG.info("outcome=idle-in-launch-grace instance={} launched={}", instance.instanceId(),
                        instance.launchTime());
                continue;
            }
            counts.put(instance.instanceId(), tasks);
        }
        if (!counts.isEmpty()) {
            ports.metrics.publishTasks(counts, now);
        }
        actions.metricsPublished = counts.size();
        LOG.info("outcome=task-counts-published values={} idle={}", counts.size(),
                counts.values().stream().filter(count -> count == 0).count());
    }

    private void reconcile(List<FleetInstance> instances, Instant now, Actions actions) {
        Map<String, IdleAlarm> alarms = new HashMap<>();
        List<String> orphans = new ArrayList<>();
        Map<String, FleetInstance> byId = instances.stream()
                .collect(Collectors.toMap(FleetInstance::instanceId, Function.identity(), (a, b) -> a));
        for (IdleAlarm alarm : ports.alarms.list()) {
            if (byId.containsKey(alarm.instanceId())) {
                alarms.put(alarm.instanceId(), alarm);
            } else {
                orphans.add(alarm.name());
            }
        }
        if (!orphans.isEmpty()) {
            ports.alarms.delete(orphans);
            actions.deleted.addAll(orphans);
            orphans.forEach(name -> LOG.info("outcome=alarm-deleted alarm={} reason=instance-terminated-or-gone", name));
        }
        for (FleetInstance instance : instances) {
            boolean live = instance.state() == FleetInstance.State.PENDING || instance.state() == FleetInstance.State.RUNNING;
            IdleAlarm alarm = alarms.get(instance.instanceId());
            if (live && alarm == null) {
                ports.alarms.create(instance.instanceId());
                String name = policy.alarmName(instance.instanceId());
                actions.created.add(name);
                LOG.info("outcome=alarm-created alarm={} instance={} idleMinutes={}", name, instance.instanceId(),
                        policy.idleMinutes());
            } else if (instance.state() == FleetInstance.State.RUNNING && alarm != null
                    && alarm.state() == IdleAlarm.State.ALARM) {
                staleAlarm(instance, alarm, now).ifPresent(reason -> {
                    ports.alarms.reset(alarm.name(), reason);
                    actions.reset.add(alarm.name());
                    LOG.info("outcome=alarm-reset alarm={} instance={} reason={}", alarm.name(), instance.instanceId(),
                            reason);
                });
            }
        }
    }

    /**
     * Why a running instance's alarm in ALARM should be set back to OK, if it should. Alarm actions
     * run only on state changes: an alarm left in ALARM would never stop its instance again. It is
     * left alone while its stop may still be under way (fired after the instance's launch, within
     * {@link IdlePolicy#STOP_GRACE}).
     */
    static Optional<String> staleAlarm(FleetInstance instance, IdleAlarm alarm, Instant now) {
        Instant changed = alarm.stateUpdatedAt();
        if (changed == null) {
            return Optional.of("alarm state time unknown");
        }
        if (instance.launchTime() != null && changed.isBefore(instance.launchTime())) {
            return Optional.of("instance started again after its alarm fired");
        }
        if (Duration.between(changed, now).compareTo(IdlePolicy.STOP_GRACE) > 0) {
            return Optional.of("instance still running " + IdlePolicy.STOP_GRACE.toMinutes()
                    + " min after its alarm fired (stop action failed?)");
        }
        return Optional.empty();
    }

    private void terminateUnregistered(List<FleetInstance> instances, Map<String, ContainerInstanceLoad> registered,
                                       Instant now, Actions actions) {
        List<String> doomed = instances.stream()
                .filter(instance -> instance.state() == FleetInstance.State.RUNNING)
                .filter(instance -> !registered.containsKey(instance.instanceId()))
                .filter(instance -> instance.launchTime() != null
                        && !young(instance, now, IdlePolicy.REGISTRATION_BOUND))
                .map(FleetInstance::instanceId).toList();
        if (doomed.isEmpty()) {
            return;
        }
        ports.termination.terminate(doomed);
        actions.terminated.addAll(doomed);
        // The jobs that asked for these instances are messages in the jobs queue: on their next
        // delivery they ask for capacity again.
        doomed.forEach(id -> LOG.info("outcome=terminated instance={} reason=not-registered-within bound={}", id,
                IdlePolicy.REGISTRATION_BOUND));
    }

    private void stopOverdue(Instant now, Actions actions) {
        for (RunningTask task : ports.tasks.running()) {
            Optional<String> reason = overdue(task, now);
            if (reason.isEmpty()) {
                continue;
            }
            ports.tasks.stop(task.taskArn(), reason.get());
            actions.stopped.add(task.taskArn());
            LOG.info("outcome=task-stopped task={} startedBy={} startedAt={} timeoutSeconds={}", task.taskArn(),
                    task.startedBy(), task.startedAt(), task.timeoutSeconds());
        }
    }

    /**
     * The stop reason for a task of Conveyor's that ran past its timeout, or empty: tasks without the
     * timeout tag, not started by Conveyor, or not running yet are left alone.
     */
    static Optional<String> overdue(RunningTask task, Instant now) {
        if (task.timeoutSeconds() == null || JobTask.fromStartedBy(task.startedBy()).isEmpty()
                || task.startedAt() == null) {
            return Optional.empty();
        }
        Instant deadline = task.startedAt().plusSeconds(task.timeoutSeconds());
        return now.isAfter(deadline) ? Optional.of(JobTask.timeoutReason(task.timeoutSeconds())) : Optional.empty();
    }

    private static boolean young(FleetInstance instance, Instant now, Duration bound) {
        return instance.launchTime() != null && Duration.between(instance.launchTime(), now).compareTo(bound) < 0;
    }

    private <T> Optional<T> step(Actions actions, String name, java.util.function.Supplier<T> body) {
        try {
            return Optional.ofNullable(body.get());
        } catch (RuntimeException e) {
            actions.failures.add(name + ": " + e.getMessage());
            LOG.error("outcome=step-failed step={} error={}", name, e.toString());
            return Optional.empty();
        }
    }

    private void step(Actions actions, String name, Runnable body) {
        step(actions, name, () -> {
            body.run();
            return Boolean.TRUE;
        });
    }

    /** What a sweep did so far. */
    private static final class Actions {
        int metricsPublished;
        final List<String> created = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> reset = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<String> terminated = new ArrayList<>();
        final List<String> drained = new ArrayList<>();
        final List<String> activated = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        FleetActions done() {
            return new FleetActions(metricsPublished, created, deleted, reset, stopped, terminated, drained, activated,
                    failures);
        }
    }
}
