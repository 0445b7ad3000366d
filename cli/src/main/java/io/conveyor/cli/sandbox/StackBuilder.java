package io.conveyor.cli.sandbox;

import io.conveyor.aws.AwsClients;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Stands a {@link StackTemplate} up on an emulator through the clients of {@link AwsClients}: every
 * resource it can, exactly as declared and in dependency order; each function bound to its event sources;
 * the outputs as a CloudFormation stack of the stack's name. A type it does not make is covered by
 * {@link ResourceCoverage}, or nothing is made at all. Errors name the resource and property at fault.
 *
 * <p>Expects an emulator without the stack (fresh or reset). Close it to close its clients.
 */
public final class StackBuilder implements AutoCloseable {

    static final String FUNCTION_TYPE = "AWS::Serverless::Function";

    /** Makes one resource from its resolved properties. */
    private interface Maker {
        SandboxStack.Resource make(StackBuilder builder, StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack);
    }

    private static final Map<String, Maker> MAKERS = Map.of(
            "AWS::S3::Bucket", (builder, declared, properties, stack) -> builder.buckets.make(declared, properties, stack),
            "AWS::SQS::Queue", (builder, declared, properties, stack) -> builder.queues.queue(declared, properties, stack),
            "AWS::SQS::QueuePolicy", (builder, declared, properties, stack) -> builder.queues.policy(declared, properties, stack),
            "AWS::ECS::Cluster", StackBuilder::cluster,
            "AWS::Logs::LogGroup", StackBuilder::logGroup,
            "AWS::EC2::SecurityGroup", (builder, declared, properties, stack) -> builder.ec2.securityGroup(declared, properties, stack),
            "AWS::EC2::LaunchTemplate", (builder, declared, properties, stack) -> builder.ec2.launchTemplate(declared, properties, stack),
            "AWS::Events::Rule", (builder, declared, properties, stack) -> builder.rules.rule(declared, properties, stack),
            "AWS::DynamoDB::Table", (builder, declared, properties, stack) -> builder.tables.table(declared, properties, stack));

    private final String region;
    private final S3Client s3;
    private final SqsClient sqs;
    private final EcsClient ecs;
    private final Ec2Client ec2Client;
    private final EventBridgeClient events;
    private final CloudWatchLogsClient logs;
    private final CloudFormationClient cloudFormation;
    private final DynamoDbClient dynamoDb;
    private final S3Buckets buckets;
    private final SqsQueues queues;
    private final Ec2Resources ec2;
    private final EventRules rules;
    private final DynamoDbTables tables;
    private final FunctionBindings functions;
    private final StackOutputs outputs;

    /** Builds its clients from {@code clients} (point them at the emulator with {@code AWS_ENDPOINT_URL}). */
    public StackBuilder(AwsClients clients) {
        this.region = clients.region().id();
        this.s3 = clients.s3();
        this.sqs = clients.sqs();
        this.ecs = clients.ecs();
        this.ec2Client = clients.ec2();
        this.events = clients.eventBridge();
        this.logs = clients.logs();
        this.cloudFormation = clients.cloudFormation();
        this.dynamoDb = clients.dynamoDb();
        this.buckets = new S3Buckets(s3);
        this.queues = new SqsQueues(sqs);
        this.ec2 = new Ec2Resources(ec2Client);
        this.rules = new EventRules(events);
        this.tables = new DynamoDbTables(dynamoDb);
        this.functions = new FunctionBindings(queues, rules);
        this.outputs = new StackOutputs(cloudFormation);
    }

    /** Whether the builder makes resources of {@code type} (a function: binds it to its event sources). */
    static boolean makes(String type) {
        return MAKERS.containsKey(type) || FUNCTION_TYPE.equals(type);
    }

    /**
     * Makes the stack.
     *
     * @throws IllegalArgumentException naming the resource and property the sandbox cannot make as declared,
     *         or the types it does not cover (before anything is made)
     * @throws IllegalStateException naming the resource the emulator refused, or when the stack exists already
     */
    public SandboxStack build(StackTemplate stack) {
        if (!stack.region().equals(region)) {
            throw new IllegalArgumentException("the stack is for " + stack.region() + " but the clients talk to " + region);
        }
        ResourceCoverage.requireCovered(stack);
        outputs.requireAbsent(stack.stackName());
        Map<String, SandboxStack.Resource> made = new LinkedHashMap<>();
        List<SandboxStack.FunctionBinding> bindings = new ArrayList<>();
        for (StackTemplate.Declared declared : stack.resources()) {
            try {
                if (FUNCTION_TYPE.equals(declared.type())) {
                    bindings.add(functions.bind(declared, stack, made));
                } else if (MAKERS.containsKey(declared.type())) {
                    PropertyMap properties = new PropertyMap(declared.logicalId() + ".Properties", stack.properties(declared, made));
                    made.put(declared.logicalId(), MAKERS.get(declared.type()).make(this, declared, properties, stack));
                } else {
                    standIn(declared, stack, made).ifPresent(resource -> made.put(declared.logicalId(), resource));
                }
            } catch (SdkException e) {
                throw new IllegalStateException(declared.logicalId() + " (" + declared.type() + "): the emulator refused it: "
                        + e.getMessage(), e);
            }
        }
        outputs.publish(stack.stackName(), stack.outputs(made));
        return new SandboxStack(stack.stackName(), stack.region(), stack.accountId(), List.copyOf(made.values()), bindings);
    }

