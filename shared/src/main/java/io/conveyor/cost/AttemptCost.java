package io.conveyor.cost;

import io.conveyor.jobs.JobRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an attempt that ended cost: its share of its instance × its run × the instance's hourly price (the rule
 * of {@link CostAttribution}, with no fleet overhead). The {@code CostUsd} metric of the job metrics
 * ({@code io.conveyor.observe.JobSignals}) is this. An attempt whose placement or task times are not known,
 * or whose instance type has no price, has none (a log line says why): never a cost of 0 it did not have.
 */
public final class AttemptCost {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptCost.class);

    private final Prices prices;

    public AttemptCost(Prices prices) {
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    /** The cost in US dollars of {@code attempt} of {@code job}, as recorded after it ended. */
    public Optional<BigDecimal> usd(JobRecord job, int attempt) {
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
        return Optional.of(cost.byJob().getOrDefault(job.id(), BigDecimal.ZERO));
    }
}
