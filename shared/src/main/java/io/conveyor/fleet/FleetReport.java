package io.conveyor.fleet;

import java.util.List;

/**
 * The fleet as one sweep saw it.
 *
 * @param instances every container instance with its load
 * @param idle      how many run no Conveyor task at all (idle means "no tasks", never "low CPU")
 * @param tasks     running and pending tasks across the fleet
 */
public record FleetReport(List<ContainerInstanceLoad> instances, int idle, int tasks) {

    public FleetReport {
        instances = List.copyOf(instances);
    }

    /**
     * The report for a set of instances.
     */
    public static FleetReport of(List<ContainerInstanceLoad> instances) {
        int idle = (int) instances.stream().filter(instance -> instance.activeTasks() == 0).count();
        int tasks = instances.stream().mapToInt(ContainerInstanceLoad::activeTasks).sum();
        return new FleetReport(instances, idle, tasks);
    }
}
