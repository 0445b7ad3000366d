package io.conveyor.cli.sandbox;

import io.conveyor.cli.template.SamTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The template resolved for one sandbox stack: its parameters (defaults, or values given), its
 * {@code Conditions} and {@code Rules}, and its resources in the order CloudFormation would create
 * them ({@code DependsOn} and references), each resolved on demand given what exists so far: a queue's
 * ARN exists only once the queue does.
 *
 * <p>Serverless functions carry their properties with SAM's {@code Globals.Function} applied.
 */
public final class StackTemplate {

    /** The stack's name unless one is given. */
    public static final String DEFAULT_STACK_NAME = "sandbox";
    /** moto's account. */
    public static final String DEFAULT_ACCOUNT = "123456789012";
    /** The sandbox's region. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** The partition of every ARN. */
    public static final String PARTITION = "aws";

    /**
     * What an {@code AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>} parameter (the ECS-optimized AMI)
     * gets unless a value is given. On AWS, CloudFormation reads it from the SSM parameter the default
     * names; here no SSM parameter is read. This is what moto 5.2.1 itself answers for
     * {@code /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id}, and an image its
     * DescribeImages lists (Amazon Linux 2023 ECS, x86_64); moto's RunInstances takes any image id anyway.
     */
    public static final String ECS_AMI_STAND_IN = "ami-0aae19d30bab785d3";

    static final String SSM_IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>";

    /**
     * A resource of the template whose condition holds.
     *
     * @param logicalId  its id
     * @param type       its type
     * @param properties its properties as written (a serverless function's with the Globals applied)
     * @param after      the resources it must be made after ({@code DependsOn} and references)
     */
    public record Declared(String logicalId, String type, Map<String, Object> properties, Set<String> after) {
        public Declared {
            Objects.requireNonNull(logicalId, "logicalId");
            Objects.requireNonNull(type, "type");
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
            after = Set.copyOf(after);
        }
    }

    /** One of the template's {@code Outputs}, resolved. */
    public record Output(String name, String description, String value) {
    }

    private final SamTemplate template;
    private final String stackName;
    private final String region;
    private final String accountId;
    private final Map<String, Object> parameters;
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final Intrinsics intrinsics;
    private final List<Declared> resources;

    private StackTemplate(SamTemplate template, String stackName, String region, String accountId, Map<String, String> given) {
        this.template = template;
        this.stackName = stackName;
        this.region = region;
        this.accountId = accountId;
        this.parameters = StackParameters.resolve(section("Parameters"), given);
        Map<String, Object> values = new LinkedHashMap<>(parameters);
        values.put("AWS::StackName", stackName);
        values.put("AWS::Region", region);
        values.put("AWS::AccountId", accountId);
        values.put("AWS::Partition", PARTITION);
        values.put("AWS::URLSuffix", "amazonaws.com");
        this.intrinsics = new Intrinsics(values, this::condition, template.resources().keySet());
        checkRules();
        this.resources = order();
    }

    /** Reads {@code template} for the stack {@value #DEFAULT_STACK_NAME} unless the builder says otherwise. */
    public static Builder builder(SamTemplate template) {
        return new Builder(template);
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

    /** The parameters' values: strings, or lists of strings for list types. */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /**
     * Whether a condition of the template's {@code Conditions} holds.
     *
     * @throws IllegalArgumentException naming the condition when the template has none of that name
     */
    public boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        Object definition = section("Conditions").get(name);
        if (definition == null) {
            throw new IllegalArgumentException("Conditions." + name + ": no such condition in the template");
        }
        boolean holds = intrinsics.condition("Conditions." + name, definition);
        conditions.put(name, holds);
        return holds;
    }

    /** The resources whose condition holds, in an order that makes each after what it needs. */
    public List<Declared> resources() {
        return resources;
    }

    /** Every resource type of the template, with the logical ids of that type (whatever their condition). */
    public Map<String, List<String>> types() {
        Map<String, List<String>> types = new LinkedHashMap<>();
        template.resources().forEach((id, resource) ->
                types.computeIfAbsent(String.valueOf(resource.get("Type")), type -> new ArrayList<>()).add(id));
        return types;
    }

    /**
     * A resource's properties with every intrinsic function evaluated against what exists so far.
     *
     * @throws IllegalArgumentException naming the resource and property when a value cannot be resolved (yet)
     */
    public Map<String, Object> properties(Declared resource, Map<String, SandboxStack.Resource> made) {
        return asMap(resolve(resource.logicalId() + ".Properties", resource.properties(), made));
    }

    /**
     * Any value of the template with its intrinsic functions evaluated against what exists so far.
     *
     * @param where where the value sits, for errors ({@code Res.Properties.Key})
     */
    public Object resolve(String where, Object value, Map<String, SandboxStack.Resource> made) {
        return intrinsics.resolve(where, value, lookup(made));
    }

