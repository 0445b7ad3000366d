package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the cost arithmetic over generated fleets: instances running for random spans, each cut
 * into slots of random width whose attempts follow one another (so the shares of attempts running at once
 * never add up to more than the instance), or, for the robustness properties, attempts with random shares
 * that may overlap beyond the instance.
 */
class CostAttributionPropertiesTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Prices PRICES = new Prices() {
        @Override
        public Optional<BigDecimal> hourlyUsd(String instanceType, String purchaseOption) {
            return switch (instanceType) {
                case "m7g.large" -> Optional.of(new BigDecimal("0.0816"));
                case "g5.xlarge" -> Optional.of(new BigDecimal("1.006"));
                case "odd.type" -> Optional.of(new BigDecimal("0.0000123"));
                default -> Optional.empty();
            };
        }

        @Override
        public String source() {
            return "test prices";
        }
    };

    /** A generated fleet: the instances' spans and the attempts that ran on them. */
    record Fleet(List<InstanceSpan> spans, List<AttemptUsage> attempts) {
    }

    @Property(tries = 300)
    void attribute_placedFleet_partsAddUpAndNothingIsNegative(@ForAll("placedFleets") Fleet fleet) {
        // Given a fleet whose attempts never claim more than their instance
        // When its cost is attributed over a window holding it all
        CostReport report = CostAttribution.attribute(fleet.attempts(), fleet.spans(), PRICES, T0,
                T0.plus(Duration.ofDays(3)));

        // Then attributed + overhead is the instance cost, and every part adds up and is not negative
        assertAddsUp(report);
        // And each instance's attempts cost no more than the instance (the shares never exceed it)
        for (InstanceSpan span : fleet.spans()) {
            List<AttemptUsage> on = fleet.attempts().stream().filter(a -> a.instanceId().equals(span.instanceId()))
                    .toList();
            CostReport alone = CostAttribution.attribute(on, List.of(span), PRICES, T0, T0.plus(Duration.ofDays(3)));
            assertThat(alone.attributed()).isLessThanOrEqualTo(alone.instanceCost());
        }
    }

    @Property(tries = 300)
    void attribute_oversubscribedOrPartlyLedgeredFleet_stillAddsUpWithoutNegativeOverhead(
            @ForAll("anyFleets") Fleet fleet, @ForAll("windows") Instant[] window) {
        // Given attempts with any shares, overlapping as they like, some on instances the ledger never saw
        // When the cost in any window is attributed
        CostReport report = CostAttribution.attribute(fleet.attempts(), fleet.spans(), PRICES, window[0], window[1]);

        // Then the parts still add up, nothing is negative
        assertAddsUp(report);
    }

    @Property(tries = 200)
    void attribute_idleInstanceAdded_raisesOnlyOverhead(@ForAll("placedFleets") Fleet fleet,
                                                         @ForAll("idleSpans") InstanceSpan idle) {
        // Given a fleet, and the same fleet with one more instance that ran no attempt
        Instant until = T0.plus(Duration.ofDays(3));
        CostReport before = CostAttribution.attribute(fleet.attempts(), fleet.spans(), PRICES, T0, until);
        List<InstanceSpan> more = new ArrayList<>(fleet.spans());
        more.add(idle);

        // When both are attributed
        CostReport after = CostAttribution.attribute(fleet.attempts(), more, PRICES, T0, until);

        // Then the jobs cost the same, and the idle instance's cost is all overhead
        assertThat(after.byJob()).isEqualTo(before.byJob());
        assertThat(after.attributed()).isEqualByComparingTo(before.attributed());
        BigDecimal idleCost = after.instanceCost().subtract(before.instanceCost());
        assertThat(idleCost).isGreaterThanOrEqualTo(BigDecimal.ZERO);
        assertThat(after.overhead().subtract(before.overhead())).isEqualByComparingTo(idleCost);
    }

    @Property(tries = 200)
    void attribute_attemptsClaimingMoreThanTheInstance_shareItsCostInProportionToTheirShares(
            @ForAll("shares") double first, @ForAll("shares") double second) {
        // Given two attempts over the whole hour of one instance, whose shares may add up to more than 1
        InstanceSpan span = new InstanceSpan("i-1", "g5.xlarge", Prices.ON_DEMAND, T0, T0.plusSeconds(3600));
        List<AttemptUsage> attempts = List.of(
                new AttemptUsage("a", "x", 1, "i-1", "g5.xlarge", Prices.ON_DEMAND, first, T0, T0.plusSeconds(3600)),
                new AttemptUsage("b", "x", 1, "i-1", "g5.xlarge", Prices.ON_DEMAND, second, T0, T0.plusSeconds(3600)));

        // When attributed
        CostReport report = CostAttribution.attribute(attempts, List.of(span), PRICES, T0, T0.plusSeconds(3600));

        // Then together they never cost more than the instance, and each costs in proportion to its share
        assertThat(report.attributed()).isLessThanOrEqualTo(report.instanceCost());
        BigDecimal a = report.byJob().get("a");
        BigDecimal b = report.byJob().get("b");
        assertThat(a.multiply(BigDecimal.valueOf(second)).subtract(b.multiply(BigDecimal.valueOf(first))).abs())
                .isLessThanOrEqualTo(new BigDecimal("0.000002"));
    }

    @Provide
    Arbitrary<Double> shares() {
        return Arbitraries.doubles().between(0.01, 1.0).ofScale(4);
    }

    private static void assertAddsUp(CostReport report) {
        assertThat(report.attributed().add(report.overhead())).isEqualByComparingTo(report.instanceCost());
        assertThat(report.overhead()).isGreaterThanOrEqualTo(BigDecimal.ZERO);
        assertThat(sum(report.byJob())).isEqualByComparingTo(report.attributed());
        assertThat(sum(report.attributedByAlgorithm())).isEqualByComparingTo(report.attributed());
        assertThat(sum(report.overheadByAlgorithm())).isEqualByComparingTo(report.overhead());
        report.byJob().values().forEach(v -> assertThat(v).isGreaterThanOrEqualTo(BigDecimal.ZERO));
        report.overheadByAlgorithm().values().forEach(v -> assertThat(v).isGreaterThanOrEqualTo(BigDecimal.ZERO));
    }

    private static BigDecimal sum(Map<String, BigDecimal> values) {
        return values.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    // ------------------------------------------------------------------ generators

    private static final List<String> TYPES = List.of("m7g.large", "g5.xlarge", "odd.type", "unpriced.type");
    private static final List<String> ALGORITHMS = List.of("word-count", "csv-stats", "archive");

    @Provide
    Arbitrary<Fleet> placedFleets() {
        return instance().list().ofMinSize(1).ofMaxSize(6).map(instances -> {
            List<InstanceSpan> spans = new ArrayList<>();
            List<AttemptUsage> attempts = new ArrayList<>();
            for (int i = 0; i < instances.size(); i++) {
                GeneratedInstance g = instances.get(i);
                String id = "i-" + i;
                Instant start = T0.plusSeconds(g.startSecond());
                Instant end = start.plusSeconds(g.lengthSeconds());
                spans.add(new InstanceSpan(id, g.type(), Prices.ON_DEMAND, start, g.stillRunning() ? null : end));
                // Slots side by side, each as wide as its share; attempts one after another in each.
                int slots = g.slots();
                for (int slot = 0; slot < slots; slot++) {
                    double share = Math.min(1.0, g.shareFraction() / slots);
                    long at = g.startSecond();
                    int attempt = 0;
                    while (at < g.startSecond() + g.lengthSeconds() && attempt < 5) {
                        long length = Math.min(g.attemptSeconds() * (slot + 1), g.startSecond() + g.lengthSeconds() - at);
                        attempts.add(new AttemptUsage("job-" + i + "-" + slot + "-" + attempt,
                                ALGORITHMS.get((i + slot + attempt) % ALGORITHMS.size()), 1, id, g.type(),
                                Prices.ON_DEMAND, share, T0.plusSeconds(at), T0.plusSeconds(at + length)));
                        at += length + g.gapSeconds();
                        attempt++;
                    }
                }
            }
            return new Fleet(spans, attempts);
        });
    }

    @Provide
    Arbitrary<Fleet> anyFleets() {
        Arbitrary<AttemptUsage> attempt = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 2), Arbitraries.doubles().between(0.001, 1.0).ofScale(4),
                Arbitraries.longs().between(0, 200_000), Arbitraries.longs().between(0, 50_000),
                Arbitraries.integers().between(0, 1_000_000)).as((instance, algorithm, share, start, length, job) ->
                new AttemptUsage("job-" + job, ALGORITHMS.get(algorithm), 1, "i-" + instance,
                        TYPES.get(instance % TYPES.size()), Prices.ON_DEMAND, share, T0.plusSeconds(start),
                        T0.plusSeconds(start + length)));
        Arbitrary<List<InstanceSpan>> spans = placedFleets().map(Fleet::spans);
        return Combinators.combine(spans, attempt.list().ofMaxSize(40)).as(Fleet::new);
    }

    @Provide
    Arbitrary<Instant[]> windows() {
        return Combinators.combine(Arbitraries.longs().between(0, 250_000), Arbitraries.longs().between(0, 250_000))
                .as((a, b) -> new Instant[] {T0.plusSeconds(Math.min(a, b)), T0.plusSeconds(Math.max(a, b))});
    }

    @Provide
    Arbitrary<InstanceSpan> idleSpans() {
        return Combinators.combine(Arbitraries.of(TYPES), Arbitraries.longs().between(0, 100_000),
                Arbitraries.longs().between(0, 100_000)).as((type, start, length) -> new InstanceSpan("i-idle", type,
                Prices.ON_DEMAND, T0.plusSeconds(start), T0.plusSeconds(start + length)));
    }

    record GeneratedInstance(String type, long startSecond, long lengthSeconds, boolean stillRunning, int slots,
                             double shareFraction, long attemptSeconds, long gapSeconds) {
    }

    private static Arbitrary<GeneratedInstance> instance() {
        return Combinators.combine(Arbitraries.of(TYPES), Arbitraries.longs().between(0, 100_000),
                Arbitraries.longs().between(1, 100_000), Arbitraries.of(true, false), Arbitraries.integers().between(1, 4),
                Arbitraries.doubles().between(0.01, 1.0).ofScale(4), Arbitraries.longs().between(1, 20_000),
                Arbitraries.longs().between(0, 5_000)).as(GeneratedInstance::new);
    }
}
