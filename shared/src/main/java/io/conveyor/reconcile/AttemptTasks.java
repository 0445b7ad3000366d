package io.conveyor.reconcile;

import io.conveyor.jobs.JobTask;
import io.conveyor.tasks.TaskStateChange;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the container scheduler says of attempts' tasks now (ECS on AWS: {@code DescribeTasks},
 * {@code ListTasks} by {@code startedBy}), worded as a task state change so that the reconciler feeds it to
 * task-events' own translation.
 */
public interface AttemptTasks {

    /**
     * The tasks the scheduler knows among {@code taskArns}, and those it says it does not know.
     * An ARN in neither (the scheduler could not say) is left for a later pass.
     */
    Described describe(List<String> taskArns);

    /** The tasks started for an attempt, running or stopped (empty: none, or none it remembers). */
    List<TaskStateChange> startedFor(JobTask attempt);

    /**
     * @param found   task ARN → its state now
     * @param missing the ARNs the scheduler no longer knows
     */
    record Described(Map<String, TaskStateChange> found, Set<String> missing) {
        public Described {
            found = Map.copyOf(found);
            missing = Set.copyOf(missing);
        }
    }
}
