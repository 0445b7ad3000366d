package io.conveyor.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the fleet cost in a window, and to whom. Amounts in US dollars at {@link CostAttribution#SCALE}
 * decimals; {@code attributed + overhead = instanceCost} exactly, and the per-job and per-algorithm maps
 * add up to their totals exactly.
 *
 * @param byJob                  job id → the cost of its attempts (priced ones only)
 * @param attributedByAlgorithm  algorithm → the cost of its attempts
 * @param overheadByAlgorithm    algorithm → its part of the overhead, in proportion to its attributed cost
 *                               ({@link CostAttribution#NO_ALGORITHM} when nothing was attributed)
 * @param instanceCost           what the priced instances cost while they ran in the window
 * @param attributed             the part of it attempts used
 * @param overhead               the rest: idle instances, boot, the share of an instance no task reserved
 * @param unpriced               {@code type (purchase option)} of instances with no known price, not counted
 * @param priceSource            where the prices come from
 */
public record CostReport(Map<String, BigDecimal> byJob, Map<String, BigDecimal> attributedByAlgorithm,
                         Map<String, BigDecimal> overheadByAlgorithm, BigDecimal instanceCost, BigDecimal attributed,
                         BigDecimal overhead, List<String> unpriced, String priceSource) {

    public CostReport {
        byJob = java.util.Collections.unmodifiableMap(new TreeMap<>(byJob));
        attributedByAlgorithm = java.util.Collections.unmodifiableMap(new TreeMap<>(attributedByAlgorithm));
        overheadByAlgorithm = java.util.Collections.unmodifiableMap(new TreeMap<>(overheadByAlgorithm));
        Objects.requireNonNull(instanceCost, "instanceCost");
        Objects.requireNonNull(attributed, "attributed");
        Objects.requireNonNull(overhead, "overhead");
        unpriced = List.copyOf(unpriced);
        Objects.requireNonNull(priceSource, "priceSource");
    }
}
