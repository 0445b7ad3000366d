package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy descriptor's command on ECS: the override words name {@code Result-<name>-<staged file name>} in
 * the output folder, and a hostile key stays one argument; run for real as a local process in a folder laid
 * out like the task's.
 */
class TaskOverridesLegacyTest {

    @TempDir
    Path cwd;

    private static Descriptor legacy(String runCommand) {
        return new DescriptorValidator().validate("legacy.json", ("{\"name\": \"archive\", \"container_name\": "
                + "\"busybox:1.36\", \"run_command\": \"" + runCommand + "\"}").getBytes(StandardCharsets.UTF_8)).descriptor();
    }

    private static TaskStart start(Descriptor descriptor, String key) {
        return TaskOverrides.of("job-0123456789abcdef01234567", 1, "arn:aws:ecs:eu-west-1:123456789012:task-definition/a:1",
                "ci-instance", descriptor, new ObjectRef("conveyor-inputs", key), null, "s3://conveyor-outputs/archive/job/",
                Map.of());
    }

    @Test
    void of_legacyCopy_outputWordIsTheResultFileNamedAfterTheStagedInput() {
        // Given the original's `cp $input $output` and a key below a folder
        TaskStart start = start(legacy("cp $input $output"), "inputs/archive/2024/report.csv");

        // Then
        assertThat(start.algorithmCommand()).containsExactly("cp", "/conveyor/input/report.csv",
                "/conveyor/output/Result-archive-report.csv");
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM))
                .containsEntry("CONVEYOR_INPUT_NAME", "report.csv")
                .containsEntry("CONVEYOR_INPUT", "/conveyor/input/report.csv");
        assertThat(start.environment().get(TaskDefinitionWrapper.STAGE_IN)).doesNotContainKey("CONVEYOR_INPUT_NAME");
    }

    @Test
    void of_hostileKey_runsAsPlainArgumentsAndNamesTheResultAfterIt() throws Exception {
        // Given a key whose file name is shell text, quotes and a newline (cleaned to '_' as it is staged)
        String key = "inputs/archive/a'$(touch pwned)\"\n;`id`.txt";
        TaskStart start = start(legacy("cp $input $output"), key);
        String staged = "a'$(touch pwned)\"_;`id`.txt";
        // a task's folders, under the test's folder: /conveyor becomes cwd/conveyor
        List<String> words = start.algorithmCommand().stream().map(word -> word.replace("/conveyor/", cwd + "/conveyor/")).toList();
        Files.createDirectories(cwd.resolve("conveyor/input"));
        Files.createDirectories(cwd.resolve("conveyor/output"));
        Files.writeString(cwd.resolve("conveyor/input").resolve(staged), "content\n");

        // When the algorithm's words run as they are
        Process process = new ProcessBuilder(words).directory(cwd.toFile()).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // Then one copy, named after the staged name, and nothing the name says was run
        assertThat(process.waitFor()).as(said).isZero();
        assertThat(start.algorithmCommand()).hasSize(3);
        assertThat(Files.readString(cwd.resolve("conveyor/output").resolve("Result-archive-" + staged))).isEqualTo("content\n");
        assertThat(cwd.resolve("pwned")).doesNotExist();
        assertThat(start.environment().get(TaskDefinitionWrapper.ALGORITHM)).containsEntry("CONVEYOR_INPUT_NAME", staged);
    }
}
