package io.conveyor.cost;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Divides what the fleet's instances cost in a window among the attempts that ran on them.
 *
 * <ul>
 *   <li>An instance costs its hourly price × the hours it ran inside the window. The hours it ran are its
 *       ledger spans joined with its attempts' times (an attempt proves its instance ran, even where the
 *       ledger missed it).</li>
 *   <li>An attempt costs its instance's hourly price × its share (the larger of its vCPU and its memory
 *       share) × the hours it ran inside the window.</li>
 *   <li>Overhead is the rest: instance cost − attributed cost, never negative (should an instance's attempts
 *       claim more than it cost, their costs are scaled down to its cost). It is reported per algorithm in
 *       proportion to each algorithm's attributed cost.</li>
 *   <li>Instances whose price is unknown are listed as unpriced, and neither they nor their attempts are
 *       counted.</li>
 * </ul>
 *
 * <p>Arithmetic is done with 34 significant digits ({@link MathContext#DECIMAL128}); each instance's cost
 * and each attempt's cost are then rounded half-even to {@link #SCALE} decimals (millionths of a dollar),
 * and every total is the exact sum of rounded parts.
 */
public final class CostAttribution {

    /** Decimals of every amount reported: millionths of a dollar. */
    public static final int SCALE = 6;
    /** The algorithm overhead is reported under when no attempt was attributed anything. */
    public static final String NO_ALGORITHM = "(no attempts)";

    private static final MathContext MATH = MathContext.DECIMAL128;
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(Duration.ofHours(1).toMillis());

    private CostAttribution() {
    }

    /** What the instances cost from {@code from} until {@code until}, attributed to the attempts. */
    public static CostReport attribute(List<AttemptUsage> attempts, List<InstanceSpan> instances, Prices prices,
                                       Instant from, Instant until) {
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (until.isBefore(from)) {
            throw new IllegalArgumentException("until (" + until + ") is before from (" + from + ")");
        }
        Map<String, List<InstanceSpan>> spansById = new TreeMap<>();
        instances.forEach(span -> spansById.computeIfAbsent(span.instanceId(), id -> new ArrayList<>()).add(span));
        Map<String, List<AttemptUsage>> attemptsById = new TreeMap<>();
        attempts.forEach(a -> attemptsById.computeIfAbsent(a.instanceId(), id -> new ArrayList<>()).add(a));
        TreeSet<String> ids = new TreeSet<>(spansById.keySet());
        ids.addAll(attemptsById.keySet());

        Map<String, BigDecimal> byJob = new TreeMap<>();
        Map<String, BigDecimal> byAlgorithm = new TreeMap<>();
        TreeSet<String> unpriced = new TreeSet<>();
        BigDecimal instanceCost = BigDecimal.ZERO.setScale(SCALE);
        BigDecimal attributed = BigDecimal.ZERO.setScale(SCALE);
        for (String id : ids) {
            List<InstanceSpan> spans = spansById.getOrDefault(id, List.of());
            List<AttemptUsage> on = attemptsById.getOrDefault(id, List.of());
            String type = spans.isEmpty() ? on.get(0).instanceType() : spans.get(0).instanceType();
            String option = spans.isEmpty() ? on.get(0).purchaseOption() : spans.get(0).purchaseOption();
            var price = prices.hourlyUsd(type, option);
            if (price.isEmpty()) {
                unpriced.add(type + " (" + option + ")");
                continue;
            }
            Instance instance = instance(price.get(), spans, on, from, until);
            instanceCost = instanceCost.add(instance.cost());
            for (Map.Entry<AttemptUsage, BigDecimal> cost : instance.attempts().entrySet()) {
                byJob.merge(cost.getKey().jobId(), cost.getValue(), BigDecimal::add);
                byAlgorithm.merge(cost.getKey().algorithm(), cost.getValue(), BigDecimal::add);
                attributed = attributed.add(cost.getValue());
            }
        }
        BigDecimal overhead = instanceCost.subtract(attributed);
        return new CostReport(byJob, byAlgorithm, overheadShares(overhead, byAlgorithm), instanceCost, attributed,
                overhead, List.copyOf(unpriced), prices.source());
    }

    /** One priced instance: its cost and its attempts' costs (rounded; never more than its cost in all). */
    private record Instance(BigDecimal cost, Map<AttemptUsage, BigDecimal> attempts) {
    }

    private static Instance instance(BigDecimal price, List<InstanceSpan> spans, List<AttemptUsage> attempts,
                                     Instant from, Instant until) {
        List<Instant[]> running = new ArrayList<>();
        spans.forEach(s -> clip(s.start(), s.end() == null ? until : s.end(), from, until, running));
        Map<AttemptUsage, BigDecimal> raw = new LinkedHashMap<>();
        BigDecimal rawSum = BigDecimal.ZERO;
        for (AttemptUsage attempt : attempts) {
            List<Instant[]> own = new ArrayList<>();
            clip(attempt.start(), attempt.end(), from, until, own);
            if (own.isEmpty()) {
                continue;
            }
            running.addAll(own);
            BigDecimal cost = price.multiply(BigDecimal.valueOf(attempt.share()), MATH)
                    .multiply(hours(own.get(0)[0], own.get(0)[1]), MATH);
            raw.put(attempt, cost);
            rawSum = rawSum.add(cost, MATH);
        }
        BigDecimal rawInstance = BigDecimal.ZERO;
        for (Instant[] interval : merged(running)) {
            rawInstance = rawInstance.add(price.multiply(hours(interval[0], interval[1]), MATH), MATH);
        }
        BigDecimal cost = rawInstance.setScale(SCALE, RoundingMode.HALF_EVEN);
        // Shares of tasks placed together never add up to more than the instance; should the records say
        // otherwise (overlapping attempts of a lost task), the attempts share the instance's cost instead.
        BigDecimal scale = rawSum.compareTo(rawInstance) > 0 ? rawInstance.divide(rawSum, MATH) : BigDecimal.ONE;
        Map<AttemptUsage, BigDecimal> rounded = new LinkedHashMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        AttemptUsage largest = null;
        for (Map.Entry<AttemptUsage, BigDecimal> entry : raw.entrySet()) {
            BigDecimal value = entry.getValue().multiply(scale, MATH).setScale(SCALE, RoundingMode.HALF_EVEN);
            rounded.put(entry.getKey(), value);
            sum = sum.add(value);
            if (largest == null || value.compareTo(rounded.get(largest)) > 0) {
                largest = entry.getKey();
            }
        }
        BigDecimal excess = sum.subtract(cost);
        if (excess.signum() > 0) {
            // Rounding up of several attempts may pass the rounded instance cost by a few millionths.
            rounded.put(largest, rounded.get(largest).subtract(excess));
        }
        return new Instance(cost, rounded);
    }

    /** Adds {@code [start, end)} cut to the window, when anything of it is left. */
    private static void clip(Instant start, Instant end, Instant from, Instant until, List<Instant[]> into) {
        Instant s = start.isBefore(from) ? from : start;
        Instant e = end.isAfter(until) ? until : end;
        if (e.isAfter(s)) {
            into.add(new Instant[] {s, e});
        }
    }

    private static List<Instant[]> merged(List<Instant[]> intervals) {
        List<Instant[]> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(i -> i[0]));
        List<Instant[]> out = new ArrayList<>();
        for (Instant[] interval : sorted) {
            Instant[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && !interval[0].isAfter(last[1])) {
                if (interval[1].isAfter(last[1])) {
                    last[1] = interval[1];
                }
            } else {
                out.add(new Instant[] {interval[0], interval[1]});
            }
        }
        return out;
    }

    private static BigDecimal hours(Instant start, Instant end) {
        return BigDecimal.valueOf(Duration.between(start, end).toMillis()).divide(MILLIS_PER_HOUR, MATH);
    }

    /**
     * The overhead split among the algorithms in proportion to their attributed cost, each part rounded down
     * and the remainder given to the algorithm with the largest cost, so the parts add up to it exactly.
     */
    private static Map<String, BigDecimal> overheadShares(BigDecimal overhead, Map<String, BigDecimal> byAlgorithm) {
        Map<String, BigDecimal> shares = new TreeMap<>();
        BigDecimal total = byAlgorithm.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.signum() == 0) {
            if (overhead.signum() > 0) {
                shares.put(NO_ALGORITHM, overhead);
            }
            byAlgorithm.keySet().forEach(a -> shares.putIfAbsent(a, BigDecimal.ZERO.setScale(SCALE)));
            return shares;
        }
        BigDecimal given = BigDecimal.ZERO;
        String largest = null;
        for (Map.Entry<String, BigDecimal> entry : byAlgorithm.entrySet()) {
            BigDecimal part = overhead.multiply(entry.getValue(), MATH).divide(total, MATH)
                    .setScale(SCALE, RoundingMode.DOWN);
            shares.put(entry.getKey(), part);
            given = given.add(part);
            if (largest == null || entry.getValue().compareTo(byAlgorithm.get(largest)) > 0) {
                largest = entry.getKey();
            }
        }
        shares.put(largest, shares.get(largest).add(overhead.subtract(given)));
        return shares;
    }
}
