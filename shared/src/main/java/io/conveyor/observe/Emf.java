package io.conveyor.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import io.conveyor.reconcile.ReconcileReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch Embedded Metric Format: one JSON log line that CloudWatch Logs turns into metrics, under the
 * namespace {@value #NAMESPACE}. Each dimension set yields its own series of every metric of the line.
 */
public final class Emf {

    /** The namespace of Conveyor's metrics. */
    public static final String NAMESPACE = ReconcileReport.NAMESPACE;

    private Emf() {
    }

    /**
     * One EMF line.
     *
     * @param at            the metrics' timestamp
     * @param dimensionSets the dimension sets, each a list of dimension names present in {@code dimensions}
     * @param dimensions    dimension name → value
     * @param properties    more fields for whoever reads the log (not dimensions, not metrics), e.g. the job id
     * @param metrics       the values; at least one, each name once
     * @throws IllegalArgumentException when a dimension set names a dimension without a value, or a name repeats
     */
    public static String line(Instant at, List<List<String>> dimensionSets, Map<String, String> dimensions,
                              Map<String, String> properties, List<Metric> metrics) {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("an EMF line needs at least one metric");
        }
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode sets = directive.putArray("Dimensions");
        for (List<String> set : dimensionSets) {
            ArrayNode names = sets.addArray();
            for (String name : set) {
                if (dimensions.get(name) == null) {
                    throw new IllegalArgumentException("dimension " + name + " has no value");
                }
                names.add(name);
            }
        }
        dimensions.forEach(root::put);
        properties.forEach((name, value) -> {
            if (value != null && !root.has(name)) {
                root.put(name, value);
            }
        });
        ArrayNode definitions = directive.putArray("Metrics");
        for (Metric metric : metrics) {
            if (dimensions.containsKey(metric.name()) || root.has(metric.name())) {
                throw new IllegalArgumentException("metric " + metric.name() + " appears twice in one line");
            }
            definitions.addObject().put("Name", metric.name()).put("Unit", metric.unit().cloudWatchName());
            if (metric.value() == Math.rint(metric.value()) && Math.abs(metric.value()) < 1e15) {
                root.put(metric.name(), (long) metric.value());
            } else {
                root.put(metric.name(), metric.value());
            }
        }
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
