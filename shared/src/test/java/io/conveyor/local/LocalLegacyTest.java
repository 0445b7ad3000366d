package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy descriptors written as the original tool's documentation shows them, run by the local pipeline with
 * real processes: each result is the file or folder {@code Result-<name>-<input file name>}, as the original
 * named it, collected as the algorithm left it.
 */
class LocalLegacyTest {

    @TempDir
    Path workspace;

    private final LocalPipelineTest.Recorder recorder = new LocalPipelineTest.Recorder();

    private List<JobRecord> runOnce() throws Exception {
        Files.createDirectories(workspace.resolve("inbox"));
        LocalSettings settings = new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"),
                workspace.resolve("algorithms"), 2, 8192, Duration.ofMillis(100), Duration.ofMillis(20));
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder,
                Clock.systemUTC()).run(true, () -> false).jobs();
    }

    private void legacy(String name, String runCommand, String extra) throws IOException {
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms").resolve(name + ".json"), "{\"name\": \"" + name + "\","
                + " \"container_name\": \"public.ecr.aws/docker/library/busybox:1.36\", \"system\": \"ubuntu\","
                + " \"run_command\": \"" + runCommand + "\", \"instance_type\": \"\", \"memory\": {\"suggested\": 128}"
                + extra + "}");
    }

    private void input(String relative, String content) throws IOException {
        Path file = workspace.resolve("inbox").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static JobRecord only(List<JobRecord> jobs, String algorithm) {
        assertThat(jobs).filteredOn(job -> job.algorithm().equals(algorithm)).hasSize(1);
        return jobs.stream().filter(job -> job.algorithm().equals(algorithm)).findFirst().orElseThrow();
    }

    @Test
    void run_legacySort_writesResultNameInputAsAFile() throws Exception {
        // Given `sort $input -o $output`, which failed with "Is a directory" while $output was the folder
        legacy("sorter", "sort $input -o $output", ", \"input_file_path\": \"/data/input\", \"output_file_path\": \"/data/output\"");
        input("sorter/names.txt", "carol\nalice\nbob\n");

        // When
        JobRecord job = only(runOnce(), "sorter");

        // Then
        assertThat(job.state()).as(job.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.outputs()).containsExactly("Result-sorter-names.txt");
        assertThat(Files.readString(Path.of(job.output()).resolve("Result-sorter-names.txt"))).isEqualTo("alice\nbob\ncarol\n");
    }

    @Test
    void run_legacyCopyOfAFileWithAnOddName_resultIsNamedAfterItAndNothingItSaysRuns() throws Exception {
        // Given `cp $input $output` and an input whose name is shell text and quotes
        legacy("Archive", "cp $input $output", "");
        String odd = "q'$(touch pwned)\" ;`id`.txt";
        input("archive/" + odd, "kept as it is\n");

        // When
        JobRecord job = only(runOnce(), "archive");

        // Then the result keeps the name as the author wrote it, and the input's name
        assertThat(job.state()).as(job.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.outputs()).containsExactly("Result-Archive-" + odd);
        assertThat(Files.readString(Path.of(job.output()).resolve("Result-Archive-" + odd))).isEqualTo("kept as it is\n");
        try (var files = Files.walk(workspace)) {
            assertThat(files.filter(file -> file.getFileName().toString().equals("pwned"))).isEmpty();
        }
    }

    @Test
    void run_legacyAlgorithmWritingAFolder_folderCollectedWithItsFilesRelativePaths() throws Exception {
        // Given a script that makes $output a folder: one file per line of the input, in a subfolder
        Path script = workspace.resolve("split.sh");
        Files.writeString(script, "mkdir -p \"$2/lines\"\nn=0\nwhile IFS= read -r line; do n=$((n+1)); "
                + "printf '%s\\n' \"$line\" > \"$2/lines/$n.txt\"; done < \"$1\"\necho \"$n lines\" > \"$2/summary.txt\"\n");
        legacy("split", "sh " + script + " $input $output", "");
        input("split/poem.txt", "one\ntwo\n");

        // When
        JobRecord job = only(runOnce(), "split");

        // Then
        assertThat(job.state()).as(job.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.outputs()).containsExactly("Result-split-poem.txt/lines/1.txt", "Result-split-poem.txt/lines/2.txt",
                "Result-split-poem.txt/summary.txt");
        Path result = Path.of(job.output()).resolve("Result-split-poem.txt");
        assertThat(Files.readString(result.resolve("lines/2.txt"))).isEqualTo("two\n");
        assertThat(Files.readString(result.resolve("summary.txt"))).isEqualTo("2 lines\n");
    }
}
