package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gather's start: its input is a folder of the output bucket, staged whole; the overrides name the folder only. */
class TaskOverridesGatherTest {

    static final String JOB = "job-0123456789abcdef01234567";
    /** The bundled gather algorithm: it reads the folder as "$CONVEYOR_INPUT_DIR" in its script. */
    static final String CONCATENATE = """
            {"name": "concatenate", "image": "busybox:1.36",
             "command": ["sh", "-c", "cd \\"$CONVEYOR_INPUT_DIR\\" && find . -type f | sort | xargs cat > \\"$CONVEYOR_OUTPUT_DIR/all.txt\\""],
             "resources": {"vcpu": 1, "memoryMiB": 512}}""";

    static TaskStart start(String folderKey) {
        Descriptor d = new DescriptorValidator().validate("d.json", CONCATENATE.getBytes(StandardCharsets.UTF_8))
                .accepted().orElseThrow();
        return TaskOverrides.of(JOB, 2, "arn:td/concatenate:1", "ci-1", d, new ObjectRef("conveyor-out", folderKey),
                "batch", "s3://conveyor-out/outputs/text-report/b1/" + JOB + "/", Map.of());
    }

    @Test
    void of_folderInput_stagesThePrefixIntoTheInputDirAndSetsNoInputFile() {
        // Given a gather's folder
        String folder = BucketLayout.gatherFolderKey("text-report", "b1", "report");

        // When
        TaskStart start = start(folder);

        // Then stage-in gets the bucket, the prefix and the folder; the algorithm the folder, no input file
        assertThat(TaskOverrides.isFolder(new ObjectRef("conveyor-out", folder))).isTrue();
        assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN)).isEqualTo(Map.of(
                TaskDefinitionWrapper.INPUT_BUCKET, "conveyor-out",
                TaskDefinitionWrapper.INPUT_PREFIX, "batches/text-report/b1/report/",
                Placeholders.INPUT_DIR, "/conveyor/input/batch"));
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM))
                .containsEntry(Placeholders.INPUT_DIR, TaskDefinitionWrapper.GATHER_INPUT_DIR)
                .containsEntry(Placeholders.JOB_ID, JOB)
                .containsEntry(Placeholders.ATTEMPT, "2")
                .doesNotContainKeys(Placeholders.INPUT, Placeholders.INPUT_NAME);
        assertThat(TaskDefinitionWrapper.GATHER_INPUT_DIR).startsWith(TaskDefinitionWrapper.INPUT_DIR + "/");
    }

    @Test
    void length_gatherStart_isTheSameWhateverTheBatchHolds() {
        // Given the longest names a folder key can have (its overrides never list members)
        TaskStart longest = start(BucketLayout.gatherFolderKey("p".repeat(64), "b".repeat(255), "s".repeat(64)));

        // Then the overrides stay far below ECS's limit
        assertThat(TaskOverrides.length(longest)).isLessThan(TaskOverrides.MAX_OVERRIDE_CHARS / 4);
    }

    @Test
    void of_objectInput_isNoFolderAndKeepsItsInputFile() {
        TaskStart start = start("outputs/a/b.txt");

        assertThat(TaskOverrides.isFolder(new ObjectRef("conveyor-out", "outputs/a/b.txt"))).isFalse();
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM))
                .containsEntry(Placeholders.INPUT, "/conveyor/input/b.txt").doesNotContainKey(Placeholders.INPUT_DIR);
        assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN))
                .containsEntry(TaskDefinitionWrapper.INPUT_KEY, "outputs/a/b.txt")
                .doesNotContainKey(TaskDefinitionWrapper.INPUT_PREFIX);
    }
}
