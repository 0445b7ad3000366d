package io.conveyor.fleet;

import java.time.Instant;
import java.util.Map;

/**
 * Where the fleet's per-instance task counts go (a CloudWatch custom metric on AWS), for the idle
 * alarms to watch.
 */
public interface FleetMetrics {

    /**
     * Publishes one value per instance.
     *
     * @param tasksByInstance Conveyor tasks (running and pending) per EC2 instance id
     * @param at              the time the counts were taken
     */
    void publishTasks(Map<String, Integer> tasksByInstance, Instant at);
}
