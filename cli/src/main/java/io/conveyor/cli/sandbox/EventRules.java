package io.conveyor.cli.sandbox;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * Makes {@code AWS::Events::Rule}s with their targets, and the rules of functions' {@code EventBridgeRule}
 * events, on the emulator's EventBridge: events put there are routed by the template's own patterns.
 */
final class EventRules {

    /** The longest name EventBridge takes for a rule. */
    private static final int MAX_NAME = 64;

    private final EventBridgeClient events;

    EventRules(EventBridgeClient events) {
        this.events = events;
    }

    /**
     * A pattern rule as declared. A scheduled one is refused: the emulator never fires schedules, and a
     * schedule that never fires would look made.
     */
    SandboxStack.Resource rule(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        if (properties.has("ScheduleExpression")) {
            throw new IllegalArgumentException(properties.where() + ".ScheduleExpression: the emulator never fires a schedule; "
                    + "the sandbox runs a function's Schedule event, not a scheduled AWS::Events::Rule");
        }
        properties.supportOnly("Name", "Description", "EventPattern", "State", "Targets", "EventBusName");
        if (properties.optionalString("EventBusName").filter(bus -> !"default".equals(bus)).isPresent()) {
            throw new IllegalArgumentException(properties.where() + ".EventBusName: the sandbox makes rules on the default bus only");
        }
        String name = properties.optionalString("Name").orElse(stack.stackName() + "-" + declared.logicalId());
        List<Target> targets = properties.maps("Targets").stream()
                .map(target -> SdkShapes.<Target>build(Target::builder, target.where(), target.values()))
                .toList();
        String arn = put(declared.logicalId(), name, properties.json("EventPattern"),
                properties.optionalString("Description").orElse(null), properties.optionalString("State").orElse("ENABLED"), targets);
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), name, Map.of("Arn", arn));
    }

    /** A function's {@code EventBridgeRule} event: the template's pattern, targeting the queue the sandbox delivers from. */
    String functionRule(String where, String name, String pattern, String deliveryQueueArn) {
        return put(where, name, pattern, null, "ENABLED",
                List.of(Target.builder().id("sandbox-delivery").arn(deliveryQueueArn).build()));
    }

    private String put(String where, String name, String pattern, String description, String state, List<Target> targets) {
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException(where + ": the rule name " + name + " is longer than EventBridge's " + MAX_NAME
                    + " characters; give a shorter stack name");
        }
        String arn = events.putRule(r -> r.name(name).eventPattern(pattern).description(description).state(state)).ruleArn();
        if (!targets.isEmpty()) {
            var response = events.putTargets(r -> r.rule(name).targets(targets));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException(where + ": EventBridge refused targets of " + name + ": " + response.failedEntries());
            }
        }
        return arn;
    }
}
