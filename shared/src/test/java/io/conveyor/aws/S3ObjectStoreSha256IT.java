package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchManifest;
import io.conveyor.storage.Digests;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * A batch file's SHA-256 on moto's S3: the uploader's full-object checksum when it sent one (no read of the object),
 * else the object read through a digest; a multipart upload's composite checksum is never taken for the object's.
 */
@AwsEmulator
class S3ObjectStoreSha256IT {

    static final String BUCKET = "conveyor-it-in";
    static final byte[] ALPHA = "alpha, the batch's first file\n".getBytes(StandardCharsets.UTF_8);

    private static StoredObject described(S3ObjectStore store, String key) {
        return store.describe(new ObjectRef(BUCKET, key)).orElseThrow();
    }

    @Test
    void sha256_uploadSentChecksumSha256_isS3sChecksumWithoutReadingTheObject(Emulator emulator) {
        RecordingInterceptor requests = new RecordingInterceptor();
        try (S3Client s3 = emulator.clients().with(requests).s3()) {
            // Given an object uploaded with its SHA-256 checksum
            s3.createBucket(r -> r.bucket(BUCKET));
            String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Digests.sha256(ALPHA)));
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/p/b1/a.txt").checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .checksumSHA256(base64), RequestBody.fromBytes(ALPHA));
            S3ObjectStore store = new S3ObjectStore(s3);

            // When its SHA-256 is asked for
            String sha256 = store.sha256(described(store, "inputs/p/b1/a.txt")).orElseThrow();

            // Then it is the content's, taken from S3's checksum: the object was not read
            assertThat(sha256).isEqualTo(Digests.sha256(ALPHA));
            assertThat(requests.requests(GetObjectRequest.class)).isEmpty();
        }
    }

    @Test
    void sha256_uploadWithoutSha256_readsTheObjectThroughADigest(Emulator emulator) {
        RecordingInterceptor requests = new RecordingInterceptor();
        try (S3Client s3 = emulator.clients().with(requests).s3()) {
            // Given an object uploaded with no SHA-256 (the SDK's default CRC32 at most)
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/p/b1/a.txt"), RequestBody.fromBytes(ALPHA));
            S3ObjectStore store = new S3ObjectStore(s3);

            // When its SHA-256 is asked for
            String sha256 = store.sha256(described(store, "inputs/p/b1/a.txt")).orElseThrow();

            // Then the object was read once, and the digest is its content's
            assertThat(sha256).isEqualTo(Digests.sha256(ALPHA));
            assertThat(requests.requests(GetObjectRequest.class)).singleElement()
                    .satisfies(get -> assertThat(get.ifMatch()).isNotNull());
        }
    }

    @Test
    void sha256_multipartUploadWithSha256_readsTheObjectForItsCompositeChecksumIsNotTheObjects(Emulator emulator) {
        RecordingInterceptor requests = new RecordingInterceptor();
        try (S3Client s3 = emulator.clients().with(requests).s3()) {
            // Given an object uploaded in two parts with SHA-256 checksums (a checksum of the parts' checksums)
            s3.createBucket(r -> r.bucket(BUCKET));
            byte[] first = new byte[5 * 1024 * 1024];
            Arrays.fill(first, (byte) 'x');
            String key = "inputs/p/b1/big.bin";
            String upload = s3.createMultipartUpload(r -> r.bucket(BUCKET).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
            String one = s3.uploadPart(r -> r.bucket(BUCKET).key(key).uploadId(upload).partNumber(1)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(first)).eTag();
            String two = s3.uploadPart(r -> r.bucket(BUCKET).key(key).uploadId(upload).partNumber(2)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256), RequestBody.fromBytes(ALPHA)).eTag();
            s3.completeMultipartUpload(r -> r.bucket(BUCKET).key(key).uploadId(upload).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(one).build(),
                    CompletedPart.builder().partNumber(2).eTag(two).build())));
            S3ObjectStore store = new S3ObjectStore(s3);
            byte[] whole = new byte[first.length + ALPHA.length];
            System.arraycopy(first, 0, whole, 0, first.length);
            System.arraycopy(ALPHA, 0, whole, first.length, ALPHA.length);

            // When its SHA-256 is asked for
            String sha256 = store.sha256(described(store, key)).orElseThrow();

            // Then it is the whole content's, read through a digest
            assertThat(sha256).isEqualTo(Digests.sha256(whole));
            assertThat(requests.requests(GetObjectRequest.class)).hasSize(1);
        }
    }

    @Test
    void sha256_objectReplacedSinceItWasTold_isEmpty(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a file told at one version, then written again with other content
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/p/b1/a.txt"), RequestBody.fromBytes(ALPHA));
            S3ObjectStore store = new S3ObjectStore(s3);
            StoredObject told = described(store, "inputs/p/b1/a.txt");
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/p/b1/a.txt"), RequestBody.fromString("beta"));

            // When the told version's SHA-256 is asked for
            // Then there is none (the new version's own notification brings it)
            assertThat(store.sha256(told)).isEmpty();
        }
    }

    @Test
    void sha256_checksumNotTheManifests_isAMismatchNamingTheFileAndBothDigests(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a file uploaded with its SHA-256, and a manifest listing another
            s3.createBucket(r -> r.bucket(BUCKET));
            String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Digests.sha256(ALPHA)));
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/p/b1/a.txt").checksumAlgorithm(ChecksumAlgorithm.SHA256)
                    .checksumSHA256(base64), RequestBody.fromBytes(ALPHA));
            S3ObjectStore store = new S3ObjectStore(s3);
            StoredObject object = described(store, "inputs/p/b1/a.txt");
            String listed = "f".repeat(64);

            // When its SHA-256 is learnt and checked against the manifest's entry
            String sha256 = store.sha256(object).orElseThrow();
            String mismatch = new BatchManifest.Expected("a.txt", null, listed).mismatch(new BatchFile("a.txt",
                    "etag:" + object.eTag(), object.size(), sha256, "2026-11-29T10:00:00Z"));

            // Then the mismatch names the file and both digests
            assertThat(mismatch).isEqualTo("a.txt has SHA-256 " + Digests.sha256(ALPHA) + ", _manifest.json says " + listed);
            assertThat(List.of(sha256)).doesNotContain(listed);
        }
    }
}
