package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code docker run} line of an attempt. No Docker engine runs on our CI machines, so this is
 * as close as the tests get: the containers themselves are never started here.
 */
class DockerInvocationTest {

    @Test
    void command_attempt_mountsItsFolderLimitsResourcesAndPassesTheContract() {
        Descriptor descriptor = new DescriptorValidator().validate("wc.json", ("{\"name\": \"wc\", \"image\": "
                + "\"public.ecr.aws/docker/library/busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": {\"vcpu\": 0.5, \"memoryMiB\": 512}}").getBytes(StandardCharsets.UTF_8)).descriptor();

        List<String> line = DockerInvocation.command(descriptor, DockerInvocation.containerName("job-1", 2),
                Path.of("/work/outbox/.work/job-1/attempt-2"),
                Map.of("CONVEYOR_INPUT", "/conveyor/input/a b.txt", "CONVEYOR_OUTPUT_DIR", "/conveyor/output"),
                List.of("wc", "/conveyor/input/a b.txt"), "1000:1000");

        assertThat(line).containsExactly("docker", "run", "--rm", "--name", "conveyor-job-1-2",
                "--volume", "/work/outbox/.work/job-1/attempt-2:/conveyor", "--workdir", "/conveyor",
                "--cpus", "0.5", "--memory", "512m", "--security-opt", "no-new-privileges", "--user", "1000:1000",
                "--network", "none", "--env", "CONVEYOR_INPUT=/conveyor/input/a b.txt", "--env", "CONVEYOR_OUTPUT_DIR=/conveyor/output",
                "public.ecr.aws/docker/library/busybox:1.36", "wc", "/conveyor/input/a b.txt");
        assertThat(line).doesNotContain("--privileged");
    }

    @Test
    void command_isolationAskedFor_networkOnAndReadOnlyRootWithTmp() {
        // Given a descriptor asking for networking and a read-only root
        Descriptor descriptor = new DescriptorValidator().validate("wc.json", ("{\"name\": \"wc\", \"image\": "
                + "\"busybox:1.36\", \"command\": [\"wc\"], \"resources\": {\"vcpu\": 0.5, \"memoryMiB\": 512},"
                + " \"isolation\": {\"network\": true, \"readOnlyRootFilesystem\": true}}")
                .getBytes(StandardCharsets.UTF_8)).descriptor();

        // When
        List<String> line = DockerInvocation.command(descriptor, "c", Path.of("/w"), Map.of(), List.of("wc"), "1000:1000");

        // Then
        assertThat(line).doesNotContain("none").containsSequence("--read-only", "--tmpfs", "/tmp");
    }

    @Test
    void command_inputFolder_mountsTheAttemptsInputFolderThereReadOnly() {
        // Given a legacy descriptor with input_file_path
        Descriptor descriptor = new DescriptorValidator().validate("legacy.json", ("{\"name\": \"change123\","
                + " \"container_name\": \"busybox:1.36\", \"run_command\": \"cp $input $output\","
                + " \"input_file_path\": \"/data/input\"}").getBytes(StandardCharsets.UTF_8)).descriptor();

        // When
        List<String> line = DockerInvocation.command(descriptor, "c", Path.of("/w/.work/job-1/attempt-1"), Map.of(),
                List.of("cp"), "1000:1000");

        // Then
        assertThat(String.join(" ", line)).contains("--volume /w/.work/job-1/attempt-1:/conveyor --workdir /conveyor",
                "--volume /w/.work/job-1/attempt-1/input:/data/input:ro");
    }
}
