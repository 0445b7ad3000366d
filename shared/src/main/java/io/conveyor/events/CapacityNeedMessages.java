package io.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.dispatch.CapacityNeed;
import io.conveyor.dispatch.Packer;
import io.conveyor.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The capacity queue's messages: a {@link CapacityNeed} as JSON, written by dispatch and read by the capacity
 * function. Values are data only: instance types are checked against EC2's naming before anything uses them.
 *
 * <pre>{"requestedBy": "…", "requestedAt": "2026-11-21T10:00:00Z", "algorithms": ["word-count"],
 *  "waiting": [{"job": "…", "cpuUnits": 1024, "memoryMiB": 2048, "instanceTypes": ["m6i.large"]}]}</pre>
 */
public final class CapacityNeedMessages {

    /** An EC2 instance type as EC2 names them (family, generation and options, a dot, a size). */
    private static final java.util.regex.Pattern INSTANCE_TYPE = java.util.regex.Pattern.compile("[a-z0-9-]{1,30}\\.[a-z0-9-]{1,30}");

    private CapacityNeedMessages() {
    }

    /** The message body for a need. */
    public static String body(CapacityNeed need) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("requestedBy", need.requestedBy());
        root.put("requestedAt", need.requestedAt().toString());
        ArrayNode algorithms = root.putArray("algorithms");
        new TreeSet<>(need.algorithms()).forEach(algorithms::add);
        ArrayNode waiting = root.putArray("waiting");
        for (Packer.Demand demand : need.waiting()) {
            ObjectNode job = waiting.addObject();
            job.put("job", demand.key());
            job.put("cpuUnits", demand.cpuUnits());
            job.put("memoryMiB", demand.memoryMiB());
            ArrayNode types = job.putArray("instanceTypes");
            new TreeSet<>(demand.instanceTypes()).forEach(types::add);
        }
        return root.toString();
    }

    /**
     * Reads a message body.
     *
     * @throws MalformedEventException naming the field that is missing or wrong
     */
    public static CapacityNeed parse(String body) {
        JsonNode root = JsonFields.readObject(body);
        String requestedBy = JsonFields.text(root, "requestedBy", "");
        Instant requestedAt;
        try {
            requestedAt = Instant.parse(JsonFields.text(root, "requestedAt", ""));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("requestedAt: not an ISO-8601 instant such as 2026-11-21T10:00:00Z");
        }
        Set<String> algorithms = new TreeSet<>(strings(root, "algorithms", ""));
        JsonNode waiting = array(root, "waiting", "");
        if (waiting.isEmpty()) {
            throw new MalformedEventException("waiting: must name at least one job");
        }
        List<Packer.Demand> demands = new ArrayList<>();
        for (int i = 0; i < waiting.size(); i++) {
            String at = "waiting[" + i + "]";
            JsonNode job = waiting.get(i);
            if (!job.isObject()) {
                throw new MalformedEventException(at + ": expected an object");
            }
            List<String> types = strings(job, "instanceTypes", at);
            for (int t = 0; t < types.size(); t++) {
                if (!INSTANCE_TYPE.matcher(types.get(t)).matches()) {
                    throw new MalformedEventException(at + ".instanceTypes[" + t + "]: '" + types.get(t)
                            + "' is not an EC2 instance type such as m6i.large");
                }
            }
            demands.add(new Packer.Demand(JsonFields.text(job, "job", at), positive(job, "cpuUnits", at),
                    positive(job, "memoryMiB", at), new TreeSet<>(types)));
        }
        return new CapacityNeed(requestedBy, requestedAt, demands, algorithms);
    }

    private static int positive(JsonNode node, String field, String path) {
        Long value = JsonFields.wholeNumber(node, field, path);
        if (value == null) {
            throw new MalformedEventException(path + "." + field + ": missing");
        }
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new MalformedEventException(path + "." + field + ": must be a positive whole number, was " + value);
        }
        return value.intValue();
    }

    private static JsonNode array(JsonNode node, String field, String path) {
        String at = path.isEmpty() ? field : path + "." + field;
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedEventException(at + ": missing");
        }
        if (!value.isArray()) {
            throw new MalformedEventException(at + ": expected an array, was " + value.getNodeType().name().toLowerCase());
        }
        return value;
    }

    private static List<String> strings(JsonNode node, String field, String path) {
        String at = path.isEmpty() ? field : path + "." + field;
        JsonNode values = array(node, field, path);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).isTextual()) {
                throw new MalformedEventException(at + "[" + i + "]: expected a string");
            }
            strings.add(values.get(i).asText());
        }
        return strings;
    }
}
