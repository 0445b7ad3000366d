package io.conveyor.fleet;

import java.util.List;
import java.util.Map;

/**
 * The fleet as one sweep saw it, and what the sweep did.
 *
 * @param instances every container instance with its load
 * @param idle      how many run no Conveyor task at all (idle means "no tasks", never "low CPU")
 * @param tasks     running and pending tasks across the fleet
 * @param actions   what was done: alarms, stopped tasks, terminated and drained instances
 * @param counts    how many of each action ({@link FleetActions#counts()})
 */
public record FleetReport(List<ContainerInstanceLoad> instances, int idle, int tasks, FleetActions actions,
                          Map<String, Integer> counts) {

    public FleetReport {
        instances = List.copyOf(instances);
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
    }

    /**
     * The report for a set of instances, with nothing done.
     */
    public static FleetReport of(List<ContainerInstanceLoad> instances) {
        return of(instances, FleetActions.NONE);
    }

    /**
     * The report for a set of instances and what was done.
     */
    public static FleetReport of(List<ContainerInstanceLoad> instances, FleetActions actions) {
        int idle = (int) instances.stream().filter(instance -> instance.activeTasks() == 0).count();
        int tasks = instances.stream().mapToInt(ContainerInstanceLoad::activeTasks).sum();
        return new FleetReport(instances, idle, tasks, actions, actions.counts());
    }
}
