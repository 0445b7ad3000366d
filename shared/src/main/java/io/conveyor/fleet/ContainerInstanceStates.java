package io.conveyor.fleet;

import java.util.List;

/**
 * Whether the cluster places new tasks on a container instance (ECS's ACTIVE and DRAINING).
 */
public interface ContainerInstanceStates {

    /** No new tasks go to these container instances. */
    void drain(List<String> containerInstanceArns);

    /** These container instances take new tasks again. */
    void activate(List<String> containerInstanceArns);
}
