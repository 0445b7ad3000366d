package io.conveyor.fuzz;

import static io.conveyor.fuzz.FuzzTarget.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.events.JobsQueueMessages;
import io.conveyor.events.MalformedEventException;
import io.conveyor.events.S3EventNotifications;
import io.conveyor.json.Json;
import io.conveyor.storage.StorageEvent;
import io.conveyor.tasks.TaskStateChange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The event parsers, on message bodies as SQS hands them to a handler (a string: bytes that are not
 * UTF-8 arrive replaced). Rejected: {@link MalformedEventException} naming the field. Accepted: what the
 * parser returns holds its promises, e.g. an S3 key decodes to exactly the bytes its escapes name.
 */
final class EventTargets {

    private static final String S3_BODY = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
            + "\"awsRegion\":\"us-east-1\",\"eventTime\":\"2026-11-21T09:30:12.345Z\",\"eventName\":\"ObjectCreated:Put\","
            + "\"s3\":{\"bucket\":{\"name\":\"conveyor-in\"},\"object\":{\"key\":\"inputs/word-count/a+b%2Bc.txt\","
            + "\"size\":1048576,\"eTag\":\"9b2cf535f27731c974343645a3985328\",\"versionId\":\"v1\","
            + "\"sequencer\":\"0062E99D4A3B9C1F8E\"}}}]}";
    private static final String ECS_BODY = "{\"version\":\"0\",\"id\":\"a3f0\",\"detail-type\":\"ECS Task State Change\","
            + "\"source\":\"aws.ecs\",\"detail\":{\"clusterArn\":\"arn:aws:ecs:us-east-1:1:cluster/c\",\"taskArn\":"
            + "\"arn:aws:ecs:us-east-1:1:task/c/7f\",\"lastStatus\":\"STOPPED\",\"desiredStatus\":\"STOPPED\",\"version\":6,"
            + "\"startedBy\":\"job-5d0c2b5d0f8a4a1c9e7b3f21-1\",\"containers\":[{\"name\":\"algorithm\",\"lastStatus\":"
            + "\"STOPPED\",\"exitCode\":0,\"reason\":\"x\"}]}}";

    private EventTargets() {
    }

    /** The four targets of {@code benchmarks/run fuzz}, the validator first. */
    static List<FuzzTarget> all() {
        return List.of(new DescriptorTarget(), s3Notification(), ecsTaskEvent(), jobsQueueMessage());
    }

    static FuzzTarget s3Notification() {
        return new Parser("s3-notification", S3_BODY, body -> {
            List<StorageEvent> events = S3EventNotifications.parse(body);
            JsonNode records = readTree(body).path("Records");
            for (int i = 0; i < events.size(); i++) {
                String encoded = records.get(i).path("s3").path("object").path("key").asText();
                checkKey(events.get(i).object().key(), encoded);
            }
            return events;
        });
    }

    static FuzzTarget ecsTaskEvent() {
        return new Parser("ecs-task-event", ECS_BODY, body -> {
            TaskStateChange change = EcsTaskEvents.parse(body);
            require(change.taskArn() != null && change.clusterArn() != null && change.lastStatus() != null,
                    "a task state change without its task, cluster or status");
            return change;
        });
    }

    static FuzzTarget jobsQueueMessage() {
        return new Parser("jobs-queue-message", "{\"jobId\":\"job-5d0c2b5d0f8a4a1c9e7b3f21\"}", body -> {
            JobsQueueMessages.Content content = JobsQueueMessages.parse(body);
            require(content.jobIds().isEmpty() || content.events().isEmpty(), "a message asking for jobs and events");
            content.jobIds().forEach(id -> require(id.matches("job-[0-9a-f]{24}"), "a job id accepted: " + id));
            content.events().forEach(event -> require(event.object().key().equals(new String(
                    event.object().key().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)), "a key that is not UTF-8"));
            return content;
        });
    }

    /**
     * The key an event names is the bytes its form-URL encoding names ({@code +} a space, {@code %XX} a
     * byte), read as UTF-8 and nothing else: an overlong or broken sequence is never read as another key.
     */
    static void checkKey(String key, String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                require(i + 3 <= encoded.length() && HexFormat.isHexDigit(encoded.charAt(i + 1))
                        && HexFormat.isHexDigit(encoded.charAt(i + 2)), "a broken escape was accepted");
                bytes.writeBytes(HexFormat.of().parseHex(encoded, i + 1, i + 3));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < encoded.length() ? i + 2 : i + 1;
                bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        require(java.util.Arrays.equals(key.getBytes(StandardCharsets.UTF_8), bytes.toByteArray()),
                "key decoded to other bytes than its escapes name: " + HexFormat.of().formatHex(bytes.toByteArray()));
        require(!key.isEmpty(), "an empty key was accepted");
        require(key.equals(new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)),
                "a key that is not UTF-8 (a lone surrogate) was accepted");
    }

    private static JsonNode readTree(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("accepted, yet not JSON", e);
        }
    }

    /** A parser of message bodies. */
    private record Parser(String name, String sample, Function<String, Object> parse) implements FuzzTarget {

        @Override
        public Verdict run(byte[] input) {
            String body = new String(input, StandardCharsets.UTF_8);
            try {
                parse.apply(body);
                return Verdict.ACCEPTED;
            } catch (MalformedEventException e) {
                require(e.getMessage() != null && !e.getMessage().isBlank(), "rejected without saying why");
                return Verdict.REJECTED;
            }
        }

        @Override
        public byte[] generate(Mutations random) {
            ObjectNode root = (ObjectNode) readTree(sample);
            if (name.equals("s3-notification") || (name.equals("jobs-queue-message") && random.chance(50))) {
                root = (ObjectNode) readTree(S3_BODY);
                ObjectNode object = (ObjectNode) root.path("Records").get(0).path("s3").path("object");
                object.put("key", random.chance(50) ? random.string() : "inputs/" + encodedKey(random));
            }
            return Mutations.ascii(root.toString());
        }

        /** A key as S3 encodes it, from hostile pieces and random escapes. */
        private static String encodedKey(Mutations random) {
            StringBuilder key = new StringBuilder();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                key.append(switch (random.nextInt(4)) {
                    case 0 -> java.net.URLEncoder.encode(random.string(), StandardCharsets.UTF_8);
                    case 1 -> "%" + HexFormat.of().toHexDigits((byte) random.nextInt(256)).toUpperCase();
                    case 2 -> random.oneOf(Mutations.STRINGS);
                    default -> "/";
                });
            }
            return key.toString();
        }

        @Override
        public List<byte[]> seeds() {
            return List.of(Mutations.ascii(sample));
        }
    }
}
