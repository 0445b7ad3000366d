package io.conveyor.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage-in and stage-out scripts, run by a real {@code sh} against a stub {@code aws} that
 * records its arguments one per line. The task's {@code /conveyor} is a temporary folder here.
 */
class StageScriptsTest {

    @TempDir
    Path dir;
    private Path work;
    private Path log;
    private Path bin;

    record Result(int exit, String stderr, List<String> awsArguments, String stdout) {
    }

    @BeforeEach
    void stubAws() throws IOException {
        work = Files.createDirectories(dir.resolve("conveyor"));
        bin = Files.createDirectories(dir.resolve("bin"));
        log = dir.resolve("aws.log");
        Path aws = bin.resolve("aws");
        // Records each argument on its own line; a get-object writes the file it was given last; a recursive
        // download from S3 writes two files of 3 + 2 bytes below its destination; exits with $AWS_STUB_EXIT.
        Files.writeString(aws, """
                #!/bin/sh
                for arg in "$@"; do printf '%s\\n' "$arg" >> "$AWS_LOG"; done
                printf '%s\\n' '--' >> "$AWS_LOG"
                if [ "$1" = s3api ]; then for last in "$@"; do :; done; printf 'data' > "$last"; fi
                if [ "$1" = s3 ] && [ "$2" = cp ]; then case "$5" in s3://*)
                  mkdir -p "$6/job-1/sub"; printf 'abc' > "$6/job-1/a.txt"; printf 'de' > "$6/job-1/sub/b.txt";; esac; fi
                exit "${AWS_STUB_EXIT:-0}"
                """);
        Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(String script, Map<String, String> variables) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script.replace(TaskDefinitionWrapper.WORK_DIR, work.toString()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("CONVEYOR_"));
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("AWS_LOG", log.toString());
        env.put("CONVEYOR_OUTPUT_DIR", work.resolve("output").toString());
        env.putAll(variables);
        Path out = dir.resolve("stdout-" + System.nanoTime());
        Process process = builder.redirectErrorStream(false).redirectOutput(out.toFile()).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> arguments = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return new Result(process.exitValue(), stderr, arguments, Files.readString(out));
    }

    private Map<String, String> job(String key, String version) {
        Map<String, String> variables = new HashMap<>();
        variables.put("CONVEYOR_INPUT_BUCKET", "conveyor-in");
        variables.put("CONVEYOR_INPUT_KEY", key);
        variables.put("CONVEYOR_INPUT", work.resolve("input").resolve("notes été.txt").toString());
        if (version != null) {
            variables.put("CONVEYOR_INPUT_VERSION", version);
        }
        return variables;
    }

