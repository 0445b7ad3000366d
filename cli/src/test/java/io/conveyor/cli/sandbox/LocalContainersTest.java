package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.local.LocalProcessRunner;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.testing.InMemoryRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.s3.S3Client;

class LocalContainersTest {

    @TempDir
    Path dir;

    final InMemoryRegistry registry = new InMemoryRegistry();
    final List<String> shipped = new CopyOnWriteArrayList<>();

    LocalContainers containers(SdkStaging staging) {
        return new LocalContainers(new LocalProcessRunner(), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), staging,
                registry, (configuration, container, taskId, stdout, stderr) -> shipped.add(container + "/" + taskId + " "
                + configuration.options().get("awslogs-group")));
    }

    ContainerLauncher.TaskContext task(String algorithm) throws Exception {
        TaskFolder folder = TaskFolder.of(dir, "7f0ad1d2");
        Files.createDirectories(folder.volume().resolve("input"));
        Files.createDirectories(folder.volume().resolve("output"));
        Files.writeString(folder.volume().resolve("input/notes; touch pwned.txt"), "one two three\n");
        return new ContainerLauncher.TaskContext(WrappedTasks.TASK_ARN,
                Map.of(TaskDefinitionWrapper.TAG_ALGORITHM, algorithm), folder);
    }

    static ContainerDefinition container(String name) {
        return WrappedTasks.containers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static ContainerOverride algorithmOverride(List<String> command) {
        return ContainerOverride.builder().name(TaskDefinitionWrapper.ALGORITHM).command(command)
                .environment(e -> e.name("CONVEYOR_INPUT").value("/conveyor/input/notes; touch pwned.txt"),
                        e -> e.name("CONVEYOR_JOB_ID").value(WrappedTasks.JOB)).build();
    }

    @Test
    void run_algorithmWithoutLocalCommand_runsTheOverridesWordsWithConveyorPathsMapped() throws Exception {
        ContainerLauncher.TaskContext task = task("word-count");

        ContainerLauncher.Outcome outcome = containers(null).run(task, container(TaskDefinitionWrapper.ALGORITHM),
                algorithmOverride(List.of("sh", "-c", "wc -w < \"$CONVEYOR_INPUT\" > \"$CONVEYOR_OUTPUT_DIR/count\"")),
                process -> { });

        assertThat(outcome).isEqualTo(new ContainerLauncher.Outcome.Exited(0));
        assertThat(Files.readString(task.folder().volume().resolve("output/count")).trim()).isEqualTo("3");
        assertThat(task.folder().volume().resolve("pwned")).doesNotExist();
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(shipped).containsExactly("algorithm/7f0ad1d2c4be4d3fa9b5d1bc4f1c0e55 /sandbox/tasks");
    }

    @Test
    void run_wordsThatNameConveyorPaths_eachStaysOneMappedWord() throws Exception {
        ContainerLauncher.TaskContext task = task("word-count");

        containers(null).run(task, container(TaskDefinitionWrapper.ALGORITHM),
                algorithmOverride(List.of("cp", "/conveyor/input/notes; touch pwned.txt", "/conveyor/output/copy")),
                process -> { });

        assertThat(Files.readString(task.folder().volume().resolve("output/copy"))).isEqualTo("one two three\n");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void run_descriptorWithALocalCommand_runsThatWithItsPlaceholdersFilledFromTheContainersValues() throws Exception {
        registry.register("""
                {"name": "copier", "image": "busybox", "command": ["false"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 256},
                 "local": {"command": ["cp", "${CONVEYOR_INPUT}", "${CONVEYOR_OUTPUT_DIR}/copy-${CONVEYOR_JOB_ID}"]}}""");
        ContainerLauncher.TaskContext task = task("copier");

        ContainerLauncher.Outcome outcome = containers(null).run(task, container(TaskDefinitionWrapper.ALGORITHM),
                algorithmOverride(List.of("false")), process -> { });

        assertThat(outcome).isEqualTo(new ContainerLauncher.Outcome.Exited(0));
        assertThat(task.folder().volume().resolve("output/copy-" + WrappedTasks.JOB)).hasContent("one two three");
    }

    @Test
    void run_registryUnreadable_fallsBackToTheOverridesCommand() throws Exception {
        registry.broken = "word-count";
        ContainerLauncher.TaskContext task = task("word-count");

        ContainerLauncher.Outcome outcome = containers(null).run(task, container(TaskDefinitionWrapper.ALGORITHM),
                algorithmOverride(List.of("sh", "-c", "exit 7")), process -> { });

        assertThat(outcome).isEqualTo(new ContainerLauncher.Outcome.Exited(7));
    }

    @Test
    void run_programNotFound_cannotStartWithTheReason() throws Exception {
        ContainerLauncher.Outcome outcome = containers(null).run(task("word-count"), container(TaskDefinitionWrapper.ALGORITHM),
                algorithmOverride(List.of("no-such-program-anywhere")), process -> { });

        assertThat(outcome).isInstanceOfSatisfying(ContainerLauncher.Outcome.NotStarted.class, notStarted -> assertThat(
                notStarted.reason()).startsWith("CannotStartContainerError: ").contains("no-such-program-anywhere"));
        assertThat(shipped).isEmpty();
    }

    @Test
    void run_containerNotConveyors_cannotStart() throws Exception {
        ContainerLauncher.Outcome outcome = containers(null).run(task("word-count"),
                ContainerDefinition.builder().name("probe").image("busybox").build(), null, process -> { });

        assertThat(outcome).isInstanceOfSatisfying(ContainerLauncher.Outcome.NotStarted.class,
                notStarted -> assertThat(notStarted.reason()).contains("not 'probe'"));
    }

    @Test
    void run_sdkStaging_refusesAnInputOutsideTheInputFolderAndUploadsNothingUnstaged() throws Exception {
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:1")).build()) {
            LocalContainers staging = containers(new SdkStaging(s3));
            ContainerLauncher.TaskContext task = task("word-count");

            ContainerLauncher.Outcome stageIn = staging.run(task, container(TaskDefinitionWrapper.STAGE_IN),
                    ContainerOverride.builder().name(TaskDefinitionWrapper.STAGE_IN).environment(
                            e -> e.name("CONVEYOR_INPUT").value("/conveyor/elsewhere/x")).build(), process -> { });
            ContainerLauncher.Outcome stageOut = staging.run(task, container(TaskDefinitionWrapper.STAGE_OUT),
                    ContainerOverride.builder().name(TaskDefinitionWrapper.STAGE_OUT).environment(
                            e -> e.name(TaskDefinitionWrapper.OUTPUT_URI).value("s3://out/x/")).build(), process -> { });

            assertThat(stageIn).isEqualTo(new ContainerLauncher.Outcome.Exited(SdkStaging.OUTSIDE_INPUT_DIR));
            assertThat(stageOut).isEqualTo(new ContainerLauncher.Outcome.Exited(SdkStaging.NOT_STAGED));
            assertThat(task.folder().logs().resolve("stage-out.stderr"))
                    .hasContent("the input was never staged: nothing to upload");
        }
    }
}
