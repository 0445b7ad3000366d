package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SandboxClockTest {

    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    /** A wall clock the test moves. */
    static final class Wall extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void instant_scaleOneTwentieth_runsTwentyTimesFasterFromItsStart() {
        Wall wall = new Wall();
        SandboxClock clock = SandboxClock.scaled(wall, 0.05);

        wall.now = T0.plusSeconds(3);

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
        assertThat(clock.wall(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void instant_scaleOne_isTheWallClock() {
        Wall wall = new Wall();
        SandboxClock clock = SandboxClock.scaled(wall, 1);

        wall.now = T0.plusSeconds(42);

        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(42));
    }

    @Test
    void scaled_outOfRange_namesTheFlag() {
        assertThatThrownBy(() -> SandboxClock.scaled(new Wall(), 0)).hasMessageContaining("--time-scale");
        assertThatThrownBy(() -> SandboxClock.scaled(new Wall(), 2)).hasMessageContaining("--time-scale");
    }
}
