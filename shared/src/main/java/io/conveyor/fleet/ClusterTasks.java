package io.conveyor.fleet;

import java.util.List;

/**
 * The tasks of Conveyor's cluster (ECS on AWS).
 */
public interface ClusterTasks {

    /** Every task whose desired status is RUNNING. */
    List<RunningTask> running();

    /** Stops a task; {@code reason} becomes its {@code stoppedReason}. */
    void stop(String taskArn, String reason);
}
