package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EcsStartLimitTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void take_burstAtOnce_letsTheBurstThroughAndThrottlesTheNext() {
        // Given ECS's 40 a second with a burst of 100, on a clock that stands still
        AtomicLong now = new AtomicLong(7 * SECOND);
        EcsStartLimit limit = new EcsStartLimit(new EcsStartLimit.Rate(40, 100), now::get);

        // When 101 starts come at the same instant
        int through = 0;
        for (int i = 0; i < 100; i++) {
            through += limit.take() ? 1 : 0;
        }
        boolean hundredAndFirst = limit.take();

        // Then the burst goes through and the next one is throttled
        assertThat(through).isEqualTo(100);
        assertThat(hundredAndFirst).isFalse();
        assertThat(limit.seen()).isEqualTo(new EcsStartLimit.Seen(101, 1, 100));
    }

    @Test
    void take_afterTheBurst_refillsAtTheSustainedRate() {
        // Given an emptied bucket of 40 a second
        AtomicLong now = new AtomicLong(0);
        EcsStartLimit limit = new EcsStartLimit(new EcsStartLimit.Rate(40, 100), now::get);
        for (int i = 0; i < 100; i++) {
            limit.take();
        }

        // When 24 ms pass (not quite one token), then 1 ms more
        now.addAndGet(24_000_000L);
        boolean early = limit.take();
        now.addAndGet(1_000_000L);
        boolean onTime = limit.take();

        // Then only the start on time goes through (a refused start takes no token)
        assertThat(early).isFalse();
        assertThat(onTime).isTrue();
    }

    @Test
    void take_atTheSustainedRate_isNeverThrottledAndCountsTheBusiestSecond() {
        // Given a bucket of 40 a second, burst 100, emptied at once
        AtomicLong now = new AtomicLong(0);
        EcsStartLimit limit = new EcsStartLimit(new EcsStartLimit.Rate(40, 100), now::get);
        for (int i = 0; i < 100; i++) {
            limit.take();
        }

        // When 400 more starts come one every 25 ms (40 a second)
        long refused = 0;
        for (int i = 0; i < 400; i++) {
            now.addAndGet(25_000_000L);
            refused += limit.take() ? 0 : 1;
        }

        // Then none is refused, and the busiest second is the burst's 100 and the 39 after it within the second
        assertThat(refused).isZero();
        assertThat(limit.seen().throttled()).isZero();
        assertThat(limit.seen().calls()).isEqualTo(500);
        assertThat(limit.seen().mostInOneSecond()).isEqualTo(139);
    }

    @Test
    void take_faster_thanTheRate_throttlesTheExcessOnly() {
        // Given 10 a second with a burst of 1
        AtomicLong now = new AtomicLong(0);
        EcsStartLimit limit = new EcsStartLimit(new EcsStartLimit.Rate(10, 1), now::get);

        // When 20 starts come one every 50 ms (20 a second) for a second
        int through = 0;
        for (int i = 0; i < 20; i++) {
            through += limit.take() ? 1 : 0;
            now.addAndGet(50_000_000L);
        }

        // Then about half go through: the burst's one and the ten the second refilled
        assertThat(through).isBetween(9, 11);
        assertThat(limit.seen().throttled()).isEqualTo(20 - through);
        assertThat(limit.seen().mostInOneSecond()).isBetween(9, 11);
    }

    @Test
    void parse_rateAndBurst_readsBothOrTheBurstInEcsProportion() {
        assertThat(EcsStartLimit.Rate.parse("40/100")).isEqualTo(new EcsStartLimit.Rate(40, 100));
        assertThat(EcsStartLimit.Rate.parse("8")).isEqualTo(new EcsStartLimit.Rate(8, 20));
        assertThat(Faults.parse(List.of("ecs-rate=40/100")).ecsRate()).isEqualTo(new EcsStartLimit.Rate(40, 100));
        assertThat(Faults.parse(List.of("drop=0.1")).ecsRate()).isEqualTo(EcsStartLimit.Rate.OFF);
        assertThatThrownBy(() -> EcsStartLimit.Rate.parse("fast")).hasMessageContaining("--fault ecs-rate=fast");
        assertThatThrownBy(() -> EcsStartLimit.Rate.parse("40/0.5")).hasMessageContaining("a burst of at least 1");
        assertThatThrownBy(() -> EcsStartLimit.Rate.parse("-1/10")).hasMessageContaining("--fault ecs-rate");
    }

    @Test
    void call_startsOverTheRate_areThrottledAndCountedOtherCallsAreNot() {
        // Given faults with ECS's start limit at 1 a second, burst 2, and nothing else
        Faults faults = new Faults(Faults.NONE.withEcsRate(new EcsStartLimit.Rate(1, 2)));

        // When three StartTask calls, a RunTask and a DescribeTasks come at once
        List<Faults.CallFault> starts = List.of(faults.call("ecs", "StartTask"), faults.call("ecs", "StartTask"),
                faults.call("ecs", "StartTask"), faults.call("ecs", "RunTask"));
        Faults.CallFault describe = faults.call("ecs", "DescribeTasks");

        // Then the two of the burst go, the others are throttled; other operations are not counted
        assertThat(starts).containsExactly(Faults.CallFault.NONE, Faults.CallFault.NONE, Faults.CallFault.THROTTLED,
                Faults.CallFault.THROTTLED);
        assertThat(describe).isEqualTo(Faults.CallFault.NONE);
        assertThat(faults.injected()).containsExactly(java.util.Map.entry("ecs-rate", 2L));
        assertThat(faults.ecsStarts()).isEqualTo(new EcsStartLimit.Seen(4, 2, 2));
        assertThat(Faults.NONE.withEcsRate(new EcsStartLimit.Rate(1, 2)).callFaults()).isTrue();
    }
}
