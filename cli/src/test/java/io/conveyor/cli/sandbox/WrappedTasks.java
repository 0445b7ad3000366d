package io.conveyor.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.json.Json;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.registration.WrapSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskOverride;

/**
 * Conveyor's wrapped task definitions and tasks as the emulator describes them, for the sandbox's tests.
 */
final class WrappedTasks {

    static final Path HOME = Path.of(System.getProperty("conveyor.home", "..")).toAbsolutePath().normalize();
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/sandbox-Cluster";
    static final String TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/sandbox-Cluster/7f0ad1d2c4be4d3fa9b5d1bc4f1c0e55";
    static final String CONTAINER_INSTANCE_ARN =
            "arn:aws:ecs:us-east-1:123456789012:container-instance/sandbox-Cluster/1b9f2e3c6a7d4e8f9a0b1c2d3e4f5a6b";
    static final String JOB = "job-5d0c2b5d0f8a4a1c9e7b3f21";
    static final WrapSettings SETTINGS = new WrapSettings("sandbox", "arn:aws:iam::123456789012:role/task",
            "arn:aws:iam::123456789012:role/exec", "/sandbox/tasks", REGION, "public.ecr.aws/aws-cli/aws-cli:2.22.35");
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "public.ecr.aws/docker/library/busybox:1.36",
             "command": ["sh", "-c", "wc -w < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/count\\""],
             "resources": {"vcpu": 0.5, "memoryMiB": 512, "gpu": 0}, "timeoutSeconds": 600, "retries": 1}""";

    private WrappedTasks() {
    }

    static Descriptor descriptor(String json) {
        try {
            return Json.mapper().readValue(json, Descriptor.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request the register function sends, as {@link EcsGaps} mends it on the sandbox's clients. */
    static RegisterTaskDefinitionRequest registration(String descriptorJson) {
        return EcsGaps.withContainerShares(EcsTaskDefinitions.request(TaskDefinitionWrapper.wrap(
                descriptor(descriptorJson), "0".repeat(64), SETTINGS)));
    }

    static List<ContainerDefinition> containers() {
        return registration(WORD_COUNT).containerDefinitions();
    }

    /** A task of word-count as the emulator describes it right after StartTask. */
    static Task task() {
        return Task.builder()
                .taskArn(TASK_ARN)
                .clusterArn(CLUSTER_ARN)
                .containerInstanceArn(CONTAINER_INSTANCE_ARN)
                .taskDefinitionArn("arn:aws:ecs:us-east-1:123456789012:task-definition/sandbox-word-count:3")
                .startedBy(JOB + "-1")
                .group("family:sandbox-word-count")
                .desiredStatus("RUNNING")
                .lastStatus("RUNNING")
                .overrides(TaskOverride.builder().containerOverrides(
                        ContainerOverride.builder().name(TaskDefinitionWrapper.STAGE_IN)
                                .environment(e -> e.name("CONVEYOR_INPUT").value("/conveyor/input/notes.txt")).build(),
                        ContainerOverride.builder().name(TaskDefinitionWrapper.ALGORITHM)
                                .command("sh", "-c", "wc -w < \"$CONVEYOR_INPUT\" > \"$CONVEYOR_OUTPUT_DIR/count\"").build(),
                        ContainerOverride.builder().name(TaskDefinitionWrapper.STAGE_OUT).build()).build())
                .tags(Tag.builder().key(TaskDefinitionWrapper.TAG_ALGORITHM).value("word-count").build())
                .build();
    }

    static TaskState state(Instant createdAt) {
        return new TaskState(task(), containers(), "512", "512", REGION + "a", createdAt);
    }

    /** The {@code detail} of the first record of an event fixture under {@code events/task-events/}. */
    static JsonNode fixtureDetail(String name, int record) {
        try {
            JsonNode event = Json.mapper().readTree(Files.readString(HOME.resolve("events/task-events").resolve(name)));
            return Json.mapper().readTree(event.path("Records").get(record).path("body").asText()).path("detail");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An event around {@code detail} as EventBridge delivers it to a queue. */
    static String envelope(JsonNode detail) {
        var event = Json.mapper().createObjectNode().put("version", "0").put("id", "c7e2a9d4-1f3b-4c55-8e6a-2b9d0f4e7a13")
                .put("detail-type", TaskStateChangeDetail.DETAIL_TYPE).put("source", TaskStateChangeDetail.SOURCE)
                .put("account", ACCOUNT).put("time", "2026-11-21T09:33:41Z").put("region", REGION);
        event.putArray("resources").add(detail.path("taskArn").asText());
        event.set("detail", detail);
        return event.toString();
    }
}
