package io.conveyor.cli.sandbox;

import io.conveyor.cli.template.FunctionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds each {@code AWS::Serverless::Function} to its event sources as Lambda would: its handler class,
 * resolved environment (Globals applied) and timeout. What runs a handler in-process has no use for its
 * runtime, memory, architecture, tracing, SnapStart, alias, policies or logging configuration, so
 * those are not read.
 */
final class FunctionBindings {

    /** Lambda's defaults for an SQS event source mapping. */
    static final int DEFAULT_BATCH_SIZE = 10;
    static final int DEFAULT_WINDOW_SECONDS = 0;
    /** Lambda's default timeout. */
    private static final int DEFAULT_TIMEOUT_SECONDS = 3;

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final SqsQueues queues;
    private final EventRules rules;

    FunctionBindings(SqsQueues queues, EventRules rules) {
        this.queues = queues;
        this.rules = rules;
    }

    SandboxStack.FunctionBinding bind(StackTemplate.Declared declared, StackTemplate stack, Map<String, SandboxStack.Resource> made) {
        String id = declared.logicalId();
        String where = id + ".Properties";
        Map<String, Object> wanted = new LinkedHashMap<>();
        for (String name : List.of("Handler", "Timeout", "Environment", "Events")) {
            if (declared.properties().containsKey(name)) {
                wanted.put(name, stack.resolve(where + "." + name, declared.properties().get(name), made));
            }
        }
        PropertyMap properties = new PropertyMap(where, wanted);
        Map<String, String> environment = new LinkedHashMap<>();
        properties.optionalMap("Environment").ifPresent(env -> {
            env.supportOnly("Variables");
            PropertyMap variables = env.optionalMap("Variables").orElse(new PropertyMap(env.where() + ".Variables", Map.of()));
            variables.values().keySet().forEach(name -> environment.put(name, variables.string(name)));
        });
        List<SandboxStack.EventSource> sources = new ArrayList<>();
        PropertyMap events = properties.optionalMap("Events").orElse(new PropertyMap(properties.where() + ".Events", Map.of()));
        for (String name : events.values().keySet()) {
            source(id, name, events.map(name), stack, made).ifPresent(sources::add);
        }
        return new SandboxStack.FunctionBinding(id, FunctionSpec.handlerClass(properties.string("Handler")), environment,
                properties.optionalInteger("Timeout").orElse(DEFAULT_TIMEOUT_SECONDS), sources);
    }

    private Optional<SandboxStack.EventSource> source(String function, String name, PropertyMap event, StackTemplate stack,
                                                               Map<String, SandboxStack.Resource> made) {
        event.supportOnly("Type", "Properties");
        PropertyMap properties = event.optionalMap("Properties").orElse(new PropertyMap(event.where() + ".Properties", Map.of()));
        String type = event.string("Type");
        return switch (type) {
            case "SQS" -> properties.optionalBoolean("Enabled").orElse(true) ? Optional.of(sqs(name, properties, made)) : Optional.empty();
            case "EventBridgeRule" -> {
                requireStackQueue(properties, made);
                yield Optional.of(rule(function, name, properties, stack, made));
            }
            case "Schedule" -> {
                requireStackQueue(properties, made);
                yield enabled(properties) ? Optional.of(schedule(name, properties)) : Optional.empty();
            }
            default -> throw new IllegalArgumentException(event.where() + ".Type: the sandbox does not run " + type + " events");
        };
    }

