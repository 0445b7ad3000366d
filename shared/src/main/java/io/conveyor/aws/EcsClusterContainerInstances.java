package io.conveyor.aws;

import io.conveyor.fleet.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;

/**
 * The container instances of Conveyor's ECS cluster, for the stack's teardown: ECS refuses to delete a
 * cluster while any is registered.
 */
public final class EcsClusterContainerInstances implements Teardown.ContainerInstances {

    private final EcsClient ecs;
    private final String cluster;

    public EcsClusterContainerInstances(EcsClient ecs, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * {@inheritDoc}
     *
     * <p>With force: a container instance whose tasks ECS still counts as running is deregistered too
     * (its EC2 instance is being terminated anyway). A cluster that no longer exists has none.
     */
    @Override
    public int deregisterAll() {
        List<String> arns = new ArrayList<>();
        try {
            ecs.listContainerInstancesPaginator(request -> request.cluster(cluster))
                    .containerInstanceArns().forEach(arns::add);
        } catch (ClusterNotFoundException e) {
            return 0;
        }
        for (String arn : arns) {
            ecs.deregisterContainerInstance(request -> request.cluster(cluster).containerInstance(arn).force(true));
        }
        return arns.size();
    }
}
