package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

class S3NotificationVersionsTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    final List<ObjectVersion> versions = new ArrayList<>();
    final List<String> asked = new ArrayList<>();
    final S3Client s3 = new S3Client() {
        @Override
        public ListObjectVersionsResponse listObjectVersions(ListObjectVersionsRequest request) {
            asked.add(request.bucket() + "/" + request.prefix());
            return ListObjectVersionsResponse.builder().versions(versions.stream()
                    .filter(v -> v.key().startsWith(request.prefix())).toList()).build();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    };

    static String event(String name, String key, String eTag) {
        return """
                {"Records": [{"eventName": "%s", "s3": {"bucket": {"name": "in"},
                  "object": {"key": "%s", "size": 5, "eTag": "%s"}}}]}""".formatted(name, key, eTag);
    }

    @Test
    void apply_createdEventWithoutVersion_namesTheNewestVersionWithItsETag() throws Exception {
        // Given a key written three times: twice with content "a", once with "b" (its newest)
        versions.add(ObjectVersion.builder().key("inputs/wc/field notes.txt").eTag("\"ea\"").versionId("v1")
                .lastModified(T0).build());
        versions.add(ObjectVersion.builder().key("inputs/wc/field notes.txt").eTag("\"ea\"").versionId("v2")
                .lastModified(T0.plusSeconds(1)).build());
        versions.add(ObjectVersion.builder().key("inputs/wc/field notes.txt").eTag("\"eb\"").versionId("v3")
                .lastModified(T0.plusSeconds(2)).build());
        versions.add(ObjectVersion.builder().key("inputs/wc/field notes.txt.bak").eTag("\"ea\"").versionId("v9")
                .lastModified(T0.plusSeconds(3)).build());

        // When moto's event of an upload of "a" (its key URL-encoded, as S3 sends it) is completed
        String completed = new S3NotificationVersions(s3).apply(event("ObjectCreated:Put", "inputs/wc/field+notes.txt", "ea"));

        // Then it names the newest version with that ETag, of that very key
        assertThat(Json.mapper().readTree(completed).at("/Records/0/s3/object/versionId").asText()).isEqualTo("v2");
        assertThat(asked).containsExactly("in/inputs/wc/field notes.txt");
    }

    @Test
    void apply_notAnS3EventOrNothingToAdd_passesTheBodyUnchanged() {
        versions.add(ObjectVersion.builder().key("inputs/wc/a.txt").eTag("\"ea\"").versionId("v1").lastModified(T0).build());
        S3NotificationVersions fill = new S3NotificationVersions(s3);
        String job = "{\"conveyorJob\": \"job-1\"}";
        String removed = event("ObjectRemoved:Delete", "inputs/wc/a.txt", "ea");
        String unknownETag = event("ObjectCreated:Put", "inputs/wc/a.txt", "other");
        String withVersion = "{\"Records\": [{\"eventName\": \"ObjectCreated:Put\", \"s3\": {\"bucket\": {\"name\": \"in\"},"
                + " \"object\": {\"key\": \"inputs/wc/a.txt\", \"eTag\": \"ea\", \"versionId\": \"v0\"}}}]}";

        assertThat(fill.apply(job)).isSameAs(job);
        assertThat(fill.apply(removed)).isSameAs(removed);
        assertThat(fill.apply(unknownETag)).isSameAs(unknownETag);
        assertThat(fill.apply(withVersion)).isSameAs(withVersion);
        assertThat(fill.apply("not json {")).isEqualTo("not json {");
    }
}
