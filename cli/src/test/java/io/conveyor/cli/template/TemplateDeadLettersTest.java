package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.sub;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Nothing the stack's rules or asynchronous invocations fail to deliver vanishes: every EventBridge rule
 * target (the template's rules and the functions' rule and schedule events) has a dead-letter queue and a
 * retry policy, the queue's policy lets only those rules send, and the functions invoked asynchronously
 * record their failures in a queue.
 */
class TemplateDeadLettersTest {

    /** SAM's function events that EventBridge delivers through a rule. */
    private static final Set<String> RULE_EVENTS = Set.of("Schedule", "EventBridgeRule", "CloudWatchEvent");

    /** A rule target: where it stands, its rule's ARN as the queue policy names it, and its properties. */
    record RuleTarget(String where, Object ruleArn, Map<String, Object> target) {
    }

    @Test
    void template_everyRuleTarget_hasADeadLetterQueueAndARetryPolicy() throws IOException {
        List<RuleTarget> targets = ruleTargets(template());
        assertThat(targets).extracting(RuleTarget::where).contains("TaskStateChangeRule.Targets[0]",
                "FleetMonitorFunction.Events.Heartbeat", "FleetMonitorFunction.Events.InstanceStateChanges",
                "ReconcileFunction.Events.Pass");

        for (RuleTarget target : targets) {
            assertThat(map(target.target().get("DeadLetterConfig")).get("Arn")).as(target.where())
                    .isEqualTo(new Intrinsic("GetAtt", "EventsDeadLetterQueue.Arn"));
            assertThat(map(target.target().get("RetryPolicy"))).as(target.where())
                    .containsKeys("MaximumRetryAttempts", "MaximumEventAgeInSeconds");
        }
    }

    @Test
    void template_eventsDeadLetterQueuePolicy_letsExactlyTheStacksRulesSend() throws IOException {
        // Given the queue's one statement
        Map<String, Object> properties = map(template().resources().get("EventsDeadLetterQueuePolicy").get("Properties"));
        assertThat(properties.get("Queues")).isEqualTo(List.of(new Intrinsic("Ref", "EventsDeadLetterQueue")));
        Map<String, Object> statement = map(((List<?>) map(properties.get("PolicyDocument")).get("Statement")).get(0));

        // Then EventBridge may send to it only on behalf of the rules whose targets name it
        assertThat(statement.get("Principal")).isEqualTo(Map.of("Service", "events.amazonaws.com"));
        assertThat(statement).containsEntry("Action", "sqs:SendMessage")
                .containsEntry("Resource", new Intrinsic("GetAtt", "EventsDeadLetterQueue.Arn"));
        List<Object> sources = new ArrayList<>((List<?>) TemplateFixtures.condition(statement, "ArnEquals", "aws:SourceArn"));
        assertThat(sources).containsExactlyInAnyOrderElementsOf(ruleTargets(template()).stream().map(RuleTarget::ruleArn).toList());
    }

    @Test
    void template_asynchronouslyInvokedFunctions_recordFailuresInTheFailureQueue() throws IOException {
        for (String function : List.of("FleetMonitorFunction", "ReconcileFunction")) {
            Map<String, Object> config = map(map(template().resources().get(function).get("Properties")).get("EventInvokeConfig"));

            assertThat(config).as(function).containsKeys("MaximumRetryAttempts", "MaximumEventAgeInSeconds");
            assertThat(map(map(config.get("DestinationConfig")).get("OnFailure"))).as(function)
                    .containsEntry("Type", "SQS")
                    .containsEntry("Destination", new Intrinsic("GetAtt", "InvocationFailureQueue.Arn"));
        }
    }

    /** Every queue that something sends its failures to: redrive targets, rule dead-letter queues, on-failure destinations. */
    static Set<String> queues(SamTemplate template) {
        Set<String> queues = new TreeSet<>();
        template.resources().forEach((id, resource) -> {
            Map<String, Object> properties = resource.get("Properties") instanceof Map<?, ?> ? map(resource.get("Properties")) : Map.of();
            if (properties.get("RedrivePolicy") instanceof Map<?, ?> redrive) {
                queues.add(queue(redrive.get("deadLetterTargetArn")));
            }
            if (properties.get("EventInvokeConfig") instanceof Map<?, ?> config
                    && map(config).get("DestinationConfig") instanceof Map<?, ?> destinations) {
                destinations.values().forEach(destination -> queues.add(queue(map(destination).get("Destination"))));
            }
        });
        ruleTargets(template).forEach(target -> queues.add(queue(map(target.target().get("DeadLetterConfig")).get("Arn"))));
        return queues;
    }

    private static String queue(Object arn) {
        assertThat(arn).isInstanceOf(Intrinsic.class);
        return String.valueOf(((Intrinsic) arn).argument()).replace(".Arn", "");
    }

    static List<RuleTarget> ruleTargets(SamTemplate template) {
        List<RuleTarget> targets = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            Map<String, Object> properties = resource.get("Properties") instanceof Map<?, ?> ? map(resource.get("Properties")) : Map.of();
            if ("AWS::Events::Rule".equals(resource.get("Type"))) {
                List<?> list = (List<?>) properties.getOrDefault("Targets", List.of());
                for (int i = 0; i < list.size(); i++) {
                    targets.add(new RuleTarget(id + ".Targets[" + i + "]", new Intrinsic("GetAtt", id + ".Arn"), map(list.get(i))));
                }
            }
            if (properties.get("Events") instanceof Map<?, ?> events) {
                events.forEach((name, event) -> {
                    if (RULE_EVENTS.contains(map(event).get("Type"))) {
                        Map<String, Object> source = map(map(event).get("Properties"));
                        Object ruleName = source.containsKey("Name") ? source.get("Name") : source.get("RuleName");
                        targets.add(new RuleTarget(id + ".Events." + name, new Intrinsic("Sub",
                                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + sub(ruleName)), source));
                    }
                });
            }
        });
        return targets;
    }
}
