package io.conveyor.cli.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import io.conveyor.storage.S3Keys;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Fills a gap of the emulator's S3 events: moto 5.2.1 names an object by its key, size and ETag only,
 * where S3 also names the version of an object in a versioned bucket (the input bucket is), and dispatch
 * names a job by that version. Without it, a job made from moto's event is named by the ETag while the
 * reconciler, which lists versions, names the same input's job by its version id: two jobs for one input.
 * So the sandbox adds {@code versionId} to each created-object record that lacks one: the newest version
 * of the key with the record's ETag (the same content uploaded twice is then one version, where S3 would
 * name two). A body that is not an S3 event, or a key that cannot be looked up, passes unchanged.
 */
final class S3NotificationVersions implements UnaryOperator<String> {

    private static final Logger LOG = LoggerFactory.getLogger(S3NotificationVersions.class);

    private final S3Client s3;

    S3NotificationVersions(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public String apply(String body) {
        try {
            JsonNode event = Json.mapper().readTree(body);
            JsonNode records = event == null ? null : event.get("Records");
            if (records == null || !records.isArray()) {
                return body;
            }
            boolean added = false;
            for (JsonNode record : records) {
                JsonNode object = record.path("s3").path("object");
                if (!(object instanceof ObjectNode named) || named.has("versionId")
                        || !record.path("eventName").asText().startsWith("ObjectCreated")) {
                    continue;
                }
                Optional<String> version = version(record.path("s3").path("bucket").path("name").asText(),
                        S3Keys.decode(named.path("key").asText()), S3Keys.unquote(named.path("eTag").asText()));
                if (version.isPresent()) {
                    named.put("versionId", version.get());
                    added = true;
                }
            }
            return added ? Json.mapper().writeValueAsString(event) : body;
        } catch (Exception e) {  // not an S3 event, or not one we can complete: as moto sent it
            LOG.debug("outcome=notification-unchanged reason=\"{}\"", e.toString());
            return body;
        }
    }

    private Optional<String> version(String bucket, String key, String eTag) {
        return s3.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key) && S3Keys.unquote(v.eTag()).equals(eTag))
                .max(Comparator.comparing(ObjectVersion::lastModified)).map(ObjectVersion::versionId)
                .filter(id -> !id.equals("null"));
    }
}
