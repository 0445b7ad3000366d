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
    void template_dispatch_capsItsBatchesByAParameterWithinEcsStartRate() throws IOException {
        // Given dispatch's trigger and the two parameters its pace comes from
        Map<String, Object> trigger = sqsEvents(properties("DispatchFunction")).getFirst();
        Map<String, Object> parameters = map(template().raw().get("Parameters"));
        Map<String, Object> concurrency = (Map<String, Object>) parameters.get("DispatchMaxConcurrency");
        Map<String, Object> rate = (Map<String, Object>) parameters.get("EcsStartsPerSecond");

        // Then its cap is a parameter Lambda accepts (2 up), and ECS's 40 starts a second are the default budget
        assertThat(map(trigger.get("ScalingConfig")))
                .containsEntry("MaximumConcurrency", new Intrinsic("Ref", "DispatchMaxConcurrency"));
        assertThat(concurrency).containsEntry("Type", "Number").containsEntry("MinValue", 2);
        assertThat(rate).containsEntry("Default", 40).containsEntry("MinValue", 1);
        int dispatchers = (Integer) concurrency.get("Default");
        int most = (Integer) concurrency.get("MaxValue");
        int batch = (Integer) trigger.get("BatchSize");
        // a default dispatcher's batch fits its share of ECS's burst of 100
        assertThat(batch).isLessThanOrEqualTo(100 / dispatchers);
        // at the most dispatchers, a batch's starts at its share of 40 a second take under half the 60 s timeout
        assertThat((double) batch * most / 40).isLessThan(30);
        assertThat(trigger).containsEntry("MaximumBatchingWindowInSeconds", 1);
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
