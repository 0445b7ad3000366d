package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionBindingsTest {

    @Test
    void period_rateExpressions_giveTheirPeriod() {
        assertThat(FunctionBindings.period("S", "rate(1 minute)")).isEqualTo(Duration.ofMinutes(1));
        assertThat(FunctionBindings.period("S", "rate(5 minutes)")).isEqualTo(Duration.ofMinutes(5));
        assertThat(FunctionBindings.period("S", "rate(2 hours)")).isEqualTo(Duration.ofHours(2));
        assertThat(FunctionBindings.period("S", "rate(1 day)")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void period_cronOrMalformed_refusedNamingWhere() {
        assertThatThrownBy(() -> FunctionBindings.period("Fn.Properties.Events.Tick.Properties.Schedule", "cron(0 12 * * ? *)"))
                .hasMessageContaining("Fn.Properties.Events.Tick.Properties.Schedule: cron(0 12 * * ? *) is a cron expression")
                .hasMessageContaining("rate(...)");
        assertThatThrownBy(() -> FunctionBindings.period("S", "rate(1 minutes)")).hasMessageContaining("rate(1 minute)");
        assertThatThrownBy(() -> FunctionBindings.period("S", "rate(5 minute)")).hasMessageContaining("rate(N minutes)");
        assertThatThrownBy(() -> FunctionBindings.period("S", "every minute")).hasMessageContaining("not a schedule expression");
    }
}
