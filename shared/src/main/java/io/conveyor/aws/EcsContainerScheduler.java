package io.conveyor.aws;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;

/**
 * The container scheduler on ECS: one cluster of EC2 container instances.
 */
public final class EcsContainerScheduler implements ContainerScheduler {

    /** DescribeContainerInstances takes at most this many instances per call. */
    private static final int DESCRIBE_LIMIT = 100;

    private final EcsClient ecs;
    private final String cluster;

    public EcsContainerScheduler(EcsClient ecs, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public List<ContainerInstanceLoad> containerInstances() {
        List<String> arns = new ArrayList<>();
        ecs.listContainerInstancesPaginator(request -> request.cluster(cluster))
                .containerInstanceArns().forEach(arns::add);
        List<ContainerInstanceLoad> loads = new ArrayList<>(arns.size());
        for (int from = 0; from < arns.size(); from += DESCRIBE_LIMIT) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_LIMIT));
            ecs.describeContainerInstances(request -> request.cluster(cluster).containerInstances(chunk))
                    .containerInstances().stream().map(EcsContainerScheduler::load).forEach(loads::add);
        }
        return List.copyOf(loads);
    }

    private static ContainerInstanceLoad load(ContainerInstance instance) {
        return new ContainerInstanceLoad(instance.containerInstanceArn(), instance.ec2InstanceId(),
                instance.status(), Boolean.TRUE.equals(instance.agentConnected()),
                nonNegative(instance.runningTasksCount()), nonNegative(instance.pendingTasksCount()));
    }

    private static int nonNegative(Integer count) {
        return count == null ? 0 : Math.max(0, count);
    }
}
