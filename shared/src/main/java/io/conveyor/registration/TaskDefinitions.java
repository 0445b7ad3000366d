package io.conveyor.registration;

import java.util.List;

/**
 * The container scheduler's task definitions (ECS on AWS).
 */
public interface TaskDefinitions {

    /** Registers a new revision; returns its ARN. */
    String register(TaskDefinitionSpec spec);

    /** The ARNs of a family's active revisions. */
    List<String> activeRevisions(String family);

    /** Deregisters one revision: running tasks go on, no new task starts from it. */
    void deregister(String taskDefinitionArn);
}