    @Test
    void stageIn_hostileKeyAndVersion_reachTheCliAsSingleArgumentsAndPinTheVersion() throws Exception {
        String key = "inputs/wc/it's \"$(touch pwned)\" & `id`; a b.txt";

        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, job(key, "v42"));

        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.awsArguments()).containsExactly("s3api", "get-object", "--bucket", "conveyor-in", "--key", key,
                "--version-id", "v42", work.resolve("input").resolve("notes été.txt").toString(), "--");
        assertThat(Files.readString(work.resolve("input").resolve("notes été.txt"))).isEqualTo("data");
        assertThat(Files.getPosixFilePermissions(work.resolve("output"))).hasSize(9);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("input"))))
                .as("the algorithm's user lists the input folder").isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("input")
                .resolve("notes été.txt")))).as("and reads the input, which nobody writes").isEqualTo("r--r--r--");
        assertThat(work.resolve("stage").resolve("staged")).exists();
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(Path.of("pwned")).doesNotExist();
    }

    @Test
    void stageIn_unversionedBucket_asksForTheCurrentObject() throws Exception {
        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, job("inputs/wc/a.txt", null));

        assertThat(result.exit()).isZero();
        assertThat(result.awsArguments()).doesNotContain("--version-id");
    }

    @Test
    void stageIn_missingJobVariable_failsBeforeCallingAwsAndLeavesNoMarker() throws Exception {
        Map<String, String> variables = job("inputs/wc/a.txt", "v1");
        variables.remove("CONVEYOR_INPUT_KEY");

        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

        assertThat(result.exit()).isNotZero();
        assertThat(result.stderr()).contains("CONVEYOR_INPUT_KEY");
        assertThat(result.awsArguments()).isEmpty();
        assertThat(work.resolve("stage").resolve("staged")).doesNotExist();
    }

    @Test
    void stageIn_inputOutsideTheSharedVolume_isRefused() throws Exception {
        Map<String, String> variables = job("inputs/wc/a.txt", "v1");
        variables.put("CONVEYOR_INPUT", "/etc/passwd");

        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

        assertThat(result.exit()).isEqualTo(64);
        assertThat(result.awsArguments()).isEmpty();
    }

    @Test
    void stageOut_afterStageIn_uploadsTheOutputDirectoryWithoutFollowingLinks() throws Exception {
        run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, job("inputs/wc/a.txt", "v1"));
        Files.delete(log);

        Result result = run(TaskDefinitionWrapper.STAGE_OUT_SCRIPT, Map.of("CONVEYOR_OUTPUT_URI", "s3://conveyor-out/outputs/wc/a.txt/job-1/"));

        assertThat(result.exit()).isZero();
        assertThat(result.awsArguments()).containsExactly("s3", "cp", "--only-show-errors", "--no-follow-symlinks",
                "--recursive", work.resolve("output").toString(), "s3://conveyor-out/outputs/wc/a.txt/job-1/", "--");
    }

    @Test
    void stageOut_whenStageInNeverFinished_uploadsNothingAndFails() throws Exception {
        Result result = run(TaskDefinitionWrapper.STAGE_OUT_SCRIPT, Map.of("CONVEYOR_OUTPUT_URI", "s3://conveyor-out/x/"));

        assertThat(result.exit()).isEqualTo(65);
        assertThat(result.stderr()).contains("the input was never staged");
        assertThat(result.awsArguments()).isEmpty();
    }

    @Test
    void stageIn_withStackAndAlgorithm_writesOneEmfLineOfItsTimeAndBytes() throws Exception {
        // Given the task definition's stack and algorithm (the stub writes the 4 bytes "data")
        Map<String, String> variables = job("inputs/wc/a.txt", "v1");
        variables.put(TaskDefinitionWrapper.STACK, "prod");
        variables.put(TaskDefinitionWrapper.ALGORITHM_NAME, "wc");

        // When
        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

        // Then one EMF line: namespace, both dimension sets, the input's 4 bytes and a time
        assertThat(result.exit()).as(result.stderr()).isZero();
        com.fasterxml.jackson.databind.JsonNode line = io.conveyor.json.Json.mapper().readTree(result.stdout().strip());
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Conveyor");
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"stack\"],[\"stack\",\"algorithm\"]]");
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Metrics").toString())
                .isEqualTo("[{\"Name\":\"StageInSeconds\",\"Unit\":\"Seconds\"},{\"Name\":\"StageInBytes\",\"Unit\":\"Bytes\"}]");
        assertThat(line.get("stack").asText()).isEqualTo("prod");
        assertThat(line.get("algorithm").asText()).isEqualTo("wc");
        assertThat(line.get("StageInBytes").asLong()).isEqualTo(4);
        assertThat(line.get("StageInSeconds").asDouble()).isBetween(0.0, 30.0);
        assertThat(line.at("/_aws/Timestamp").asLong()).isGreaterThan(1_700_000_000_000L);
    }

    @Test
    void stageOut_withStackAndAlgorithm_countsTheBytesOfEveryOutputFile() throws Exception {
        // Given a staged input and outputs of 3 + 5 bytes, one in a subfolder
        run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, job("inputs/wc/a.txt", "v1"));
        Files.writeString(work.resolve("output/a.txt"), "abc");
        Files.createDirectories(work.resolve("output/sub"));
        Files.writeString(work.resolve("output/sub/b.txt"), "defgh");

        // When
        Result result = run(TaskDefinitionWrapper.STAGE_OUT_SCRIPT, Map.of("CONVEYOR_OUTPUT_URI", "s3://conveyor-out/x/",
                TaskDefinitionWrapper.STACK, "prod", TaskDefinitionWrapper.ALGORITHM_NAME, "wc"));

        // Then
        assertThat(result.exit()).as(result.stderr()).isZero();
        com.fasterxml.jackson.databind.JsonNode line = io.conveyor.json.Json.mapper().readTree(result.stdout().strip());
        assertThat(line.get("StageOutBytes").asLong()).isEqualTo(8);
        assertThat(line.has("StageOutSeconds")).isTrue();
    }

    @Test
    void stageOut_withoutStack_writesNoMetricLine() throws Exception {
        // Given
        run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, job("inputs/wc/a.txt", "v1"));

        // When
        Result result = run(TaskDefinitionWrapper.STAGE_OUT_SCRIPT, Map.of("CONVEYOR_OUTPUT_URI", "s3://conveyor-out/x/"));

        // Then
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEmpty();
    }

    private Map<String, String> gather(String prefix) {
        Map<String, String> variables = new HashMap<>();
        variables.put("CONVEYOR_INPUT_BUCKET", "conveyor-out");
        variables.put(TaskDefinitionWrapper.INPUT_PREFIX, prefix);
        variables.put("CONVEYOR_INPUT_DIR", work.resolve("input").resolve("batch").toString());
        return variables;
    }

    @Test
    void stageIn_gatherFolder_downloadsThePrefixWholeAsOneArgumentReadOnly() throws Exception {
        // Given a gather's folder whose prefix holds quotes, a command substitution and a space
        String prefix = "batches/p/it's \"$(touch pwned)\" b/sum/";
        Map<String, String> variables = gather(prefix);
        variables.put(TaskDefinitionWrapper.STACK, "prod");
        variables.put(TaskDefinitionWrapper.ALGORITHM_NAME, "concatenate");

        // When
        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

        // Then one recursive copy of s3://<bucket>/<prefix> into the folder, files read-only, 5 bytes counted
        assertThat(result.exit()).as(result.stderr()).isZero();
        Path folder = work.resolve("input").resolve("batch");
        assertThat(result.awsArguments()).containsExactly("s3", "cp", "--only-show-errors", "--recursive",
                "s3://conveyor-out/" + prefix, folder.toString(), "--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("job-1/sub/b.txt"))))
                .isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("job-1/sub"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(io.conveyor.json.Json.mapper().readTree(result.stdout().strip()).get("StageInBytes").asLong())
                .isEqualTo(5);
        assertThat(work.resolve("stage").resolve("staged")).exists();
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(Path.of("pwned")).doesNotExist();
    }

    @Test
    void stageIn_gatherFolderWithASkippedKey_failsAndLeavesNoMarker() throws Exception {
        // Given the AWS CLI skipping a key (exit 2: "File references a parent directory")
        Map<String, String> variables = gather("batches/p/b/sum/");
        variables.put("AWS_STUB_EXIT", "2");

        // When
        Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

        // Then
        assertThat(result.exit()).isEqualTo(2);
        assertThat(work.resolve("stage").resolve("staged")).doesNotExist();
    }

    @Test
    void stageIn_gatherFolderOutsideTheInputVolume_isRefusedBeforeAnyDownload() throws Exception {
        for (String outside : new String[] {"/etc", work.resolve("input").resolve("../output").toString(),
                work.resolve("input").toString()}) {
            // Given
            Map<String, String> variables = gather("batches/p/b/sum/");
            variables.put("CONVEYOR_INPUT_DIR", outside);

            // When
            Result result = run(TaskDefinitionWrapper.STAGE_IN_SCRIPT, variables);

            // Then
            assertThat(result.exit()).as(outside).isEqualTo(64);
            assertThat(result.awsArguments()).isEmpty();
        }
    }
}
