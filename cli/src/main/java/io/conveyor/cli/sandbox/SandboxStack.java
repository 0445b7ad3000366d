package io.conveyor.cli.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The stack as the sandbox stood it up on an emulator: each resource of {@code template.yaml} with
 * its physical id and attributes, and each function bound to its event sources as Lambda would bind
 * them.
 */
public final class SandboxStack {

    /**
     * One resource as made on the emulator.
     *
     * @param logicalId  its id in the template
     * @param type       its CloudFormation type
     * @param physicalId what {@code !Ref} gives (a bucket or cluster name, a queue URL, an id)
     * @param attributes what {@code !GetAtt} gives ({@code Arn}, {@code GroupId}, {@code LatestVersionNumber}, …)
     */
    public record Resource(String logicalId, String type, String physicalId, Map<String, String> attributes) {
        public Resource {
            Objects.requireNonNull(logicalId, "logicalId");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(physicalId, "physicalId");
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * A function of the template, bound to what triggers it.
     *
     * @param logicalId      its id in the template, e.g. {@code DispatchFunction}
     * @param handlerClass   its handler's class, e.g. {@code io.conveyor.functions.dispatch.DispatchHandler}
     * @param environment    its environment variables, resolved (Globals applied)
     * @param timeoutSeconds its timeout
     * @param sources        its event sources
     */
    public record FunctionBinding(String logicalId, String handlerClass, Map<String, String> environment,
                                  int timeoutSeconds, List<EventSource> sources) {
        public FunctionBinding {
            Objects.requireNonNull(logicalId, "logicalId");
            Objects.requireNonNull(handlerClass, "handlerClass");
            environment = Map.copyOf(environment);
            sources = List.copyOf(sources);
        }
    }

    /** What invokes a function. */
    public sealed interface EventSource {

        /** The event's name in the template ({@code Inputs}, {@code Heartbeat}, …). */
        String name();

        /**
         * An SQS event source mapping.
         *
         * @param batchSize     the most messages a batch holds
         * @param windowSeconds how long a batch may gather ({@code MaximumBatchingWindowInSeconds}), 0 for none
         */
        record Sqs(String name, String queueUrl, String queueArn, int batchSize, int windowSeconds) implements EventSource {
        }

        /**
         * An EventBridge rule whose target is the function. The emulator cannot invoke a function, so the
         * rule (made on it with the template's pattern) targets a queue the sandbox delivers from.
         */
        record Rule(String name, String ruleName, String deliveryQueueUrl) implements EventSource {
        }

        /** A schedule ({@code rate(…)}), run by the sandbox. */
        record Schedule(String name, String expression, Duration every) implements EventSource {
        }
    }

    private final String stackName;
    private final String region;
    private final String accountId;
    private final Map<String, Resource> resources;
    private final List<FunctionBinding> functions;

    public SandboxStack(String stackName, String region, String accountId, List<Resource> resources,
                        List<FunctionBinding> functions) {
        this.stackName = Objects.requireNonNull(stackName, "stackName");
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        Map<String, Resource> byId = new LinkedHashMap<>();
        resources.forEach(resource -> byId.put(resource.logicalId(), resource));
        this.resources = Map.copyOf(byId);
        this.functions = List.copyOf(functions);
    }

    public String stackName() {
        return stackName;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    public Map<String, Resource> resources() {
        return resources;
    }

    public List<FunctionBinding> functions() {
        return functions;
    }

    /** What {@code !Ref} gives for a resource. */
    public String physicalId(String logicalId) {
        return resource(logicalId).physicalId();
    }

    /** What {@code !GetAtt logicalId.name} gives. */
    public String attribute(String logicalId, String name) {
        String value = resource(logicalId).attributes().get(name);
        if (value == null) {
            throw new IllegalArgumentException(logicalId + " has no attribute " + name + " in the sandbox");
        }
        return value;
    }

    public String inputBucket() {
        return physicalId("InputBucket");
    }

    public String outputBucket() {
        return physicalId("OutputBucket");
    }

    public String clusterName() {
        return physicalId("Cluster");
    }

    public String clusterArn() {
        return attribute("Cluster", "Arn");
    }

    private Resource resource(String logicalId) {
        Resource resource = resources.get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("the sandbox stack has no resource " + logicalId);
        }
        return resource;
    }
}
