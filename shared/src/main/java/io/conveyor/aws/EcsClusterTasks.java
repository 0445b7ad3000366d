package io.conveyor.aws;

import io.conveyor.fleet.ClusterTasks;
import io.conveyor.fleet.ContainerInstanceStates;
import io.conveyor.fleet.RunningTask;
import io.conveyor.jobs.JobTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstanceStatus;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/**
 * The tasks and container instance states of Conveyor's ECS cluster.
 */
public final class EcsClusterTasks implements ClusterTasks, ContainerInstanceStates {

    /** DescribeTasks and UpdateContainerInstancesState take at most this many per call. */
    private static final int BATCH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(EcsClusterTasks.class);

    private final EcsClient ecs;
    private final String cluster;

    public EcsClusterTasks(EcsClient ecs, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public List<RunningTask> running() {
        List<String> arns = new ArrayList<>();
        ecs.listTasksPaginator(request -> request.cluster(cluster).desiredStatus(DesiredStatus.RUNNING))
                .taskArns().forEach(arns::add);
        List<RunningTask> tasks = new ArrayList<>(arns.size());
        for (int from = 0; from < arns.size(); from += BATCH) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + BATCH));
            ecs.describeTasks(request -> request.cluster(cluster).tasks(chunk).include(TaskField.TAGS))
                    .tasks().stream().map(EcsClusterTasks::task).forEach(tasks::add);
        }
        return List.copyOf(tasks);
    }

    @Override
    public void stop(String taskArn, String reason) {
        ecs.stopTask(request -> request.cluster(cluster).task(taskArn).reason(reason));
    }

    @Override
    public void drain(List<String> containerInstanceArns) {
        update(containerInstanceArns, ContainerInstanceStatus.DRAINING);
    }

    @Override
    public void activate(List<String> containerInstanceArns) {
        update(containerInstanceArns, ContainerInstanceStatus.ACTIVE);
    }

    private void update(List<String> arns, ContainerInstanceStatus status) {
        for (int from = 0; from < arns.size(); from += BATCH) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + BATCH));
            for (Failure failure : ecs.updateContainerInstancesState(request -> request.cluster(cluster)
                    .containerInstances(chunk).status(status)).failures()) {
                // MISSING: deregistered meanwhile, nothing left to place on.
                LOG.warn("outcome=container-instance-state-refused containerInstance={} status={} reason={}",
                        failure.arn(), status, failure.reason());
            }
        }
    }

    static RunningTask task(Task task) {
        Integer timeout = task.tags().stream().filter(tag -> JobTask.TAG_TIMEOUT.equals(tag.key())).findFirst()
                .map(tag -> seconds(tag.value())).orElse(null);
        return new RunningTask(task.taskArn(), task.startedBy(), task.startedAt(), timeout);
    }

    private static Integer seconds(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            return seconds > 0 ? seconds : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
