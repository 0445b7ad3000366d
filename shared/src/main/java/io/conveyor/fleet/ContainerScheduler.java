package io.conveyor.fleet;

import java.util.List;

/**
 * The container scheduler Conveyor places tasks with (ECS on AWS, local processes locally).
 */
public interface ContainerScheduler {

    /**
     * Every container instance registered with Conveyor's cluster, with its load.
     */
    List<ContainerInstanceLoad> containerInstances();
}
