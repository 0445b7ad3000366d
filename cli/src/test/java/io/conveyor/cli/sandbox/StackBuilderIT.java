package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.cli.template.FunctionSpec;
import io.conveyor.cli.template.Intrinsic;
import io.conveyor.cli.template.SamTemplate;
import io.conveyor.config.Environment;
import io.conveyor.json.Json;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The project's template stood up on moto by {@link StackBuilder}, and the emulator's state afterwards. */
@AwsEmulator
class StackBuilderIT {

    private static SandboxStack build(Emulator emulator) throws IOException {
        long start = System.nanoTime();
        SandboxStack stack;
        try (StackBuilder builder = new StackBuilder(emulator.clients())) {
            stack = builder.build(StackTemplateTest.project());
        }
        System.out.printf("StackBuilderIT: the stack of template.yaml made on %s in %d ms%n", emulator.name(),
                (System.nanoTime() - start) / 1_000_000);
        return stack;
    }

    private static Map<String, Object> declared(String logicalId) throws IOException {
        return StackTemplate.asMap(SamTemplate.read(StackTemplateTest.HOME.resolve("template.yaml")).resources().get(logicalId)
                .get("Properties"));
    }

    /** The S3 event records a queue holds now (not the s3:TestEvent S3 sends when notifications are set): names and keys. */
    private static List<String> s3Records(SqsClient sqs, String queueUrl) throws IOException {
        List<String> records = new ArrayList<>();
        for (Message message : receive(sqs, queueUrl)) {
            for (JsonNode record : Json.mapper().readTree(message.body()).path("Records")) {
                // Keys come URL-encoded, as from AWS (moto encodes "/" too): decoded as the handlers decode them.
                records.add(record.path("eventName").asText() + " " + java.net.URLDecoder.decode(
                        record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8));
            }
        }
        return records;
    }

