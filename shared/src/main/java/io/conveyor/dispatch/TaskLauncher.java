package io.conveyor.dispatch;

import java.util.List;

/**
 * Starts tasks on chosen container instances (ECS on AWS).
 */
public interface TaskLauncher {

    /** Starts each task; one result per start, in order. A failure of one never hides the others' results. */
    List<TaskStart.Result> start(List<TaskStart> starts);

    /** Whether any task (running or stopped) was started by {@code startedBy}. */
    boolean anyTaskStartedBy(String startedBy);
}
