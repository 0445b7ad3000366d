package io.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.S3Keys;
import io.conveyor.storage.StorageEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the S3 event notifications that S3 delivers into an SQS message body.
 */
public final class S3EventNotifications {

    private S3EventNotifications() {
    }

    /**
     * The records of one notification, keys decoded. S3's {@code s3:TestEvent} (sent once when a
     * notification is configured) yields no records.
     *
     * @throws MalformedEventException naming the field at fault, when the body is not an S3 notification
     */
    public static List<StorageEvent> parse(String body) {
        return parse(JsonFields.readObject(body));
    }

    /** The records of one notification, already read as JSON. */
    static List<StorageEvent> parse(JsonNode root) {
        if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
            return List.of();
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray()) {
            throw new MalformedEventException("not an S3 event notification: field 'Records' is missing or not an array");
        }
        List<StorageEvent> events = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            events.add(record(records.get(i), "Records[" + i + "]"));
        }
        return List.copyOf(events);
    }

    /**
     * The body of a notification of one object created, shaped as S3 sends it (key encoded as S3 encodes it),
     * for an object whose own notification never came.
     *
     * @param versionId its version, or {@code null} in a bucket without versions
     */
    public static String created(ObjectRef object, String versionId, String eTag, long size, java.time.Instant at) {
        com.fasterxml.jackson.databind.node.ObjectNode root = io.conveyor.json.Json.mapper().createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("eventTime", at.toString())
                .put("eventName", "ObjectCreated:Put");
        com.fasterxml.jackson.databind.node.ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0").put("configurationId", "conveyor-reconciler");
        s3.putObject("bucket").put("name", object.bucket()).put("arn", "arn:aws:s3:::" + object.bucket());
        com.fasterxml.jackson.databind.node.ObjectNode node = s3.putObject("object");
        node.put("key", S3Keys.encode(object.key())).put("size", size).put("eTag", eTag);
        if (versionId != null) {
            node.put("versionId", versionId);
        }
        return root.toString();
    }

    private static StorageEvent record(JsonNode record, String path) {
        String source = JsonFields.text(record, "eventSource", path);
        if (!"aws:s3".equals(source)) {
            throw new MalformedEventException(path + ".eventSource: expected 'aws:s3', was '" + source + "'");
        }
        String eventName = JsonFields.text(record, "eventName", path);
        StorageEvent.Kind kind;
        if (eventName.startsWith("ObjectCreated:")) {
            kind = StorageEvent.Kind.CREATED;
        } else if (eventName.startsWith("ObjectRemoved:")) {
            kind = StorageEvent.Kind.REMOVED;
        } else {
            throw new MalformedEventException(path + ".eventName: '" + eventName
                    + "' is neither ObjectCreated:* nor ObjectRemoved:*");
        }
        JsonNode s3 = record.path("s3");
        String bucket = JsonFields.text(s3.path("bucket"), "name", path + ".s3.bucket");
        if (bucket.isBlank()) {
            throw new MalformedEventException(path + ".s3.bucket.name: must not be blank");
        }
        JsonNode object = s3.path("object");
        String encodedKey = JsonFields.text(object, "key", path + ".s3.object");
        String key;
        try {
            key = S3Keys.decode(encodedKey);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(path + ".s3.object.key: " + e.getMessage(), e);
        }
        if (key.isEmpty()) {
            throw new MalformedEventException(path + ".s3.object.key: must not be empty");
        }
        Long size = JsonFields.wholeNumber(object, "size", path + ".s3.object");
        return new StorageEvent(kind, eventName, new ObjectRef(bucket, key),
                object.path("versionId").asText(null), object.path("eTag").asText(null),
                size == null ? -1 : size, object.path("sequencer").asText(null));
    }

}
