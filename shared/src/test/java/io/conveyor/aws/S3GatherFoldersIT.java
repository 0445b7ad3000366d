package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.JobFixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Gather folders on moto's S3: members' outputs copied within the output bucket, at their member's folder. */
@AwsEmulator
class S3GatherFoldersIT {

    static final String BUCKET = "conveyor-it-out";
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    /** A succeeded member of step {@code count} of batch b1, with its output files written. */
    static JobRecord member(S3Client s3, String input, Map<String, String> files) {
        NewJob job = JobFixtures.job("s3://in/inputs/counts/b1/" + input, "v1", "wc", "r1", 1)
                .withPlace(new PipelinePlace("counts", "rev-1", "b1", "count", Map.of()));
        String output = "s3://" + BUCKET + "/outputs/counts/b1/count/" + input + "/" + job.id() + "/";
        job = job.withOutput(output);
        String prefix = "outputs/counts/b1/count/" + input + "/" + job.id() + "/";
        files.forEach((path, text) -> s3.putObject(r -> r.bucket(BUCKET).key(prefix + path), RequestBody.fromString(text)));
        JobRecord running = JobFixtures.after(JobFixtures.queued(job, T0), T0, new JobEvent.StartRequested("ci-1"),
                JobEvent.TaskRunning.asProcess(1, 42, T0.toString()));
        return JobFixtures.after(running, T0.plusSeconds(5), JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded())
                .withOutput(new JobEvent.Output(output, List.copyOf(files.keySet()))));
    }

    static Map<String, String> contents(S3Client s3, String prefix) {
        Map<String, String> contents = new TreeMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix)).contents()) {
            contents.put(object.key().substring(prefix.length()),
                    s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(object.key())).asUtf8String());
        }
        return contents;
    }

    @Test
    void fill_takenMembers_copiesEachOutputFileBelowItsMemberAndNothingElse(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given two taken members (one with a file in a subfolder and a hostile name) and one not taken
            s3.createBucket(r -> r.bucket(BUCKET));
            JobRecord a = member(s3, "a.txt", Map.of("count.txt", "3", "sub/it's $(id) b.txt", "x"));
            JobRecord b = member(s3, "b.txt", Map.of("count.txt", "5"));
            member(s3, "c.txt", Map.of("count.txt", "7"));

            // When the folder is filled twice (a redelivered decision)
            S3GatherFolders folders = new S3GatherFolders(s3, BUCKET);
            String first = folders.fill("counts", "b1", "sum", List.of(a, b));
            String second = folders.fill("counts", "b1", "sum", List.of(a, b));

            // Then it holds each taken member's files at <member>/<path>, the same after the second fill
            assertThat(first).isEqualTo("s3://" + BUCKET + "/batches/counts/b1/sum/").isEqualTo(second);
            assertThat(contents(s3, "batches/counts/b1/sum/")).isEqualTo(Map.of(
                    a.id() + "/count.txt", "3", a.id() + "/sub/it's $(id) b.txt", "x", b.id() + "/count.txt", "5"));
        }
    }

    @Test
    void fill_outputFileMissing_isRefusedNamingTheMemberAndKeyAndCopiesNothing(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a member whose record lists a file that is not there
            s3.createBucket(r -> r.bucket(BUCKET));
            JobRecord a = member(s3, "a.txt", Map.of("count.txt", "3"));
            JobRecord b = member(s3, "b.txt", Map.of("count.txt", "5"));
            s3.deleteObject(r -> r.bucket(BUCKET).key(b.output().substring(("s3://" + BUCKET + "/").length())
                    + "count.txt"));

            // When / Then
            assertThatThrownBy(() -> new S3GatherFolders(s3, BUCKET).fill("counts", "b1", "sum", List.of(a, b)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("member " + b.id())
                    .hasMessageContaining(b.id() + "/count.txt is not there");
            assertThat(contents(s3, "batches/counts/b1/sum/")).isEmpty();
        }
    }

    @Test
    void fill_fileOverTheCopyLimit_isRefusedWithItsSize(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a limit of 4 bytes (standing for S3's 5 GiB) and a member's file of 5
            s3.createBucket(r -> r.bucket(BUCKET));
            JobRecord a = member(s3, "a.txt", Map.of("big.bin", "12345"));

            // When / Then
            assertThatThrownBy(() -> new S3GatherFolders(s3, BUCKET, 4).fill("counts", "b1", "sum", List.of(a)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("member " + a.id())
                    .hasMessageContaining("big.bin is 5 bytes: one CopyObject copies at most 4 bytes");
            assertThat(contents(s3, "batches/counts/b1/sum/")).isEmpty();
        }
    }

    @Test
    void fill_memberWithoutOutputs_addsNothingForIt(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a member that wrote no file
            s3.createBucket(r -> r.bucket(BUCKET));
            JobRecord empty = member(s3, "a.txt", Map.of());

            // When
            String folder = new S3GatherFolders(s3, BUCKET).fill("counts", "b1", "sum", List.of(empty));

            // Then
            assertThat(folder).isEqualTo("s3://" + BUCKET + "/batches/counts/b1/sum/");
            assertThat(contents(s3, "batches/counts/b1/sum/")).isEmpty();
        }
    }
}
