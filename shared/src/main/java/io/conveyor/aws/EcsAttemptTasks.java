package io.conveyor.aws;

import io.conveyor.jobs.JobTask;
import io.conveyor.reconcile.AttemptTasks;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskStateChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Attempts' tasks as ECS knows them now: {@code DescribeTasks} (100 ARNs a call), {@code ListTasks} by
 * {@code startedBy} (running, then stopped: ListTasks lists one desired status at a time). Each task is worded
 * as the Task State Change event ECS would have sent, so task-events' translation reads it. ECS keeps a
 * stopped task at least an hour; after that DescribeTasks answers the failure {@code MISSING}.
 */
public final class EcsAttemptTasks implements AttemptTasks {

    /** DescribeTasks' limit of tasks per call. */
    static final int DESCRIBE_BATCH = 100;
    /** The reason DescribeTasks gives for a task it does not know. */
    static final String MISSING = "MISSING";

    private final EcsClient ecs;
    private final String cluster;

    public EcsAttemptTasks(EcsClient ecs, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public Described describe(List<String> taskArns) {
        Map<String, TaskStateChange> found = new HashMap<>();
        Set<String> missing = new HashSet<>();
        for (int from = 0; from < taskArns.size(); from += DESCRIBE_BATCH) {
            List<String> batch = taskArns.subList(from, Math.min(taskArns.size(), from + DESCRIBE_BATCH));
            DescribeTasksResponse response = ecs.describeTasks(r -> r.cluster(cluster).tasks(batch));
            response.tasks().forEach(task -> found.put(task.taskArn(), change(task)));
            response.failures().stream().filter(f -> MISSING.equals(f.reason())).forEach(f -> missing.add(f.arn()));
        }
        return new Described(found, missing);
    }

    @Override
    public List<TaskStateChange> startedFor(JobTask attempt) {
        List<String> arns = new ArrayList<>();
        for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            arns.addAll(ecs.listTasks(r -> r.cluster(cluster).startedBy(attempt.startedBy()).desiredStatus(status))
                    .taskArns());
        }
        if (arns.isEmpty()) {
            return List.of();
        }
        return describe(arns).found().values().stream().toList();
    }

    /** A task as its state change event would word it. */
    static TaskStateChange change(Task task) {
        List<ContainerState> containers = task.containers().stream().map(c -> new ContainerState(c.name(), c.lastStatus(),
                c.exitCode(), c.reason(), c.imageDigest())).toList();
        return new TaskStateChange("reconciler:" + task.taskArn() + ":" + task.version(), task.clusterArn(), task.taskArn(),
                task.taskDefinitionArn(), task.containerInstanceArn(), task.lastStatus(), task.desiredStatus(),
                task.startedBy(), task.group(), task.version() == null ? 0 : task.version(), task.stopCodeAsString(),
                task.stoppedReason(), containers, task.startedAt() == null ? null : task.startedAt().toString(),
                task.stoppedAt() == null ? null : task.stoppedAt().toString());
    }
}
