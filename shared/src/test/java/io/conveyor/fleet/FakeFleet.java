package io.conveyor.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every port of the fleet monitor in memory, recording what was done to it. */
final class FakeFleet implements ContainerScheduler, InstanceFleet, InstanceTermination, ContainerInstanceStates,
        ClusterTasks, FleetMetrics, IdleAlarms {

    final List<ContainerInstanceLoad> loads = new ArrayList<>();
    final List<FleetInstance> instances = new ArrayList<>();
    final List<RunningTask> tasks = new ArrayList<>();
    final List<IdleAlarm> alarms = new ArrayList<>();

    final List<String> terminated = new ArrayList<>();
    final List<String> drained = new ArrayList<>();
    final List<String> activated = new ArrayList<>();
    final Map<String, String> stopped = new LinkedHashMap<>();
    final List<Map<String, Integer>> published = new ArrayList<>();
    final List<String> created = new ArrayList<>();
    final List<String> deleted = new ArrayList<>();
    final Map<String, String> reset = new LinkedHashMap<>();
    RuntimeException alarmsFail;

    FleetMonitor.Ports ports() {
        return new FleetMonitor.Ports(this, this, this, this, this, this, this);
    }

    @Override
    public List<ContainerInstanceLoad> containerInstances() {
        return List.copyOf(loads);
    }

    @Override
    public List<FleetInstance> instances() {
        return List.copyOf(instances);
    }

    @Override
    public void start(List<String> instanceIds) {
        throw new UnsupportedOperationException("the monitor never starts instances");
    }

    @Override
    public List<String> launch(String instanceType, int count, String idempotencyToken) {
        throw new UnsupportedOperationException("the monitor never launches instances");
    }

    @Override
    public void terminate(List<String> instanceIds) {
        terminated.addAll(instanceIds);
    }

    @Override
    public void drain(List<String> containerInstanceArns) {
        drained.addAll(containerInstanceArns);
    }

    @Override
    public void activate(List<String> containerInstanceArns) {
        activated.addAll(containerInstanceArns);
    }

    @Override
    public List<RunningTask> running() {
        return List.copyOf(tasks);
    }

    @Override
    public void stop(String taskArn, String reason) {
        stopped.put(taskArn, reason);
    }

    @Override
    public void publishTasks(Map<String, Integer> tasksByInstance, Instant at) {
        published.add(Map.copyOf(tasksByInstance));
    }

    @Override
    public List<IdleAlarm> list() {
        if (alarmsFail != null) {
            throw alarmsFail;
        }
        return List.copyOf(alarms);
    }

    @Override
    public void create(String instanceId) {
        created.add(instanceId);
    }

    @Override
    public void delete(List<String> alarmNames) {
        deleted.addAll(alarmNames);
    }

    @Override
    public void reset(String alarmName, String reason) {
        reset.put(alarmName, reason);
    }
}
