package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How many batches each SQS trigger runs at once. Reserved concurrency below what an event source mapping
 * polls makes Lambda throttle batches, and a throttled batch's messages count toward the queue's
 * maxReceiveCount: they reach the dead-letter queue unprocessed. A mapping's {@code ScalingConfig:
 * MaximumConcurrency} (2 to 1000) caps the invocations without throttling.
 */
class TemplateConcurrencyTest {

    @Test
    void template_sqsTriggeredFunctions_capConcurrencyOnTheMappingNotByReservedConcurrency() throws IOException {
        // Given every function with an SQS trigger
        List<String> sqsTriggered = new ArrayList<>();
        template().resources().forEach((id, resource) -> {
            Map<String, Object> properties = map(resource.getOrDefault("Properties", Map.of()));
            if (sqsEvents(properties).isEmpty()) {
                return;
            }
            sqsTriggered.add(id);
            // Then none reserves concurrency, the throttling setting AWS advises against for SQS triggers
            assertThat(properties).as(id).doesNotContainKey("ReservedConcurrentExecutions");
        });
        assertThat(sqsTriggered).contains("RegisterAlgorithmFunction", "DispatchFunction", "TaskEventsFunction");
    }

    @Test
    void template_registerAlgorithm_runsAtMostTwoBatchesAtOnce() throws IOException {
        // Given the register function's trigger
        Map<String, Object> trigger = sqsEvents(properties("RegisterAlgorithmFunction")).getFirst();

        // Then its mapping runs the fewest concurrent batches Lambda allows
        assertThat(map(trigger.get("ScalingConfig"))).containsEntry("MaximumConcurrency", 2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void template_dispatch_capsItsBatchesByAParameterLambdaAccepts() throws IOException {
        // Given dispatch's trigger
        Map<String, Object> trigger = sqsEvents(properties("DispatchFunction")).getFirst();

        // Then its cap is a parameter, bounded as MaximumConcurrency is (2 to 1000), with a default in range
        assertThat(map(trigger.get("ScalingConfig")))
                .containsEntry("MaximumConcurrency", new Intrinsic("Ref", "DispatchMaxConcurrency"));
        Map<String, Object> parameter = (Map<String, Object>) map(template().raw().get("Parameters"))
                .get("DispatchMaxConcurrency");
        assertThat(parameter).containsEntry("Type", "Number").containsEntry("MinValue", 2)
                .containsEntry("MaxValue", 1000);
        assertThat((Integer) parameter.get("Default")).isBetween(2, 1000);
    }

    private static Map<String, Object> properties(String function) throws IOException {
        return map(template().resources().get(function).get("Properties"));
    }

    private static List<Map<String, Object>> sqsEvents(Map<String, Object> properties) {
        List<Map<String, Object>> triggers = new ArrayList<>();
        if (properties.get("Events") instanceof Map<?, ?> events) {
            events.values().stream().map(TemplateFixtures::map).filter(event -> "SQS".equals(event.get("Type")))
                    .forEach(event -> triggers.add(map(event.get("Properties"))));
        }
        return triggers;
    }
}
