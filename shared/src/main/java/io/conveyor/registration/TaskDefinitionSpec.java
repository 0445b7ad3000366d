package io.conveyor.registration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A task definition as Conveyor registers it, in the shape of ECS's RegisterTaskDefinition input
 * (so that it reads like {@code aws ecs register-task-definition --cli-input-json}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskDefinitionSpec(String family, String taskRoleArn, String executionRoleArn, String networkMode,
                                 List<String> requiresCompatibilities, String cpu, String memory, List<Volume> volumes,
                                 List<PlacementConstraint> placementConstraints, List<Container> containerDefinitions,
                                 List<Tag> tags) {

    public TaskDefinitionSpec {
        requiresCompatibilities = List.copyOf(requiresCompatibilities);
        volumes = List.copyOf(volumes);
        placementConstraints = List.copyOf(placementConstraints);
        containerDefinitions = List.copyOf(containerDefinitions);
        tags = List.copyOf(tags);
    }

    /** The container of a given name. */
    public Container container(String name) {
        return containerDefinitions.stream().filter(container -> container.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no container named " + name));
    }

    /** A volume whose lifetime is the task's (a Docker volume, removed with the task). */
    public record Volume(String name, DockerVolume dockerVolumeConfiguration) {
    }

    /** {@code scope: task} makes a Docker volume live and die with its task. */
    public record DockerVolume(String scope, String driver) {
    }

    /** E.g. {@code memberOf} with {@code attribute:ecs.instance-type in [t3.small]}. */
    public record PlacementConstraint(String type, String expression) {
    }

    /**
     * One container of the task.
     *
     * @param user                   {@code uid:gid} to run as, or {@code null} for the image's user
     * @param readonlyRootFilesystem the image's root filesystem mounted read-only
     * @param disableNetworking      no network interface but loopback: nothing outside the container is
     *                               in reach, neither the task's credentials endpoint nor the instance's metadata
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Container(String name, String image, boolean essential, boolean privileged, String user,
                            boolean readonlyRootFilesystem, boolean disableNetworking, List<String> entryPoint,
                            List<String> command, List<KeyValue> environment, List<MountPoint> mountPoints,
                            List<Dependency> dependsOn, List<PortMapping> portMappings,
                            List<ResourceRequirement> resourceRequirements, LogConfiguration logConfiguration) {

        public Container {
            entryPoint = List.copyOf(entryPoint);
            command = List.copyOf(command);
            environment = List.copyOf(environment);
            mountPoints = List.copyOf(mountPoints);
            dependsOn = List.copyOf(dependsOn);
            portMappings = List.copyOf(portMappings);
            resourceRequirements = List.copyOf(resourceRequirements);
        }

        /** The value of one of its environment variables, or {@code null}. */
        public String variable(String name) {
            return environment.stream().filter(pair -> pair.name().equals(name)).map(KeyValue::value).findFirst()
                    .orElse(null);
        }
    }

    /** An environment variable. */
    public record KeyValue(String name, String value) {
    }

    /** Where a volume appears in a container. */
    public record MountPoint(String sourceVolume, String containerPath, boolean readOnly) {
    }

    /** Start only once another container reached a condition ({@code SUCCESS}, {@code COMPLETE}). */
    public record Dependency(String containerName, String condition) {
    }

    /** A container port; host port 0 lets ECS choose one. */
    public record PortMapping(int containerPort, int hostPort, String protocol) {
    }

    /** E.g. {@code GPU: 1}. */
    public record ResourceRequirement(String type, String value) {
    }

    /** Where the container's output goes. */
    public record LogConfiguration(String logDriver, Map<String, String> options) {

        public LogConfiguration {
            options = Map.copyOf(new java.util.TreeMap<>(options));
        }
    }

    /** A resource tag. */
    public record Tag(String key, String value) {
    }
}
