package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostAttributionTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Prices BUNDLED = BundledPrices.forRegion("us-east-1");

    private static Instant at(double hours) {
        return T0.plusMillis((long) (hours * 3_600_000));
    }

    private static AttemptUsage attempt(String job, String algorithm, String instance, double share, double from,
                                        double to) {
        return new AttemptUsage(job, algorithm, 1, instance, "m7g.large", Prices.ON_DEMAND, share, at(from), at(to));
    }

    @Test
    void attribute_halfAnInstanceForHalfItsRun_costsAQuarterAndTheRestIsOverhead() {
        // Given an m7g.large ($0.0816/h) running 2 h, and one attempt holding half of it for 1 h
        InstanceSpan span = new InstanceSpan("i-1", "m7g.large", Prices.ON_DEMAND, at(0), at(2));
        AttemptUsage job = attempt("job-a", "word-count", "i-1", 0.5, 0.5, 1.5);

        // When the day is attributed
        CostReport report = CostAttribution.attribute(List.of(job), List.of(span), BUNDLED, T0, at(24));

        // Then the job costs 0.0816 × 0.5 × 1, the instance 0.0816 × 2, the rest is the algorithm's overhead
        assertThat(report.byJob()).containsEntry("job-a", new BigDecimal("0.040800"));
        assertThat(report.instanceCost()).isEqualByComparingTo("0.163200");
        assertThat(report.overhead()).isEqualByComparingTo("0.122400");
        assertThat(report.overheadByAlgorithm()).containsEntry("word-count", new BigDecimal("0.122400"));
        assertThat(report.unpriced()).isEmpty();
        assertThat(report.priceSource()).contains("us-east-1").contains("2026-06-17");
    }

    @Test
    void attribute_overheadOfTwoAlgorithms_splitInProportionToTheirCost() {
        // Given one instance for 1 h, one algorithm's attempt holding 3/4 of it for the hour, another's 1/4 for half
        InstanceSpan span = new InstanceSpan("i-1", "m7g.large", Prices.ON_DEMAND, at(0), at(1));
        List<AttemptUsage> attempts = List.of(attempt("job-a", "a", "i-1", 0.75, 0, 1),
                attempt("job-b", "b", "i-1", 0.25, 0, 0.5));

        // When attributed
        CostReport report = CostAttribution.attribute(attempts, List.of(span), BUNDLED, T0, at(1));

        // Then a: 0.0612, b: 0.0102, overhead 0.0102 split 6:1
        assertThat(report.attributedByAlgorithm()).containsEntry("a", new BigDecimal("0.061200"))
                .containsEntry("b", new BigDecimal("0.010200"));
        assertThat(report.overhead()).isEqualByComparingTo("0.010200");
        assertThat(report.overheadByAlgorithm().get("a")).isEqualByComparingTo("0.008743");
        assertThat(report.overheadByAlgorithm().get("b")).isEqualByComparingTo("0.001457");
    }

    @Test
    void attribute_window_clipsInstancesAndAttempts() {
        // Given an instance still running and an attempt from hour 1 to 3
        InstanceSpan span = new InstanceSpan("i-1", "m7g.large", Prices.ON_DEMAND, at(0), null);
        AttemptUsage job = attempt("job-a", "a", "i-1", 1.0, 1, 3);

        // When only hours 2 to 4 are asked for
        CostReport report = CostAttribution.attribute(List.of(job), List.of(span), BUNDLED, at(2), at(4));

        // Then the instance counts 2 h, the attempt 1 h
        assertThat(report.instanceCost()).isEqualByComparingTo("0.163200");
        assertThat(report.byJob()).containsEntry("job-a", new BigDecimal("0.081600"));
    }

    @Test
    void attribute_unknownType_listedAsUnpricedAndNotCounted() {
        // Given an instance of a type the bundled table does not price, and an attempt on it
        InstanceSpan span = new InstanceSpan("i-9", "m6i.large", Prices.ON_DEMAND, at(0), at(1));
        AttemptUsage job = new AttemptUsage("job-x", "a", 1, "i-9", "m6i.large", Prices.ON_DEMAND, 0.5, at(0), at(1));

        // When attributed
        CostReport report = CostAttribution.attribute(List.of(job), List.of(span), BUNDLED, T0, at(1));

        // Then it is named, and no zero stands for it
        assertThat(report.unpriced()).containsExactly("m6i.large (on-demand)");
        assertThat(report.byJob()).doesNotContainKey("job-x");
        assertThat(report.instanceCost()).isEqualByComparingTo("0");
    }

    @Test
    void attribute_attemptOnInstanceTheLedgerMissed_countsItsOwnTimeAsTheInstance() {
        // Given no ledger span for the instance an attempt ran on
        AttemptUsage job = attempt("job-a", "a", "i-2", 0.5, 0, 1);

        // When attributed
        CostReport report = CostAttribution.attribute(List.of(job), List.of(), BUNDLED, T0, at(1));

        // Then the instance ran at least while the attempt did, and the other half is overhead
        assertThat(report.byJob()).containsEntry("job-a", new BigDecimal("0.040800"));
        assertThat(report.instanceCost()).isEqualByComparingTo("0.081600");
        assertThat(report.overhead()).isEqualByComparingTo("0.040800");
    }

    @Test
    void attribute_attemptsClaimingMoreThanTheInstance_scaledToItsCost() {
        // Given two attempts each holding all of one instance at the same time (records that cannot both be right)
        InstanceSpan span = new InstanceSpan("i-1", "m7g.large", Prices.ON_DEMAND, at(0), at(1));
        List<AttemptUsage> attempts = List.of(attempt("job-a", "a", "i-1", 1.0, 0, 1),
                attempt("job-b", "a", "i-1", 1.0, 0, 1));

        // When attributed
        CostReport report = CostAttribution.attribute(attempts, List.of(span), BUNDLED, T0, at(1));

        // Then they share the instance's cost, and overhead is zero, not negative
        assertThat(report.attributed()).isEqualByComparingTo("0.081600");
        assertThat(report.overhead()).isEqualByComparingTo("0");
        assertThat(report.byJob().get("job-a")).isEqualByComparingTo("0.040800");
    }

    @Test
    void attribute_idleFleetOnly_overheadUnderNoAlgorithm() {
        // Given an instance that ran 1 h and no attempt
        InstanceSpan span = new InstanceSpan("i-1", "m7g.large", Prices.ON_DEMAND, at(0), at(1));

        // When attributed
        CostReport report = CostAttribution.attribute(List.of(), List.of(span), BUNDLED, T0, at(1));

        // Then all of it is overhead, shown, not dropped
        assertThat(report.overheadByAlgorithm()).containsExactly(
                java.util.Map.entry(CostAttribution.NO_ALGORITHM, new BigDecimal("0.081600")));
    }

    @Test
    void attribute_untilBeforeFrom_rejectedNamingBoth() {
        assertThatThrownBy(() -> CostAttribution.attribute(List.of(), List.of(), BUNDLED, at(2), at(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("until").hasMessageContaining("from");
    }

    @Test
    void fixed_anyType_thatPrice() {
        // Given the local mode's one price
        Prices prices = Prices.fixed(new BigDecimal("0.25"), "--price-per-hour 0.25");

        // Then every type costs it
        assertThat(prices.hourlyUsd("local", "local")).contains(new BigDecimal("0.25"));
        assertThat(prices.source()).isEqualTo("--price-per-hour 0.25");
    }
}