    private SandboxStack.Resource cluster(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("ClusterName", "ClusterSettings", "Tags");
        String name = properties.optionalString("ClusterName").orElse(stack.stackName() + "-" + declared.logicalId());
        var cluster = ecs.createCluster(r -> r.clusterName(name)
                .settings(properties.maps("ClusterSettings").stream()
                        .map(setting -> ClusterSetting.builder().name(setting.string("Name")).value(setting.string("Value")).build())
                        .toList())
                .tags(properties.maps("Tags").stream()
                        .map(tag -> software.amazon.awssdk.services.ecs.model.Tag.builder().key(tag.string("Key")).value(tag.string("Value")).build())
                        .toList())).cluster();
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), name, Map.of("Arn", cluster.clusterArn()));
    }

    private SandboxStack.Resource logGroup(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("LogGroupName", "RetentionInDays");
        String name = properties.optionalString("LogGroupName").orElse(stack.stackName() + "-" + declared.logicalId());
        logs.createLogGroup(r -> r.logGroupName(name));
        properties.optionalInteger("RetentionInDays").ifPresent(days -> logs.putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(days)));
        String arn = logs.describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(group -> group.logGroupName().equals(name)).findFirst().orElseThrow().arn();
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), name, Map.of("Arn", arn));
    }

    /**
     * A resource the sandbox does not make (see {@link ResourceCoverage}) but others name: its name and ARN
     * as CloudFormation would give them, as plain strings.
     */
    private static Optional<SandboxStack.Resource> standIn(StackTemplate.Declared declared, StackTemplate stack,
                                                           Map<String, SandboxStack.Resource> made) {
        String id = declared.logicalId();
        String iam = "arn:" + StackTemplate.PARTITION + ":iam::" + stack.accountId() + ":";
        return switch (declared.type()) {
            case "AWS::IAM::Role" -> {
                String name = named(declared, "RoleName", stack, made);
                yield Optional.of(new SandboxStack.Resource(id, declared.type(), name, Map.of("Arn", iam + "role/" + name)));
            }
            case "AWS::IAM::InstanceProfile" -> {
                String name = named(declared, "InstanceProfileName", stack, made);
                yield Optional.of(new SandboxStack.Resource(id, declared.type(), name, Map.of("Arn", iam + "instance-profile/" + name)));
            }
            case "AWS::IAM::ManagedPolicy" -> Optional.of(new SandboxStack.Resource(id, declared.type(),
                    iam + "policy/" + named(declared, "ManagedPolicyName", stack, made), Map.of()));
            case "AWS::SNS::Topic" -> {
                String name = named(declared, "TopicName", stack, made);
                String arn = "arn:" + StackTemplate.PARTITION + ":sns:" + stack.region() + ":" + stack.accountId() + ":" + name;
                yield Optional.of(new SandboxStack.Resource(id, declared.type(), arn, Map.of("TopicArn", arn, "TopicName", name)));
            }
            case "AWS::CloudWatch::Dashboard" -> Optional.of(new SandboxStack.Resource(id, declared.type(),
                    named(declared, "DashboardName", stack, made), Map.of()));
            case "AWS::S3::BucketPolicy" -> {
                requireOnlyTlsDenials(new PropertyMap(id + ".Properties", stack.properties(declared, made)));
                yield Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    private static String named(StackTemplate.Declared declared, String property, StackTemplate stack,
                                Map<String, SandboxStack.Resource> made) {
        Object name = declared.properties().get(property);
        return name == null ? stack.stackName() + "-" + declared.logicalId()
                : String.valueOf(stack.resolve(declared.logicalId() + ".Properties." + property, name, made));
    }

    /** The one kind of bucket policy the sandbox may leave out (see {@link ResourceCoverage}): denials of requests without TLS. */
    private static void requireOnlyTlsDenials(PropertyMap properties) {
        for (PropertyMap statement : properties.map("PolicyDocument").maps("Statement")) {
            boolean tlsDenial = "Deny".equals(statement.optionalString("Effect").orElse(""))
                    && statement.optionalMap("Condition").flatMap(condition -> condition.optionalMap("Bool"))
                    .flatMap(bool -> bool.optionalString("aws:SecureTransport")).filter("false"::equalsIgnoreCase).isPresent();
            if (!tlsDenial) {
                throw new IllegalArgumentException(statement.where() + ": the sandbox leaves out bucket policies that only deny "
                        + "requests without TLS, and this statement does something else; make bucket policies in StackBuilder");
            }
        }
    }

    @Override
    public void close() {
        s3.close();
        sqs.close();
        ecs.close();
        ec2Client.close();
        events.close();
        logs.close();
        cloudFormation.close();
        dynamoDb.close();
    }
}
