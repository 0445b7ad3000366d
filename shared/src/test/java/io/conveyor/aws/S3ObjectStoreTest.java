package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.storage.ObjectRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A conditional write whose answer was lost: S3 wrote it, the answer never came (a 5xx after the write, a
 * dropped connection), and the SDK's retry met the condition the first attempt had just changed (412).
 */
class S3ObjectStoreTest {

    static final ObjectRef REF = new ObjectRef("out", "jobs/job-1.json");

    final Map<String, byte[]> objects = new HashMap<>();
    /** What lands before the refusal: the write itself (its answer lost), or another writer's bytes. */
    byte[] landsBeforeTheRefusal;

    final S3Client s3 = new S3Client() {
        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            byte[] bytes;
            try (var in = body.contentStreamProvider().newStream()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            objects.put(request.key(), landsBeforeTheRefusal != null ? landsBeforeTheRefusal : bytes);
            throw (S3Exception) S3Exception.builder().statusCode(412).message("At least one of the pre-conditions you"
                    + " specified did not hold").build();
        }

        @Override
        public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
            byte[] bytes = objects.get(request.key());
            if (bytes == null) {
                throw NoSuchKeyException.builder().statusCode(404).build();
            }
            return ResponseBytes.fromByteArray(GetObjectResponse.builder().eTag("\"e\"").build(), bytes);
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    };

    @Test
    void writeIfUnchanged_refusedByItsOwnLandedWrite_isAWriteAfterAll() {
        // Given a create whose bytes land, then the retry is refused
        byte[] record = "{\"state\":\"STARTING\",\"writes\":2}".getBytes(StandardCharsets.UTF_8);

        // When / Then
        assertThat(new S3ObjectStore(s3).writeIfUnchanged(REF, record, "application/json", null)).isTrue();
    }

    @Test
    void writeIfUnchanged_refusedWhileAnotherWriterHoldsTheKey_isLost() {
        // Given another writer's record at the key
        landsBeforeTheRefusal = "{\"state\":\"RUNNING\",\"writes\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] mine = "{\"state\":\"STARTING\",\"writes\":2}".getBytes(StandardCharsets.UTF_8);

        // When / Then
        assertThat(new S3ObjectStore(s3).writeIfUnchanged(REF, mine, "application/json", "e0")).isFalse();
    }

    @Test
    void fullObjectSha256_byChecksumTypeAndEntityTag_takesOnlyAWholeObjectsChecksum() {
        // Given the SHA-256 of "alpha" as S3 keeps it (base64), and its hex
        byte[] digest = java.util.HexFormat.of().parseHex(io.conveyor.storage.Digests.sha256(
                "alpha".getBytes(StandardCharsets.UTF_8)));
        String base64 = java.util.Base64.getEncoder().encodeToString(digest);
        String hex = java.util.HexFormat.of().formatHex(digest);

        // When S3's answers are read; Then a PutObject's (FULL_OBJECT, or no type and a one-part ETag) is taken,
        // a multipart upload's (COMPOSITE, "-<parts>", a multipart ETag) and none are not
        assertThat(S3ObjectStore.fullObjectSha256(base64, software.amazon.awssdk.services.s3.model.ChecksumType.FULL_OBJECT,
                "\"abc-3\"")).contains(hex);
        assertThat(S3ObjectStore.fullObjectSha256(base64, null, "\"abc\"")).contains(hex);
        assertThat(S3ObjectStore.fullObjectSha256(base64, null, "\"abc-3\"")).isEmpty();
        assertThat(S3ObjectStore.fullObjectSha256(base64 + "-3", software.amazon.awssdk.services.s3.model.ChecksumType.COMPOSITE,
                "\"abc-3\"")).isEmpty();
        assertThat(S3ObjectStore.fullObjectSha256(base64 + "-3", null, "\"abc\"")).isEmpty();
        assertThat(S3ObjectStore.fullObjectSha256(null, software.amazon.awssdk.services.s3.model.ChecksumType.FULL_OBJECT,
                "\"abc\"")).isEmpty();
    }
}
