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
 * @param instanceType         the EC2 instance type (ECS's {@code ecs.instance-type} attribute), or {@code null}
 * @param remainingCpuUnits    CPU units not reserved by tasks
 * @param remainingMemoryMiB   memory not reserved by tasks
 * @param registeredCpuUnits   CPU units the instance registered with ECS (all of it), or 0 when not known
 * @param registeredMemoryMiB  memory the instance registered with ECS (what tasks may reserve), or 0 when not known
 */
public record ContainerInstanceLoad(String containerInstanceArn, String ec2InstanceId, String status,
                                    boolean agentConnected, int runningTasks, int pendingTasks, String instanceType,
                                    int remainingCpuUnits, int remainingMemoryMiB, int registeredCpuUnits,
                                    int registeredMemoryMiB) {

    /** The load with what is left free, without what the instance registered. */
    public ContainerInstanceLoad(String containerInstanceArn, String ec2InstanceId, String status, boolean agentConnected,
                                 int runningTasks, int pendingTasks, String instanceType, int remainingCpuUnits,
                                 int remainingMemoryMiB) {
        this(containerInstanceArn, ec2InstanceId, status, agentConnected, runningTasks, pendingTasks, instanceType,
                remainingCpuUnits, remainingMemoryMiB, 0, 0);
    }

    /** The load alone, without what is left free. */
    public ContainerInstanceLoad(String containerInstanceArn, String ec2InstanceId, String status, boolean agentConnected,
                                 int runningTasks, int pendingTasks) {
        this(containerInstanceArn, ec2InstanceId, status, agentConnected, runningTasks, pendingTasks, null, 0, 0, 0, 0);
    }

    public ContainerInstanceLoad {
        Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
        Objects.requireNonNull(status, "status");
        if (runningTasks < 0 || pendingTasks < 0) {
            throw new IllegalArgumentException("task counts must not be negative");
        }
    }

    /**
     * Whether new tasks may be placed on it: ACTIVE (not DRAINING) with a connected agent.
     */
    public boolean acceptsTasks() {
        return "ACTIVE".equals(status) && agentConnected;
    }

    /**
     * Tasks on the instance that keep it busy: running ones and ones about to run.
     */
    public int activeTasks() {
        return runningTasks + pendingTasks;
    }
}
