package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
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

    @Test
    void maximumConcurrency_scalingConfigInLambdasRange_isTakenAndTheSandboxRunsOneBatchAtATime() {
        // Given a trigger capped at 2, and one without a cap
        PropertyMap capped = new PropertyMap("Fn.Properties.Events.Inputs.Properties",
                Map.of("ScalingConfig", Map.of("MaximumConcurrency", "2")));
        PropertyMap open = new PropertyMap("Fn.Properties.Events.Inputs.Properties", Map.of());

        // When / Then: the cap is read, and the sandbox's one poller per mapping keeps below any cap
        assertThat(FunctionBindings.maximumConcurrency(capped)).contains(2);
        assertThat(FunctionBindings.maximumConcurrency(open)).isEmpty();
        assertThat(EventSourceMapping.CONCURRENT_BATCHES).isLessThanOrEqualTo(2);
    }

    @Test
    void maximumConcurrency_outsideLambdasRangeOrUnknownSetting_refusedNamingWhere() {
        // Given caps Lambda refuses (2 to 1000) and a setting the sandbox does not know
        for (Object value : new Object[] {"1", "1001", "many"}) {
            PropertyMap properties = new PropertyMap("Fn.Properties.Events.Inputs.Properties",
                    Map.of("ScalingConfig", Map.of("MaximumConcurrency", value)));

            // When / Then
            assertThatThrownBy(() -> FunctionBindings.maximumConcurrency(properties))
                    .hasMessageContaining("Fn.Properties.Events.Inputs.Properties.ScalingConfig.MaximumConcurrency");
        }
        PropertyMap other = new PropertyMap("Fn.Properties.Events.Inputs.Properties",
                Map.of("ScalingConfig", Map.of("Other", 3)));
        assertThatThrownBy(() -> FunctionBindings.maximumConcurrency(other))
                .hasMessageContaining("Fn.Properties.Events.Inputs.Properties.ScalingConfig.Other: not supported");
    }
}