    private static List<Message> receive(SqsClient sqs, String queueUrl) {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    @Test
    void build_projectTemplate_bucketsQueuesClusterAndLogGroupsAsDeclared(Emulator emulator) throws IOException {
        // When
        SandboxStack stack = build(emulator);

        // Then the buckets, versioned, and their protections
        try (S3Client s3 = emulator.clients().s3()) {
            assertThat(stack.inputBucket()).isEqualTo("sandbox-123456789012-us-east-1-in");
            assertThat(s3.getBucketVersioning(r -> r.bucket(stack.inputBucket())).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertThat(s3.getBucketVersioning(r -> r.bucket(stack.outputBucket())).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            for (String bucket : List.of(stack.inputBucket(), stack.outputBucket())) {
                assertThat(s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                        .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo("AES256");
                assertThat(s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration().restrictPublicBuckets()).isTrue();
                assertThat(s3.getBucketOwnershipControls(r -> r.bucket(bucket)).ownershipControls().rules().get(0)
                        .objectOwnershipAsString()).isEqualTo("BucketOwnerEnforced");
            }
            var inputLifecycle = s3.getBucketLifecycleConfiguration(r -> r.bucket(stack.inputBucket())).rules().get(0);
            assertThat(inputLifecycle.id()).isEqualTo("expire-old-versions");
            assertThat(inputLifecycle.noncurrentVersionExpiration().noncurrentDays()).isEqualTo(30);
            assertThat(inputLifecycle.abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(7);
        }
        // and every queue with the attributes and redrive policy the template declares
        try (SqsClient sqs = emulator.clients().sqs()) {
            List<String> queues = stack.resources().values().stream().filter(r -> r.type().equals("AWS::SQS::Queue"))
                    .map(SandboxStack.Resource::logicalId).toList();
            assertThat(queues).hasSize(10);
            for (String queue : queues) {
                Map<String, Object> declared = declared(queue);
                Map<String, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(stack.physicalId(queue))
                        .attributeNames(QueueAttributeName.ALL)).attributesAsStrings();
                for (String name : List.of("VisibilityTimeout", "MessageRetentionPeriod", "SqsManagedSseEnabled")) {
                    if (declared.containsKey(name)) {
                        assertThat(attributes.get(name)).as(queue + " " + name).isEqualTo(String.valueOf(declared.get(name)));
                    }
                }
                if (declared.get("RedrivePolicy") instanceof Map<?, ?> redrive) {
                    assertThat(attributes).as(queue).containsKey("RedrivePolicy");
                    JsonNode policy = Json.mapper().readTree(attributes.get("RedrivePolicy"));
                    String deadLetterQueue = ((Intrinsic) redrive.get("deadLetterTargetArn")).argument().toString().replace(".Arn", "");
                    assertThat(policy.path("deadLetterTargetArn").asText()).as(queue).isEqualTo(stack.attribute(deadLetterQueue, "Arn"));
                    assertThat(policy.path("maxReceiveCount").asInt()).as(queue).isEqualTo(redrive.get("maxReceiveCount"));
                }
            }
            assertThat(sqs.getQueueAttributes(r -> r.queueUrl(stack.physicalId("JobsQueue")).attributeNames(QueueAttributeName.POLICY))
                    .attributesAsStrings().get("Policy")).contains("InputBucketNotifications").contains(stack.attribute("JobsQueue", "Arn"));
        }
        // and the cluster and the log groups with their retention
        try (EcsClient ecs = emulator.clients().ecs(); CloudWatchLogsClient logs = emulator.clients().logs()) {
            Cluster cluster = ecs.describeClusters(r -> r.clusters(stack.clusterName())).clusters().get(0);
            assertThat(cluster.clusterArn()).isEqualTo(stack.clusterArn());
            assertThat(cluster.settings()).extracting(s -> s.nameAsString() + "=" + s.value()).containsExactly("containerInsights=disabled");
            Map<String, Integer> retention = logs.describeLogGroups(r -> r.logGroupNamePrefix("sandbox-")).logGroups().stream()
                    .collect(Collectors.toMap(LogGroup::logGroupName, LogGroup::retentionInDays));
            assertThat(retention).hasSize(8).containsEntry("sandbox-TaskLogGroup", 30).containsEntry("sandbox-DispatchLogGroup", 30)
                    .containsEntry("sandbox-ReconcileLogGroup", 30);
        }
    }

    @Test
    void build_projectTemplate_securityGroupsLaunchTemplateAndOutputsAsDeclared(Emulator emulator) throws IOException {
        SandboxStack stack = build(emulator);

        try (Ec2Client ec2 = emulator.clients().ec2(); CloudFormationClient cloudFormation = emulator.clients().cloudFormation()) {
            // The lookup group lands in the default VPC, and the instances' group there with HTTPS egress only
            String defaultVpc = ec2.describeVpcs(r -> r.filters(f -> f.name("isDefault").values("true"))).vpcs().get(0).vpcId();
            assertThat(stack.attribute("DefaultVpcLookup", "VpcId")).isEqualTo(defaultVpc);
            SecurityGroup group = ec2.describeSecurityGroups(r -> r.groupIds(stack.attribute("InstanceSecurityGroup", "GroupId")))
                    .securityGroups().get(0);
            assertThat(group.vpcId()).isEqualTo(defaultVpc);
            assertThat(group.ipPermissions()).isEmpty();
            assertThat(group.ipPermissionsEgress()).extracting(IpPermission::ipProtocol, IpPermission::fromPort, IpPermission::toPort)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("tcp", 443, 443));
            assertThat(group.tags()).extracting(t -> t.key() + "=" + t.value()).contains("conveyor:stack=sandbox");

            // The launch template's data, resolved
            ResponseLaunchTemplateData data = ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(stack.physicalId("LaunchTemplate")))
                    .launchTemplateVersions().get(0).launchTemplateData();
            assertThat(data.imageId()).isEqualTo(StackTemplate.ECS_AMI_STAND_IN);
            assertThat(ec2.describeImages(r -> r.imageIds(data.imageId())).images()).hasSize(1);
            assertThat(data.iamInstanceProfile().arn()).isEqualTo("arn:aws:iam::123456789012:instance-profile/sandbox-InstanceProfile");
            assertThat(data.securityGroupIds()).containsExactly(group.groupId());
            assertThat(data.metadataOptions().httpTokensAsString()).isEqualTo("required");
            assertThat(data.metadataOptions().httpPutResponseHopLimit()).isEqualTo(1);
            assertThat(data.blockDeviceMappings().get(0).ebs().volumeSize()).isEqualTo(30);
            assertThat(data.blockDeviceMappings().get(0).ebs().encrypted()).isTrue();
            assertThat(data.instanceInitiatedShutdownBehaviorAsString()).isEqualTo("stop");
            assertThat(data.tagSpecifications()).extracting(spec -> spec.resourceTypeAsString() + ":" + spec.tags().stream()
                    .map(t -> t.key() + "=" + t.value()).collect(Collectors.joining(",")))
                    .containsExactly("instance:conveyor:stack=sandbox,Name=sandbox-worker", "volume:conveyor:stack=sandbox,Name=sandbox-worker");
            assertThat(new String(Base64.getDecoder().decode(data.userData()), StandardCharsets.UTF_8))
                    .contains("ECS_CLUSTER=" + stack.clusterName() + "\n").contains("ECS_DISABLE_PRIVILEGED=true");

            // The outputs, found as a deployed stack's
            Map<String, String> outputs = cloudFormation.describeStacks(r -> r.stackName("sandbox")).stacks().get(0).outputs().stream()
                    .collect(Collectors.toMap(Output::outputKey, Output::outputValue));
            Set<String> declared = StackTemplate.asMap(SamTemplate.read(StackTemplateTest.HOME.resolve("template.yaml")).raw()
                    .get("Outputs")).keySet();
            assertThat(outputs).containsOnlyKeys(declared)
                    .containsEntry("InputBucketName", stack.inputBucket())
                    .containsEntry("RegistryLocation", "s3://" + stack.outputBucket() + "/registry/")
                    .containsEntry("JobsDeadLetterQueueUrl", stack.physicalId("JobsDeadLetterQueue"))
                    .containsEntry("InstanceSecurityGroupId", group.groupId());
        }
    }

    @Test
    void build_projectTemplate_uploadsNotifyTheirQueuesThroughS3(Emulator emulator) throws IOException {
        SandboxStack stack = build(emulator);

        try (S3Client s3 = emulator.clients().s3(); SqsClient sqs = emulator.clients().sqs()) {
            s3.putObject(r -> r.bucket(stack.inputBucket()).key("inputs/x/notes.txt"), RequestBody.fromString("hello"));
            s3.putObject(r -> r.bucket(stack.inputBucket()).key("algorithms/word-count.json"), RequestBody.fromString("{}"));
            s3.putObject(r -> r.bucket(stack.inputBucket()).key("elsewhere/other.txt"), RequestBody.fromString("x"));

            assertThat(s3Records(sqs, stack.physicalId("JobsQueue"))).containsExactly("ObjectCreated:Put inputs/x/notes.txt");
            assertThat(s3Records(sqs, stack.physicalId("RegistrationQueue"))).containsExactly("ObjectCreated:Put algorithms/word-count.json");
        }
    }

    @Test
    void build_projectTemplate_rulesRouteEventsAsTheirPatternsSay(Emulator emulator) throws IOException {
        SandboxStack stack = build(emulator);
        SandboxStack.EventSource.Rule instanceStates = stack.functions().stream()
                .filter(f -> f.logicalId().equals("FleetMonitorFunction")).flatMap(f -> f.sources().stream())
                .filter(SandboxStack.EventSource.Rule.class::isInstance).map(SandboxStack.EventSource.Rule.class::cast)
                .findFirst().orElseThrow();

        try (EventBridgeClient events = emulator.clients().eventBridge(); SqsClient sqs = emulator.clients().sqs()) {
            // When: a task state change of the stack's cluster, one of another cluster, and two instance state changes
            events.putEvents(r -> r.entries(
                    e -> e.source("aws.ecs").detailType("ECS Task State Change")
                            .detail("{\"clusterArn\":\"" + stack.clusterArn() + "\",\"lastStatus\":\"RUNNING\"}"),
                    e -> e.source("aws.ecs").detailType("ECS Task State Change")
                            .detail("{\"clusterArn\":\"arn:aws:ecs:us-east-1:123456789012:cluster/other\",\"lastStatus\":\"RUNNING\"}"),
                    e -> e.source("aws.ec2").detailType("EC2 Instance State-change Notification")
                            .detail("{\"instance-id\":\"i-1\",\"state\":\"stopped\"}"),
                    e -> e.source("aws.ec2").detailType("EC2 Instance State-change Notification")
                            .detail("{\"instance-id\":\"i-2\",\"state\":\"rebooting\"}")));

            // Then
            assertThat(receive(sqs, stack.physicalId("TaskEventsQueue"))).extracting(Message::body)
                    .singleElement().asString().contains(stack.clusterArn());
            assertThat(receive(sqs, instanceStates.deliveryQueueUrl())).extracting(Message::body)
                    .singleElement().asString().contains("\"i-1\"");
            assertThat(instanceStates.ruleName()).isEqualTo("sandbox-instance-states");
            // and the task state change rule's target has its dead-letter queue and retry policy as declared
            var target = events.listTargetsByRule(r -> r.rule(stack.physicalId("TaskStateChangeRule"))).targets().get(0);
            assertThat(target.deadLetterConfig().arn()).isEqualTo(stack.attribute("EventsDeadLetterQueue", "Arn"));
            assertThat(target.retryPolicy().maximumEventAgeInSeconds()).isEqualTo(86400);
            assertThat(sqs.getQueueAttributes(r -> r.queueUrl(stack.physicalId("EventsDeadLetterQueue"))
                    .attributeNames(QueueAttributeName.POLICY)).attributesAsStrings().get("Policy"))
                    .contains(stack.attribute("TaskStateChangeRule", "Arn"), "rule/sandbox-fleet-heartbeat");
        }
    }

    @Test
    void build_projectTemplate_eachFunctionBoundWithTheEnvironmentItsHandlerReads(Emulator emulator) throws Exception {
        SandboxStack stack = build(emulator);
        SamTemplate template = SamTemplate.read(StackTemplateTest.HOME.resolve("template.yaml"));

        assertThat(stack.functions()).extracting(SandboxStack.FunctionBinding::logicalId)
                .containsExactlyInAnyOrderElementsOf(template.functions().stream().map(FunctionSpec::logicalId).toList());
        for (SandboxStack.FunctionBinding binding : stack.functions()) {
            FunctionSpec spec = template.function(binding.logicalId()).orElseThrow();
            assertThat(binding.handlerClass()).isEqualTo(spec.handlerClass());
            assertThat(binding.timeoutSeconds()).isEqualTo(spec.timeoutSeconds());
            assertThat(binding.environment()).as(binding.logicalId()).containsOnlyKeys(spec.environment().keySet());

            // The handler starts on exactly that environment (and the emulator's), reading nothing else
            Set<String> missing = new TreeSet<>();
            Map<String, String> given = new HashMap<>(binding.environment());
            given.putAll(Map.of("AWS_REGION", stack.region(), "AWS_ENDPOINT_URL", emulator.endpoint().toString()));
            Environment environment = name -> {
                Optional<String> value = Environment.of(given).optional(name);
                if (value.isEmpty() && !binding.environment().containsKey(name)) {
                    missing.add(name);
                }
                return value;
            };
            Class.forName(binding.handlerClass()).getConstructor(Environment.class).newInstance(environment);
            assertThat(missing).as(binding.logicalId() + " reads variables it is not given").isEmpty();
        }
        Map<String, String> dispatch = stack.functions().stream().filter(f -> f.logicalId().equals("DispatchFunction"))
                .findFirst().orElseThrow().environment();
        assertThat(dispatch).containsEntry("OUTPUT_BUCKET", stack.outputBucket()).containsEntry("CLUSTER_NAME", stack.clusterName())
                .containsEntry("CAPACITY_QUEUE_URL", stack.physicalId("CapacityQueue"))
                .containsEntry("DEAD_LETTER_QUEUE_URL", stack.physicalId("JobsDeadLetterQueue"))
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")
                .containsEntry("JOB_INDEX_TABLE", stack.stackName() + "-job-index");
        Map<String, String> capacity = stack.functions().stream().filter(f -> f.logicalId().equals("CapacityFunction"))
                .findFirst().orElseThrow().environment();
        assertThat(capacity).containsEntry("LAUNCH_TEMPLATE_ID", stack.physicalId("LaunchTemplate"))
                .containsEntry("LAUNCH_TEMPLATE_VERSION", "1").containsEntry("SUBNET_IDS", "");
        assertThat(stack.physicalId("JobIndexTable")).isEqualTo(stack.stackName() + "-job-index");
        assertThat(stack.functions()).flatExtracting(SandboxStack.FunctionBinding::sources).extracting(Object::toString)
                .anyMatch(source -> source.startsWith("Sqs[name=Inputs") && source.contains("batchSize=20, windowSeconds=1"))
                .anyMatch(source -> source.startsWith("Sqs[name=TaskStateChanges") && source.contains("windowSeconds=0"))
                .anyMatch(source -> source.equals("Schedule[name=Heartbeat, expression=rate(1 minute), every=PT1M]"));
    }

    @Test
    void bucketPolicy_asTheTemplateDeclaresIt_wouldDenyEveryCallOverTheEmulatorsHttp(Emulator emulator) throws IOException {
        // Why ResourceCoverage leaves bucket policies out: made as declared, moto enforces it
        SandboxStack stack = build(emulator);
        StackTemplate template = StackTemplateTest.project();
        StackTemplate.Declared declared = template.resources().stream().filter(r -> r.logicalId().equals("InputBucketPolicy"))
                .findFirst().orElseThrow();
        String policy = new PropertyMap("InputBucketPolicy.Properties", template.properties(declared, stack.resources())).json("PolicyDocument");

        try (S3Client s3 = emulator.clients().s3()) {
            s3.putBucketPolicy(r -> r.bucket(stack.inputBucket()).policy(policy));

            assertThatThrownBy(() -> s3.putObject(r -> r.bucket(stack.inputBucket()).key("inputs/x/a.txt"), RequestBody.fromString("a")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void build_stackAlreadyOnTheEmulator_refusedByName(Emulator emulator) throws IOException {
        build(emulator);

        assertThatThrownBy(() -> build(emulator)).hasMessageContaining("already holds a stack named sandbox");
    }
}
