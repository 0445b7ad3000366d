package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchRecord;
import io.conveyor.aws.S3BatchStore;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An archive batch on the AWS path of the sandbox: a zip uploaded into a batch of a pipeline whose first step fans
 * out over the archive's members (dispatch unpacks it with {@code S3ArchiveMembers}), then the batch's marker, then
 * one gather over every member's output (task-events tells the batch each end). Nothing is invoked by hand.
 */
class SandboxArchiveIT {

    static final String PIPELINE = "archive-counts";
    static SandboxRun run;

    @BeforeAll
    static void start() throws Exception {
        run = SandboxRun.start("archive", Map.of(), Sandbox.Staging.SDK);
        // Descriptors first: a pipeline is accepted only once the algorithms it names are registered.
        run.register(SandboxRun.HOME.resolve("algorithms/word-count.json"));
        run.register(SandboxRun.HOME.resolve("algorithms/concatenate.json"));
        run.register(Path.of("src/test/resources/sandbox-archive/" + PIPELINE + ".json").toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void uploads_zipOfThreeMembersThenMarker_eachMemberCountedOnceAndOneGatherListsEveryCount() throws Exception {
        // Given a zip of three text members (one in a folder)
        Map<String, String> members = new LinkedHashMap<>();
        members.put("alpha.txt", "one\n");
        members.put("nested/beta.txt", "one two\nthree\n");
        members.put("gamma.txt", "one two three four five\n");

        // When it is uploaded into a batch, then the batch's marker
        run.upload("inputs/" + PIPELINE + "/b1/set.zip", zip(members));
        run.upload("inputs/" + PIPELINE + "/b1/_COMPLETE", new byte[0]);

        // Then one job per member of step count, each SUCCEEDED over its own member
        String membersFolder = "s3://" + run.outputBucket() + "/outputs/" + PIPELINE + "/b1/count.members/set.zip/";
        String folder = "s3://" + run.outputBucket() + "/batches/" + PIPELINE + "/b1/report/";
        SandboxRun.await("the batch's gather over", Duration.ofSeconds(240), () -> run.records().stream()
                .anyMatch(job -> job.input().equals(folder) && job.state().terminal()));
        List<JobRecord> counts = run.records().stream().filter(job -> job.pipeline() != null
                && job.pipeline().step().equals("count")).toList();
        assertThat(counts).hasSize(3).allSatisfy(job -> {
            assertThat(job.state()).as(job.input()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.input()).startsWith(membersFolder);
        });
        assertThat(counts).extracting(job -> job.input().substring(job.input().indexOf('/', membersFolder.length()) + 1))
                .containsExactlyInAnyOrderElementsOf(members.keySet());
        // and exactly one gather, SUCCEEDED, whose report holds each member's count under that member's job
        List<JobRecord> gathers = run.records().stream().filter(job -> job.input().equals(folder)).toList();
        assertThat(gathers).singleElement().satisfies(gather -> {
            assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(gather.pipeline().step()).isEqualTo("report");
            String report = run.output(gather, "report.txt");
            for (JobRecord count : counts) {
                assertThat(report).contains("== ./" + count.id() + "/counts.txt\n" + run.output(count, "counts.txt"));
            }
            assertThat(report).contains("alpha.txt", "beta.txt", "gamma.txt");
        });
        // and the batch's record names the archive once and the three members as the step's, all taken by the gather
        BatchRecord batch = new S3BatchStore(run.s3, run.outputBucket()).read(PIPELINE, "b1").orElseThrow().record();
        assertThat(batch.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(batch.files()).containsOnlyKeys("set.zip");
        assertThat(batch.members("count")).containsOnlyKeys(counts.stream().map(JobRecord::id).toList());
        assertThat(batch.gathers().get("report").taken()).containsExactlyInAnyOrderElementsOf(
                counts.stream().map(JobRecord::id).toList());
    }

    static byte[] zip(Map<String, String> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> member : members.entrySet()) {
                zip.putNextEntry(new ZipEntry(member.getKey()));
                zip.write(member.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