    private static SandboxStack.EventSource sqs(String name, PropertyMap properties, Map<String, SandboxStack.Resource> made) {
        properties.supportOnly("Queue", "BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "Enabled",
                "ScalingConfig");
        maximumConcurrency(properties);
        if (!properties.strings("FunctionResponseTypes").contains("ReportBatchItemFailures")) {
            throw new IllegalArgumentException(properties.where() + ".FunctionResponseTypes: the sandbox runs SQS sources with "
                    + "partial batch responses only ([ReportBatchItemFailures])");
        }
        String arn = properties.string("Queue");
        SandboxStack.Resource queue = made.values().stream()
                .filter(resource -> "AWS::SQS::Queue".equals(resource.type()) && arn.equals(resource.attributes().get("Arn")))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(properties.where() + ".Queue: " + arn
                        + " is not a queue of the stack"));
        return new SandboxStack.EventSource.Sqs(name, queue.physicalId(), arn,
                properties.optionalInteger("BatchSize").orElse(DEFAULT_BATCH_SIZE),
                properties.optionalInteger("MaximumBatchingWindowInSeconds").orElse(DEFAULT_WINDOW_SECONDS));
    }

    /**
     * An SQS trigger's {@code ScalingConfig.MaximumConcurrency}, checked as Lambda checks it (2 to 1000). The
     * sandbox runs {@link EventSourceMapping#CONCURRENT_BATCHES} batch of a mapping at a time, below any cap.
     */
    static Optional<Integer> maximumConcurrency(PropertyMap properties) {
        Optional<PropertyMap> scaling = properties.optionalMap("ScalingConfig");
        scaling.ifPresent(config -> config.supportOnly("MaximumConcurrency"));
        Optional<Integer> cap = scaling.flatMap(config -> config.optionalInteger("MaximumConcurrency"));
        cap.filter(value -> value < 2 || value > 1000).ifPresent(value -> {
            throw new IllegalArgumentException(properties.where() + ".ScalingConfig.MaximumConcurrency: " + value
                    + " is outside 2 to 1000, which Lambda refuses");
        });
        return cap;
    }

    /** The rule, made with the event's pattern, targets a queue named from the stack, the function and the event. */
    private SandboxStack.EventSource rule(String function, String name, PropertyMap properties, StackTemplate stack,
                                          Map<String, SandboxStack.Resource> made) {
        properties.supportOnly("Pattern", "RuleName", "State", "DeadLetterConfig", "RetryPolicy");
        if (properties.optionalString("State").filter(state -> !"ENABLED".equals(state)).isPresent()) {
            throw new IllegalArgumentException(properties.where() + ".State: the sandbox makes enabled rules only");
        }
        String base = stack.stackName() + "-" + function + "-" + name;
        SandboxStack.Resource delivery = queues.plain(function + name + "Delivery", base);
        String ruleName = properties.optionalString("RuleName").orElse(base);
        rules.functionRule(properties.where(), ruleName, properties.json("Pattern"), delivery.attributes().get("Arn"));
        return new SandboxStack.EventSource.Rule(name, ruleName, delivery.physicalId());
    }

    /**
     * A rule's dead-letter queue must be a queue of the stack. The sandbox delivers to the function itself and
     * never fails to, so nothing is ever sent there, nor is the retry policy used.
     */
    private static void requireStackQueue(PropertyMap properties, Map<String, SandboxStack.Resource> made) {
        Optional<PropertyMap> deadLetters = properties.optionalMap("DeadLetterConfig");
        deadLetters.ifPresent(config -> config.supportOnly("Arn"));
        deadLetters.map(config -> config.string("Arn")).filter(arn -> made.values().stream()
                .noneMatch(resource -> "AWS::SQS::Queue".equals(resource.type()) && arn.equals(resource.attributes().get("Arn"))))
                .ifPresent(arn -> {
                    throw new IllegalArgumentException(properties.where() + ".DeadLetterConfig.Arn: " + arn
                            + " is not a queue of the stack");
                });
    }

    private static boolean enabled(PropertyMap properties) {
        properties.supportOnly("Schedule", "Description", "Enabled", "State", "Name", "Input", "DeadLetterConfig", "RetryPolicy");
        return properties.optionalBoolean("Enabled").orElse(true)
                && !"DISABLED".equals(properties.optionalString("State").orElse("ENABLED"));
    }

    private static SandboxStack.EventSource schedule(String name, PropertyMap properties) {
        if (properties.has("Input")) {
            throw new IllegalArgumentException(properties.where() + ".Input: the sandbox delivers the scheduled event itself, without an Input");
        }
        String expression = properties.string("Schedule");
        return new SandboxStack.EventSource.Schedule(name, expression, period(properties.where() + ".Schedule", expression));
    }

    /**
     * The period of a {@code rate(...)} expression, with EventBridge's grammar (the singular unit for 1,
     * the plural otherwise).
     *
     * @throws IllegalArgumentException naming {@code where} for {@code cron(...)} and anything else
     */
    static Duration period(String where, String expression) {
        if (expression.startsWith("cron(")) {
            throw new IllegalArgumentException(where + ": " + expression + " is a cron expression; the sandbox runs rate(...) "
                    + "schedules only (e.g. rate(1 minute))");
        }
        Matcher matcher = RATE.matcher(expression);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(where + ": '" + expression + "' is not a schedule expression such as rate(5 minutes)");
        }
        long value = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        if (value < 1 || (value == 1) != !unit.endsWith("s")) {
            throw new IllegalArgumentException(where + ": '" + expression + "': EventBridge wants rate(1 " + unit.replaceAll("s$", "")
                    + ") or rate(N " + unit.replaceAll("s$", "") + "s) with N > 1");
        }
        return switch (unit.replaceAll("s$", "")) {
            case "minute" -> Duration.ofMinutes(value);
            case "hour" -> Duration.ofHours(value);
            default -> Duration.ofDays(value);
        };
    }
}
