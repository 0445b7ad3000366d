package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A listing's objects on moto's S3: ListObjectsV2 page by page below the batch's folder, the listing read ranged. */
@AwsEmulator
class S3BatchListingsIT {

    static final String BUCKET = "conveyor-it-in";
    static final PipelinePlace PLACE = new PipelinePlace("report", "rev-1", "b1", "each", Map.of());

    static String put(S3Client s3, String key, String text) {
        return s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(text)).eTag().replace("\"", "");
    }

    @Test
    void under_prefixOfMoreThanAPage_everyObjectBelowItAtItsETagAndNothingElse(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given 1,203 objects below data/ of batch b1 (a console folder key among them), neighbours that are not
            s3.createBucket(r -> r.bucket(BUCKET));
            for (int i = 0; i < 1203; i++) {
                put(s3, String.format("inputs/report/b1/data/%04d.txt", i), "n" + i);
            }
            String eTag = put(s3, "inputs/report/b1/data/sub/it's $(id).txt", "deep");
            put(s3, "inputs/report/b1/data/", "");
            put(s3, "inputs/report/b1/database/x.txt", "not below data/");
            put(s3, "inputs/report/b2/data/0000.txt", "another batch");
            S3BatchListings listings = new S3BatchListings(s3, BUCKET);

            // When
            List<PipelineJobs.Listed> found;
            try {
                found = listings.under(PLACE, "data/", PipelineJobs.MAX_MEMBERS);
            } catch (PipelineJobs.UnpackException e) {
                throw new AssertionError(e);
            }

            // Then every object below the prefix, in key order, at its ETag, with its size; no folder key, no neighbour
            assertThat(found).hasSize(1204);
            assertThat(found.get(0).path()).isEqualTo("data/0000.txt");
            assertThat(found.get(0).input().location()).isEqualTo("s3://" + BUCKET + "/inputs/report/b1/data/0000.txt");
            assertThat(found.get(0).size()).isEqualTo(2);
            assertThat(found).filteredOn(l -> l.path().startsWith("data/sub/")).singleElement().satisfies(l -> {
                assertThat(l.path()).isEqualTo("data/sub/it's $(id).txt");
                assertThat(l.input().version()).isEqualTo(PipelineJobs.batchFileVersion(eTag));
            });
            assertThat(found).noneSatisfy(l -> assertThat(l.path()).isIn("data/", "database/x.txt"));
        }
    }

    @Test
    void under_keyOrLimit_exactKeyOnlyAndNoMoreThanAsked(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a key and a longer key beginning with it, and 30 objects below a prefix
            s3.createBucket(r -> r.bucket(BUCKET));
            put(s3, "inputs/report/b1/more/c.txt", "c");
            put(s3, "inputs/report/b1/more/c.txt.bak", "bak");
            for (int i = 0; i < 30; i++) {
                put(s3, "inputs/report/b1/many/" + i, "x");
            }
            S3BatchListings listings = new S3BatchListings(s3, BUCKET);

            // When / Then: the key alone; at most max + 1 of a prefix (enough to tell it is over)
            assertThat(listings.under(PLACE, "more/c.txt", 10)).extracting(PipelineJobs.Listed::path)
                    .containsExactly("more/c.txt");
            assertThat(listings.under(PLACE, "many/", 9)).hasSize(10);
            assertThat(listings.under(PLACE, "none/", 9)).isEmpty();
        }
    }

    @Test
    void read_listing_itsBytesUpToTheLimitAtItsVersion(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a listing, an empty one, and one written again since its job was made
            s3.createBucket(r -> r.bucket(BUCKET));
            String eTag = put(s3, "inputs/report/b1/list.txt", "data/\nmore/c.txt\n");
            String emptyTag = put(s3, "inputs/report/b1/empty.txt", "");
            String oldTag = put(s3, "inputs/report/b1/old.txt", "data/\n");
            put(s3, "inputs/report/b1/old.txt", "other/\n");
            S3BatchListings listings = new S3BatchListings(s3, BUCKET);
            String base = "s3://" + BUCKET + "/inputs/report/b1/";

            // When / Then
            assertThat(new String(listings.read(new NewJob.JobInput(base + "list.txt",
                    PipelineJobs.batchFileVersion(eTag)), 100), StandardCharsets.UTF_8)).isEqualTo("data/\nmore/c.txt\n");
            assertThat(listings.read(new NewJob.JobInput(base + "list.txt", PipelineJobs.batchFileVersion(eTag)), 4))
                    .hasSize(5);
            assertThat(listings.read(new NewJob.JobInput(base + "empty.txt", PipelineJobs.batchFileVersion(emptyTag)),
                    100)).isEmpty();
            assertThatThrownBy(() -> listings.read(new NewJob.JobInput(base + "old.txt",
                    PipelineJobs.batchFileVersion(oldTag)), 100)).isInstanceOf(PipelineJobs.UnpackException.class)
                    .hasMessageContaining("written again since");
        }
    }
}