    /** The {@code Outputs} whose condition holds, resolved against the stack made. */
    public List<Output> outputs(Map<String, SandboxStack.Resource> made) {
        List<Output> outputs = new ArrayList<>();
        section("Outputs").forEach((name, raw) -> {
            Map<String, Object> output = asMap(raw);
            if (output.get("Condition") == null || condition(String.valueOf(output.get("Condition")))) {
                Object value = resolve("Outputs." + name + ".Value", output.get("Value"), made);
                if (!(value instanceof String || value instanceof Number)) {
                    throw new IllegalArgumentException("Outputs." + name + ".Value: an output must be a string, got " + value);
                }
                outputs.add(new Output(name, Objects.toString(output.get("Description"), ""), String.valueOf(value)));
            }
        });
        return outputs;
    }

    private void checkRules() {
        section("Rules").forEach((name, raw) -> {
            Map<String, Object> rule = asMap(raw);
            if (rule.get("RuleCondition") != null && !intrinsics.condition("Rules." + name + ".RuleCondition", rule.get("RuleCondition"))) {
                return;
            }
            Object assertions = rule.get("Assertions");
            for (Object item : assertions instanceof List<?> list ? list : List.of()) {
                Map<String, Object> assertion = asMap(item);
                if (!intrinsics.condition("Rules." + name + ".Assertions", assertion.get("Assert"))) {
                    throw new IllegalArgumentException("Rules." + name + ": " + assertion.getOrDefault("AssertDescription",
                            "an assertion failed") + " (parameters " + parameters + ")");
                }
            }
        });
    }

    private List<Declared> order() {
        Map<String, Declared> pending = new LinkedHashMap<>();
        template.resources().forEach((id, resource) -> {
            Object condition = resource.get("Condition");
            if (condition != null && !condition(String.valueOf(condition))) {
                return;
            }
            String type = String.valueOf(resource.get("Type"));
            Map<String, Object> properties = "AWS::Serverless::Function".equals(type)
                    ? template.functionProperties(id) : asMap(resource.getOrDefault("Properties", Map.of()));
            Set<String> after = new LinkedHashSet<>(intrinsics.references(properties));
            Object dependsOn = resource.get("DependsOn");
            for (Object name : dependsOn instanceof List<?> list ? list : dependsOn == null ? List.of() : List.of(dependsOn)) {
                after.add(String.valueOf(name));
            }
            after.remove(id);
            pending.put(id, new Declared(id, type, properties, after));
        });
        pending.values().forEach(resource -> resource.after().stream().filter(id -> !pending.containsKey(id)).findFirst()
                .ifPresent(id -> {
                    throw new IllegalArgumentException(resource.logicalId() + " needs " + id
                            + ", which is not in the stack (no such resource, or its condition is false)");
                }));
        List<Declared> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            Declared next = pending.values().stream().filter(resource -> placed.containsAll(resource.after())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("these resources need each other (a cycle): " + pending.keySet()));
            pending.remove(next.logicalId());
            placed.add(next.logicalId());
            ordered.add(next);
        }
        return List.copyOf(ordered);
    }

    private static Intrinsics.Resources lookup(Map<String, SandboxStack.Resource> made) {
        return new Intrinsics.Resources() {
            @Override
            public String physicalId(String logicalId) {
                SandboxStack.Resource resource = made.get(logicalId);
                return resource == null ? null : resource.physicalId();
            }

            @Override
            public String attribute(String logicalId, String name) {
                SandboxStack.Resource resource = made.get(logicalId);
                return resource == null ? null : resource.attributes().get(name);
            }
        };
    }

    private Map<String, Object> section(String name) {
        Object section = template.raw().get(name);
        return section == null ? Map.of() : asMap(section);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a map, got " + value);
        }
        return (Map<String, Object>) value;
    }

    /** The stack's name, region, account and parameter values. */
    public static final class Builder {

        private final SamTemplate template;
        private String stackName = DEFAULT_STACK_NAME;
        private String region = DEFAULT_REGION;
        private String accountId = DEFAULT_ACCOUNT;
        private final Map<String, String> parameters = new LinkedHashMap<>();

        private Builder(SamTemplate template) {
            this.template = Objects.requireNonNull(template, "template");
        }

        public Builder stackName(String stackName) {
            this.stackName = Objects.requireNonNull(stackName, "stackName");
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** A parameter's value instead of its default (as {@code sam deploy --parameter-overrides} gives it). */
        public Builder parameter(String name, String value) {
            parameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the parameter, condition, rule or resource at fault
         */
        public StackTemplate build() {
            return new StackTemplate(template, stackName, region, accountId, parameters);
        }
    }
}
