package io.conveyor.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.jobs.JobRecord;
import io.conveyor.json.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code CostUsd} metric of an attempt that ended: its share of its instance × its run × the instance's
 * hourly price (the rule of {@link CostAttribution}, with no fleet overhead), as one CloudWatch Embedded
 * Metric Format line: namespace {@value #NAMESPACE}, dimension sets {@code [stack]} and {@code [stack,
 * algorithm]}, unit {@code None}, timestamped when the attempt ended. An attempt whose placement or task times
 * are not known, or whose instance type has no price, writes no line (a log line says why).
 */
public final class AttemptCostMetric {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptCostMetric.class);

    /** The namespace of Conveyor's metrics ({@code ReconcileReport.NAMESPACE}). */
    public static final String NAMESPACE = "Conveyor";
    /** The metric's name. */
    public static final String METRIC = "CostUsd";

    private final String stack;
    private final Prices prices;
    private final Consumer<String> lines;

    /**
     * @param lines where EMF lines go: standard output in Lambda, where CloudWatch Logs takes them as metrics
     */
    public AttemptCostMetric(String stack, Prices prices, Consumer<String> lines) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    /** Writes the metric of {@code attempt} of {@code job} (as recorded after it ended); returns the line written. */
    public Optional<String> attemptEnded(JobRecord job, int attempt) {
        Optional<AttemptUsage> usage = AttemptUsage.of(job).stream().filter(u -> u.attempt() == attempt).findFirst();
        if (usage.isEmpty()) {
            LOG.info("outcome=cost-unknown job={} attempt={} reason=\"no placement or task times recorded\"", job.id(),
                    attempt);
            return Optional.empty();
        }
        AttemptUsage used = usage.get();
        CostReport cost = CostAttribution.attribute(List.of(used), List.of(), prices, used.start(), used.end());
        if (!cost.unpriced().isEmpty()) {
            LOG.info("outcome=cost-unpriced job={} attempt={} instanceType={} prices=\"{}\"", job.id(), attempt,
                    used.instanceType(), prices.source());
            return Optional.empty();
        }
        BigDecimal usd = cost.byJob().getOrDefault(job.id(), BigDecimal.ZERO);
        String line = emf(used, usd);
        lines.accept(line);
        return Optional.of(line);
    }

    private String emf(AttemptUsage used, BigDecimal usd) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", used.end().toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        var dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("stack");
        dimensions.addArray().add("stack").add("algorithm");
        directive.putArray("Metrics").addObject().put("Name", METRIC).put("Unit", "None");
        root.put("stack", stack);
        root.put("algorithm", used.algorithm());
        root.put(METRIC, usd);
        root.put("jobId", used.jobId());
        root.put("attempt", used.attempt());
        root.put("instanceId", used.instanceId());
        root.put("instanceType", used.instanceType());
        root.put("share", used.share());
        root.put("priceSource", prices.source());
        try {
            return Json.mapper().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
