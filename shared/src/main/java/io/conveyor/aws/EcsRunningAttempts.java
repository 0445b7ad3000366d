package io.conveyor.aws;

import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.RunningAttempts;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/**
 * Stops an attempt's ECS task: the one the record names, or, for an attempt whose task the record
 * does not know yet (STARTING), every task of the cluster whose {@code startedBy} is that attempt's.
 * The task then stops with the stop code {@code UserInitiated} and this reason; its STOPPED event
 * finds the record CANCELLED and changes nothing.
 */
public final class EcsRunningAttempts implements RunningAttempts {

    private final EcsClient ecs;
    private final String cluster;

    public EcsRunningAttempts(EcsClient ecs, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public int stop(JobTask attempt, String taskArn, String reason) {
        List<String> tasks = taskArn != null ? List.of(taskArn)
                : ecs.listTasks(request -> request.cluster(cluster).startedBy(attempt.startedBy())
                .desiredStatus(DesiredStatus.RUNNING)).taskArns();
        // StopTask of a task that stopped meanwhile succeeds and changes nothing.
        tasks.forEach(task -> ecs.stopTask(request -> request.cluster(cluster).task(task).reason(reason)));
        return tasks.size();
    }
}
