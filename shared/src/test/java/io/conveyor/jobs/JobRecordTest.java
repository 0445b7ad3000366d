package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records stored by earlier versions of Conveyor (in S3 or an outbox) still load, and are written
 * back under the same field names. The fixtures were written by the code before the lifecycle moved
 * into {@link JobLifecycle}.
 */
class JobRecordTest {

    @ParameterizedTest
    @ValueSource(strings = {"aws-waiting.json", "aws-retrying.json", "aws-succeeded-chain.json", "aws-rejected.json",
            "local-running.json", "local-failed.json"})
    void json_recordWrittenByEarlierCode_loadsAndWritesBackTheSameFields(String fixture) throws IOException {
        // Given a record as today's code wrote it
        JsonNode stored;
        try (InputStream in = getClass().getResourceAsStream("/records/" + fixture)) {
            stored = Json.mapper().readTree(in);
        }

        // When it is loaded and written again
        JobRecord record = Json.mapper().treeToValue(stored, JobRecord.class);
        JsonNode written = Json.mapper().readTree(Json.mapper().writeValueAsBytes(record));

        // Then nothing is lost or renamed
        assertThat(written).isEqualTo(stored);
        assertThat(record.id()).startsWith("job-");
    }

    @Test
    void json_recordWithSucceededChain_keepsItsTasksAndChildren() throws IOException {
        JobRecord record;
        try (InputStream in = getClass().getResourceAsStream("/records/aws-succeeded-chain.json")) {
            record = Json.mapper().readValue(in, JobRecord.class);
        }

        assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(record.tasks()).extracting(TaskRun::attempt).containsExactly(1, 2);
        assertThat(record.interruptions()).isEqualTo(1);
        assertThat(record.countedAttempts()).isEqualTo(2);
        assertThat(record.children()).containsExactly("job-0123456789abcdef01234567");
    }

    @Test
    void json_taskWithLogStreams_keepsThemAndATaskWithoutWritesNone() throws IOException {
        // Given an attempt's task with its containers' log streams, and one without
        TaskRun with = new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/abc", 3, "RUNNING", null, null, null, null, null,
                java.util.Map.of("algorithm", "wc/algorithm/abc"), null);
        TaskRun without = new TaskRun(2, "arn:aws:ecs:us-east-1:1:task/c/def", 3, "RUNNING", null, null, null, null,
                null);

        // When each is written and read back
        String written = Json.mapper().writeValueAsString(with);
        TaskRun read = Json.mapper().readValue(written, TaskRun.class);

        // Then the streams survive, and a task without streams has no such field (earlier records stay byte-equal)
        assertThat(read).isEqualTo(with);
        assertThat(read.logStreams()).containsEntry("algorithm", "wc/algorithm/abc");
        assertThat(Json.mapper().writeValueAsString(without)).doesNotContain("logStreams");
    }

    @Test
    void json_pinnedRecordWithTaskDefinitions_keepsThemAndAnOlderRecordHasNeither() throws IOException {
        // Given a record written before pins and task definitions were kept, and that record pinned by a retry
        JobRecord older;
        try (InputStream in = getClass().getResourceAsStream("/records/aws-retrying.json")) {
            older = Json.mapper().readValue(in, JobRecord.class);
        }
        TaskRun ran = new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/abc", 3, "STOPPED", null, null, null, null, null,
                null, java.util.Map.of("algorithm", "sha256:" + "a".repeat(64)),
                "arn:aws:ecs:us-east-1:1:task-definition/conveyor-wc:3");
        JobRecord pinned = older.toBuilder().task(ran).pinnedTaskDefinition(
                "arn:aws:ecs:us-east-1:1:task-definition/conveyor-wc:9").build();

        // When the pinned one is written and read back
        JobRecord read = Json.mapper().readValue(Json.mapper().writeValueAsBytes(pinned), JobRecord.class);

        // Then the pin and each attempt's task definition survive; the older record reads with neither
        assertThat(read).isEqualTo(pinned);
        assertThat(read.pinnedTaskDefinition()).endsWith("conveyor-wc:9");
        assertThat(read.task(1).orElseThrow().taskDefinitionArn()).endsWith("conveyor-wc:3");
        assertThat(older.pinnedTaskDefinition()).isNull();
        assertThat(older.tasks()).extracting(TaskRun::taskDefinitionArn).containsOnlyNulls();
    }

    @Test
    void toBuilder_unchanged_buildsAnEqualRecord() throws IOException {
        JobRecord record;
        try (InputStream in = getClass().getResourceAsStream("/records/local-failed.json")) {
            record = Json.mapper().readValue(in, JobRecord.class);
        }

        assertThat(record.toBuilder().build()).isEqualTo(record);
    }

    @Test
    void sources_noRecordIsConstructedOutsideTheJobsPackage() throws IOException {
        // Records change only through the lifecycle; tests use it too (the one exception: TestRecords).
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> !f.getParent().endsWith(Path.of("io", "conveyor", "jobs")))
                    .filter(f -> read(f).contains("new JobRecord("))
                    .toList();
        }
        assertThat(offenders).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
