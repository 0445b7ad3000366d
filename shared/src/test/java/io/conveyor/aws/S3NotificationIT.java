package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.events.S3EventNotifications;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.SqsMessages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What moto's S3 really delivers to SQS, read by Conveyor's parser and object store.
 */
@AwsEmulator
class S3NotificationIT {

    private static final String BUCKET = "conveyor-test-in";

    @Test
    void putObjects_withOddKeys_arriveUnderTheKeysAndVersionsTheUserWrote(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3(); SqsClient sqs = emulator.clients().sqs()) {
            // Given a versioned input bucket notifying a queue about inputs/
            String queueUrl = SqsMessages.notifyingQueue(s3, sqs, BUCKET, "jobs", "inputs/");

            // When objects with spaces, '+', '%', unicode and zero bytes are put (and one elsewhere)
            Map<String, String> versions = new LinkedHashMap<>();
            for (String key : List.of("inputs/wc/field notes été v1+2.txt", "inputs/wc/100% done.txt",
                    "inputs/数据/zero.bin", "inputs/wc/a%2Bb.txt")) {
                byte[] content = key.endsWith("zero.bin") ? new byte[0] : key.getBytes();
                versions.put(key, s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(content)).versionId());
            }
            s3.putObject(r -> r.bucket(BUCKET).key("elsewhere/x.txt"), RequestBody.fromString("x"));

            // Then each notification moto delivered parses to the key and version that were put
            List<StorageEvent> events = new ArrayList<>();
            for (String body : SqsMessages.receiveBodies(sqs, queueUrl, 5)) {
                events.addAll(S3EventNotifications.parse(body));
            }
            assertThat(events).extracting(event -> event.object().key())
                    .containsExactlyInAnyOrderElementsOf(versions.keySet());

            // And the object store finds every one of them in S3, with its version and size
            S3ObjectStore store = new S3ObjectStore(s3);
            for (StorageEvent event : events) {
                StoredObject object = store.describe(event.object(), event.versionId()).orElseThrow();
                assertThat(object.versionId()).isEqualTo(versions.get(event.object().key()));
                if (event.object().key().endsWith("zero.bin")) {
                    assertThat(object.size()).isZero();
                }
            }
        }
    }

    @Test
    void describe_missingKeyOrDeletedVersion_isEmpty(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            String v1 = s3.putObject(r -> r.bucket(BUCKET).key("inputs/a.txt"), RequestBody.fromString("1")).versionId();
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/a.txt"), RequestBody.fromString("22"));
            s3.deleteObject(r -> r.bucket(BUCKET).key("inputs/a.txt").versionId(v1));
            S3ObjectStore store = new S3ObjectStore(s3);

            assertThat(store.describe(new ObjectRef(BUCKET, "inputs/never.txt"))).isEmpty();
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/marked.txt"), RequestBody.fromString("m"));
            s3.deleteObject(r -> r.bucket(BUCKET).key("inputs/marked.txt"));
            assertThat(store.describe(new ObjectRef(BUCKET, "inputs/marked.txt"))).as("behind a delete marker").isEmpty();
            assertThat(store.describe(new ObjectRef(BUCKET, "inputs/a.txt"), v1)).isEmpty();
            assertThat(store.describe(new ObjectRef(BUCKET, "inputs/a.txt")))
                    .hasValueSatisfying(object -> assertThat(object.size()).isEqualTo(2));
        }
    }
}
