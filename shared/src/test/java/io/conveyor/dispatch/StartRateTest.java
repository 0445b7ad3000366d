package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StartRateTest {

    final AtomicLong clock = new AtomicLong();
    final List<Long> sleeps = new ArrayList<>();

    StartRate rate(double perSecond, double burst) {
        return new StartRate(perSecond, burst, clock::get, nanos -> {
            sleeps.add(nanos);
            clock.addAndGet(nanos);
        });
    }

    @Test
    void acquire_withinTheBurst_neverWaits() throws Exception {
        // Given a bucket of 100 refilled at 40 a second (ECS's own)
        StartRate rate = rate(40, 100);

        // When 100 starts are asked for at once
        for (int i = 0; i < 100; i++) {
            rate.acquire();
        }

        // Then none waited, and the bucket is empty
        assertThat(sleeps).isEmpty();
        assertThat(rate.available()).isLessThan(1);
    }

    @Test
    void acquire_pastTheBurst_waitsAtTheSustainedRate() throws Exception {
        // Given an emptied bucket of 100 at 40 a second
        StartRate rate = rate(40, 100);
        for (int i = 0; i < 100; i++) {
            rate.acquire();
        }

        // When 40 more starts are asked for
        for (int i = 0; i < 40; i++) {
            rate.acquire();
        }

        // Then they took one second of the clock, 25 ms each
        assertThat(sleeps).hasSize(40).allSatisfy(nanos -> assertThat(nanos).isBetween(24_000_000L, 26_000_000L));
        assertThat(clock.get()).isBetween(990_000_000L, 1_010_000_000L);
    }

    @Test
    void acquire_afterAQuietSpell_refillsNoMoreThanTheBurst() throws Exception {
        // Given a bucket of 5 at 10 a second, emptied, then left alone for a minute
        StartRate rate = rate(10, 5);
        for (int i = 0; i < 5; i++) {
            rate.acquire();
        }
        clock.addAndGet(60_000_000_000L);

        // When 6 starts are asked for
        for (int i = 0; i < 6; i++) {
            rate.acquire();
        }

        // Then the sixth waits: a minute's refill stopped at the bucket's size
        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0)).isBetween(99_000_000L, 101_000_000L);
    }

    @Test
    void share_fiveDispatchers_eachGetsAFifthOfRateAndBurst() throws Exception {
        // Given ECS's 40 a second and burst 100 shared by 5 dispatchers
        StartRate share = StartRate.share(40, 100, 5);

        // When one dispatcher asks for 20 starts at once
        double before = share.available();

        // Then it holds a burst of 20 and refills at 8 a second
        assertThat(before).isEqualTo(20.0);
        for (int i = 0; i < 20; i++) {
            share.acquire();
        }
        assertThat(share.available()).isLessThan(1);
    }

    @Test
    void share_sustainedTogether_staysWithinTheAccountsRate() throws Exception {
        // Given 4 dispatchers' shares of 40 a second, burst 100, on one clock
        List<StartRate> shares = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            shares.add(new StartRate(10, 25, clock::get, nanos -> clock.addAndGet(0)));
        }

        // When each takes tokens as fast as it may over 10 s of the clock, 1 ms a step
        int taken = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            for (StartRate share : shares) {
                if (share.available() >= 1) {
                    share.acquire();
                    taken++;
                }
            }
            clock.addAndGet(1_000_000L);
        }

        // Then together they took the burst plus 40 a second, never more
        assertThat(taken).isBetween(100 + 400 - 4, 100 + 400);
    }

    @Test
    void constructor_rateNotPositive_namesTheField() {
        assertThatThrownBy(() -> new StartRate(0, 10)).hasMessageContaining("perSecond");
        assertThatThrownBy(() -> new StartRate(10, 0.5)).hasMessageContaining("burst");
        assertThatThrownBy(() -> StartRate.share(40, 100, 0)).hasMessageContaining("dispatchers");
    }
}
