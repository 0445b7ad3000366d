package io.conveyor.fleet;

import java.util.Objects;

/**
 * What one container instance of Conveyor's cluster is doing.
 *
 * @param containerInstanceArn the ECS container instance
 * @param ec2InstanceId        the EC2 instance behind it
 * @param status               ECS's status, e.g. {@code ACTIVE}, {@code DRAINING}
 * @param agentConnected       whether its ECS agent is connected
 * @param runningTasks         tasks in the RUNNING state
 * @param pendingTasks         tasks in the PENDING state
 */
public record ContainerInstanceLoad(String containerInstanceArn, String ec2InstanceId, String status,
                                    boolean agentConnected, int runningTasks, int pendingTasks) {

    public ContainerInstanceLoad {
        Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
        Objects.requireNonNull(status, "status");
        if (runningTasks < 0 || pendingTasks < 0) {
            throw new IllegalArgumentException("task counts must not be negative");
        }
    }

    /**
     * Tasks on the instance that keep it busy: running ones and ones about to run.
     */
    public int activeTasks() {
        return runningTasks + pendingTasks;
    }
}
