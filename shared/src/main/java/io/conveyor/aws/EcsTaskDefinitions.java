package io.conveyor.aws;

import io.conveyor.registration.TaskDefinitionRejectedException;
import io.conveyor.registration.TaskDefinitionSpec;
import io.conveyor.registration.TaskDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * Task definitions on ECS.
 */
public final class EcsTaskDefinitions implements TaskDefinitions {

    private final EcsClient ecs;

    public EcsTaskDefinitions(EcsClient ecs) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
    }

    /**
     * {@inheritDoc}
     *
     * @throws TaskDefinitionRejectedException when ECS refuses the definition itself (a 4xx other than
     *                                         throttling); throttling and server errors propagate, so the
     *                                         message is retried
     */
    @Override
    public String register(TaskDefinitionSpec spec) {
        try {
            return ecs.registerTaskDefinition(request(spec)).taskDefinition().taskDefinitionArn();
        } catch (EcsException e) {
            if (e.statusCode() / 100 == 4 && !e.isThrottlingException()) {
                String reason = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                throw new TaskDefinitionRejectedException(reason, e);
            }
            throw e;
        }
    }

    @Override
    public List<String> activeRevisions(String family) {
        List<String> arns = new ArrayList<>();
        ecs.listTaskDefinitionsPaginator(request -> request.familyPrefix(family).status(TaskDefinitionStatus.ACTIVE))
                .taskDefinitionArns().forEach(arn -> {
                    // Only this family's revisions, whatever the API's notion of a prefix.
                    if (arn.substring(arn.lastIndexOf('/') + 1, arn.lastIndexOf(':')).equals(family)) {
                        arns.add(arn);
                    }
                });
        return List.copyOf(arns);
    }

    @Override
    public void deregister(String taskDefinitionArn) {
        ecs.deregisterTaskDefinition(request -> request.taskDefinition(taskDefinitionArn));
    }

    /** The SDK request for a spec (public for tests that compare the two). */
    public static RegisterTaskDefinitionRequest request(TaskDefinitionSpec spec) {
        return RegisterTaskDefinitionRequest.builder()
                .family(spec.family())
                .taskRoleArn(spec.taskRoleArn())
                .executionRoleArn(spec.executionRoleArn())
                .networkMode(spec.networkMode())
                .requiresCompatibilitiesWithStrings(spec.requiresCompatibilities())
                .cpu(spec.cpu())
                .memory(spec.memory())
                .volumes(spec.volumes().stream().map(volume -> software.amazon.awssdk.services.ecs.model.Volume.builder()
                        .name(volume.name())
                        .dockerVolumeConfiguration(d -> d.scope(volume.dockerVolumeConfiguration().scope())
                                .driver(volume.dockerVolumeConfiguration().driver()))
                        .build()).toList())
                .placementConstraints(spec.placementConstraints().stream().map(constraint ->
                        software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint.builder()
                                .type(constraint.type()).expression(constraint.expression()).build()).toList())
                .containerDefinitions(spec.containerDefinitions().stream().map(EcsTaskDefinitions::container).toList())
                .tags(spec.tags().stream().map(tag -> software.amazon.awssdk.services.ecs.model.Tag.builder()
                        .key(tag.key()).value(tag.value()).build()).toList())
                .build();
    }

    private static ContainerDefinition container(TaskDefinitionSpec.Container container) {
        ContainerDefinition.Builder builder = ContainerDefinition.builder()
                .name(container.name())
                .image(container.image())
                .essential(container.essential())
                .privileged(container.privileged())
                .user(container.user())
                .readonlyRootFilesystem(container.readonlyRootFilesystem())
                .disableNetworking(container.disableNetworking())
                .environment(container.environment().stream()
                        .map(pair -> KeyValuePair.builder().name(pair.name()).value(pair.value()).build()).toList())
                .mountPoints(container.mountPoints().stream().map(mount -> software.amazon.awssdk.services.ecs.model
                        .MountPoint.builder().sourceVolume(mount.sourceVolume()).containerPath(mount.containerPath())
                        .readOnly(mount.readOnly()).build()).toList())
                .dependsOn(container.dependsOn().stream().map(dependency -> software.amazon.awssdk.services.ecs.model
                        .ContainerDependency.builder().containerName(dependency.containerName())
                        .condition(dependency.condition()).build()).toList())
                .portMappings(container.portMappings().stream().map(port -> software.amazon.awssdk.services.ecs.model
                        .PortMapping.builder().containerPort(port.containerPort()).hostPort(port.hostPort())
                        .protocol(port.protocol()).build()).toList())
                .resourceRequirements(container.resourceRequirements().stream().map(requirement ->
                        software.amazon.awssdk.services.ecs.model.ResourceRequirement.builder()
                                .type(requirement.type()).value(requirement.value()).build()).toList());
        if (!container.entryPoint().isEmpty()) {
            builder.entryPoint(container.entryPoint());
        }
        if (!container.command().isEmpty()) {
            builder.command(container.command());
        }
        if (container.logConfiguration() != null) {
            builder.logConfiguration(log -> log.logDriver(container.logConfiguration().logDriver())
                    .options(container.logConfiguration().options()));
        }
        return builder.build();
    }
}
