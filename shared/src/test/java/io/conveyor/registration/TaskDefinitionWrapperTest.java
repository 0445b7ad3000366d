package io.conveyor.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskDefinitionWrapperTest {

    private static Descriptor descriptor(String extra) {
        return RegistrarTest.VALIDATOR.validate("x.json", RegistrarTest.descriptor("wc", extra)
                .getBytes(StandardCharsets.UTF_8)).descriptor();
    }

    private static TaskDefinitionSpec wrap(String extra) {
        return TaskDefinitionWrapper.wrap(descriptor(extra), "ab".repeat(32), RegistrarTest.SETTINGS);
    }

    @Test
    void logStream_eitherTaskArnFormat_isPrefixContainerAndTaskIdAsAwslogsNamesIt() {
        // Given the long ARN format (with the cluster) and the older one (without)
        String longArn = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/0b69d5c0d0e54e2c9a5c5e9f0c1e4d3a";
        String shortArn = "arn:aws:ecs:us-east-1:123456789012:task/0b69d5c0d0e54e2c9a5c5e9f0c1e4d3a";

        // When their streams are named, Then both end with the task id
        assertThat(TaskDefinitionWrapper.logStream("wc", "algorithm", longArn))
                .isEqualTo("wc/algorithm/0b69d5c0d0e54e2c9a5c5e9f0c1e4d3a");
        assertThat(TaskDefinitionWrapper.logStream("wc", "stage-in", shortArn))
                .isEqualTo("wc/stage-in/0b69d5c0d0e54e2c9a5c5e9f0c1e4d3a");
        assertThat(TaskDefinitionWrapper.logStreams("wc", longArn)).containsOnlyKeys("stage-in", "algorithm", "stage-out");
        assertThat(wrap("").container("algorithm").logConfiguration().options())
                .containsEntry("awslogs-stream-prefix", "wc");
    }

    @Test
    void wrap_anyDescriptor_runsStageInThenTheAuthorsImageThenStageOut() {
        TaskDefinitionSpec spec = wrap("");

        assertThat(spec.containerDefinitions()).extracting(TaskDefinitionSpec.Container::name,
                        TaskDefinitionSpec.Container::essential)
                .containsExactly(tuple("stage-in", false), tuple("algorithm", false), tuple("stage-out", true));
        assertThat(spec.container("algorithm").image()).isEqualTo("busybox:1.36");
        assertThat(spec.container("algorithm").command()).containsExactly("wc", "${CONVEYOR_INPUT}");
        assertThat(spec.container("algorithm").dependsOn())
                .containsExactly(new TaskDefinitionSpec.Dependency("stage-in", "SUCCESS"));
        assertThat(spec.container("stage-out").dependsOn())
                .containsExactly(new TaskDefinitionSpec.Dependency("algorithm", "COMPLETE"));
        assertThat(spec.volumes()).extracting(TaskDefinitionSpec.Volume::name).containsExactly("input", "output", "stage");
        assertThat(spec.volumes()).extracting(TaskDefinitionSpec.Volume::dockerVolumeConfiguration)
                .containsOnly(new TaskDefinitionSpec.DockerVolume("task", "local"));
        assertThat(spec.containerDefinitions()).allSatisfy(container -> {
            assertThat(container.privileged()).isFalse();
            assertThat(container.variable("CONVEYOR_OUTPUT_DIR")).isEqualTo("/conveyor/output");
            assertThat(container.logConfiguration().options()).containsEntry("awslogs-stream-prefix", "wc")
                    .containsEntry("awslogs-group", "/conveyor/tasks");
        });
    }

    @Test
    void wrap_resourcesAndTypes_becomeTaskLevelCpuMemoryAndAPlacementConstraint() {
        TaskDefinitionSpec spec = wrap(", \"instanceTypes\": [\"t3.small\", \"t3.medium\"]");

        assertThat(spec.cpu()).isEqualTo("256");
        assertThat(spec.memory()).isEqualTo("256");
        assertThat(TaskDefinitionWrapper.wrap(RegistrarTest.VALIDATOR.validate("small.json", RegistrarTest.descriptor("small",
                "").replace("256}", "128}").getBytes(StandardCharsets.UTF_8)).descriptor(), "00", RegistrarTest.SETTINGS)
                .memory()).as("the stage containers' floor").isEqualTo("256");
        assertThat(spec.requiresCompatibilities()).containsExactly("EC2");
        assertThat(spec.placementConstraints()).containsExactly(new TaskDefinitionSpec.PlacementConstraint("memberOf",
                "attribute:ecs.instance-type in [t3.small, t3.medium]"));
        assertThat(spec.tags()).containsExactly(new TaskDefinitionSpec.Tag("conveyor:algorithm", "wc"),
                new TaskDefinitionSpec.Tag("conveyor:descriptor-sha256", "ab".repeat(32)));
        assertThat(spec.taskRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/task");
    }

    @Test
    void wrap_parametersPortsAndGpu_reachTheAlgorithmContainerOnly() {
        TaskDefinitionSpec spec = wrap(", \"parameters\": [{\"name\": \"LEVEL\", \"default\": \"3\"}, {\"name\": \"TOKEN\","
                + " \"required\": true}], \"environment\": {\"LANG\": \"C.UTF-8\"}, \"ports\": [{\"port\": 8080}]")
                ;
        TaskDefinitionSpec gpu = TaskDefinitionWrapper.wrap(RegistrarTest.VALIDATOR.validate("g.json",
                ("{\"name\": \"g\", \"image\": \"nvidia/cuda:12.4.1-base-ubuntu22.04\", \"command\": [\"nvidia-smi\"],"
                        + " \"resources\": {\"vcpu\": 4, \"memoryMiB\": 8192, \"gpu\": 1}, \"instanceTypes\": [\"g4dn.xlarge\"]}")
                        .getBytes(StandardCharsets.UTF_8)).descriptor(), "00", RegistrarTest.SETTINGS);

        TaskDefinitionSpec.Container algorithm = spec.container("algorithm");
        assertThat(algorithm.variable("LEVEL")).isEqualTo("3");
        assertThat(algorithm.variable("TOKEN")).isNull();
        assertThat(algorithm.variable("LANG")).isEqualTo("C.UTF-8");
        assertThat(algorithm.portMappings()).containsExactly(new TaskDefinitionSpec.PortMapping(8080, 0, "tcp"));
        assertThat(algorithm.disableNetworking()).as("ports need networking").isFalse();
        assertThat(spec.container("stage-in").variable("LEVEL")).isNull();
        assertThat(gpu.container("algorithm").resourceRequirements())
                .containsExactly(new TaskDefinitionSpec.ResourceRequirement("GPU", "1"));
    }

    @Test
    void wrap_defaultIsolation_algorithmRunsAsUser1000WithoutNetworkingAndReadsItsInputOnly() {
        // Given a descriptor that says nothing of isolation
        TaskDefinitionSpec spec = wrap("");

        // Then the algorithm runs as 1000:1000, with no network (so no task credentials endpoint, no
        // instance metadata), its input read-only, its output writable, and without the stage folder
        TaskDefinitionSpec.Container algorithm = spec.container("algorithm");
        assertThat(algorithm.user()).isEqualTo("1000:1000");
        assertThat(algorithm.disableNetworking()).isTrue();
        assertThat(algorithm.readonlyRootFilesystem()).isFalse();
        assertThat(algorithm.mountPoints()).containsExactly(
                new TaskDefinitionSpec.MountPoint("input", "/conveyor/input", true),
                new TaskDefinitionSpec.MountPoint("output", "/conveyor/output", false));
        // and the stage containers alone hold the marker's folder: stage-in writes it, stage-out reads it
        assertThat(spec.container("stage-in").mountPoints()).contains(
                new TaskDefinitionSpec.MountPoint("stage", "/conveyor/stage", false));
        assertThat(spec.container("stage-out").mountPoints()).containsExactly(
                new TaskDefinitionSpec.MountPoint("output", "/conveyor/output", true),
                new TaskDefinitionSpec.MountPoint("stage", "/conveyor/stage", true));
        assertThat(TaskDefinitionWrapper.STAGED_MARKER).startsWith("/conveyor/stage/");
        for (String container : java.util.List.of("stage-in", "stage-out")) {
            assertThat(spec.container(container).disableNetworking()).as(container + " uses the task role").isFalse();
            assertThat(spec.container(container).user()).isNull();
        }
    }

    @Test
    void wrap_rootReadOnlyAndNetworkAskedFor_reachTheAlgorithmsContainerDefinition() {
        // Given a descriptor asking for root, a read-only root filesystem and networking
        TaskDefinitionSpec spec = wrap(", \"isolation\": {\"runAsRoot\": true, \"readOnlyRootFilesystem\": true,"
                + " \"network\": true}");

        // Then the image's own user, a read-only root with a task-scoped /tmp, and networking
        TaskDefinitionSpec.Container algorithm = spec.container("algorithm");
        assertThat(algorithm.user()).isNull();
        assertThat(algorithm.readonlyRootFilesystem()).isTrue();
        assertThat(algorithm.disableNetworking()).isFalse();
        assertThat(algorithm.mountPoints()).contains(new TaskDefinitionSpec.MountPoint("scratch", "/tmp", false));
        assertThat(spec.volumes()).extracting(TaskDefinitionSpec.Volume::name).contains("scratch");
    }

    @Test
    void request_isolationFields_reachEcsRegisterTaskDefinition() {
        // Given the default wrap
        var request = io.conveyor.aws.EcsTaskDefinitions.request(wrap(""));

        // Then the SDK request carries the user, networking off and the read-only input mount
        var algorithm = request.containerDefinitions().stream().filter(c -> c.name().equals("algorithm")).findFirst()
                .orElseThrow();
        assertThat(algorithm.user()).isEqualTo("1000:1000");
        assertThat(algorithm.disableNetworking()).isTrue();
        assertThat(algorithm.readonlyRootFilesystem()).isFalse();
        assertThat(algorithm.mountPoints()).anySatisfy(mount -> {
            assertThat(mount.containerPath()).isEqualTo("/conveyor/input");
            assertThat(mount.readOnly()).isTrue();
        });
        assertThat(request.volumes()).extracting(software.amazon.awssdk.services.ecs.model.Volume::name)
                .containsExactly("input", "output", "stage");
    }

    @Test
    void wrap_serializedDefinition_holdsNoCredentialsAndNoPrivilege() throws Exception {
        JsonNode json = Json.mapper().valueToTree(wrap(", \"environment\": {\"MODE\": \"fast\"}"));
        String text = json.toString();

        assertThat(text).doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "\"privileged\":true");
        assertThat(json.path("containerDefinitions").get(0).path("command").get(0).asText())
                .isEqualTo(TaskDefinitionWrapper.STAGE_IN_SCRIPT);
    }

    @Test
    void wrap_legacyInputFilePath_algorithmAlsoMountsTheInputVolumeThereReadOnly() {
        // Given the original tool's input_file_path
        Descriptor legacy = RegistrarTest.VALIDATOR.validate("legacy.json", ("{\"name\": \"change123\", \"container_name\":"
                + " \"busybox:1.36\", \"run_command\": \"sh /change123.sh $input $output\", \"input_file_path\": \"/data/input\"}")
                .getBytes(StandardCharsets.UTF_8)).descriptor();

        // When
        TaskDefinitionSpec spec = TaskDefinitionWrapper.wrap(legacy, "00", RegistrarTest.SETTINGS);

        // Then the same input volume, read-only, at both paths; nothing else gains a mount
        assertThat(spec.container("algorithm").mountPoints()).containsExactly(
                new TaskDefinitionSpec.MountPoint("input", "/conveyor/input", true),
                new TaskDefinitionSpec.MountPoint("output", "/conveyor/output", false),
                new TaskDefinitionSpec.MountPoint("input", "/data/input", true));
        assertThat(spec.container("stage-in").mountPoints()).extracting(TaskDefinitionSpec.MountPoint::containerPath)
                .doesNotContain("/data/input");
        assertThat(spec.container("algorithm").command()).containsExactly("sh", "/change123.sh", "${CONVEYOR_INPUT}",
                "${CONVEYOR_OUTPUT_DIR}/Result-change123-${CONVEYOR_INPUT_NAME}");
        assertThat(wrap("").container("algorithm").mountPoints()).hasSize(2);
    }
}
