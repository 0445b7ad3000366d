package io.conveyor.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one pass of the reconciler did.
 *
 * @param inputsListed   input keys looked at
 * @param jobsRecovered  inputs without a job whose notification was sent again
 * @param tasksResolved  records whose task had stopped (or started) unseen, moved by its state now
 * @param vanished       records whose task was gone, queued again or failed ({@code TaskVanished})
 * @param requeued       QUEUED or WAITING jobs sent to the jobs queue again
 * @param deadLetters    dead-letter queue → its approximate count
 * @param wrapped        whether the listing of inputs reached its end (the next pass starts from the first key)
 * @param stoppedEarly   whether the pass stopped at its deadline or a cap with work left
 * @param failedSteps    the steps that failed, with why (the others ran)
 * @param durationMs     how long it took
 */
public record ReconcileReport(int inputsListed, int jobsRecovered, int tasksResolved, int vanished, int requeued,
                              Map<String, Long> deadLetters, boolean wrapped, boolean stoppedEarly,
                              List<String> failedSteps, long durationMs) {

    /** The namespace of the pass's metrics. */
    public static final String NAMESPACE = "Conveyor";

    public ReconcileReport {
        deadLetters = new TreeMap<>(deadLetters);
        failedSteps = List.copyOf(failedSteps);
    }

    /** The counts as metrics, by name. */
    public Map<String, Long> metrics() {
        Map<String, Long> metrics = new LinkedHashMap<>();
        metrics.put("inputsListed", (long) inputsListed);
        metrics.put("jobsRecovered", (long) jobsRecovered);
        metrics.put("tasksResolved", (long) tasksResolved);
        metrics.put("tasksVanished", (long) vanished);
        metrics.put("requeued", (long) requeued);
        deadLetters.forEach((queue, count) -> metrics.put("deadLetters_" + queue, count));
        metrics.put("failedSteps", (long) failedSteps.size());
        metrics.put("durationMs", durationMs);
        return metrics;
    }

    /**
     * The pass as one CloudWatch Embedded Metric Format line (a JSON log line CloudWatch turns into metrics,
     * no API call): namespace {@value #NAMESPACE}, dimension {@code stack}.
     */
    public String emf(String stack, Instant at) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("stack");
        ArrayNode definitions = directive.putArray("Metrics");
        root.put("stack", stack);
        metrics().forEach((name, value) -> {
            definitions.addObject().put("Name", name).put("Unit", name.equals("durationMs") ? "Milliseconds" : "Count");
            root.put(name, value);
        });
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
