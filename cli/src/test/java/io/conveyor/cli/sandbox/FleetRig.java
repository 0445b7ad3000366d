package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.dispatch.TaskOverrides;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.json.Json;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.registration.Registrar;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.Emulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The few resources the fleet and the agent need, made by hand on a moto as the template makes them
 * (the stack builder is another part of the sandbox), with the simulator and the agent running on them.
 * The handlers' clients carry {@link EcsGaps}; the simulators use the emulator's clients as they are.
 */
final class FleetRig implements AutoCloseable {

    static final String STACK = "sandbox";
    static final String IN = "sandbox-in";
    static final String OUT = "sandbox-out";
    static final String CLUSTER = "sandbox-Cluster";
    static final String LOG_GROUP = "/sandbox/tasks";
    static final WrapSettings WRAP = new WrapSettings(STACK, "arn:aws:iam::123456789012:role/task",
            "arn:aws:iam::123456789012:role/exec", LOG_GROUP, Emulator.REGION, "public.ecr.aws/aws-cli/aws-cli:2.22.35");

    final Emulator emulator;
    final AwsClients plain;
    final AwsClients gapped;
    final S3Client s3;
    final SqsClient sqs;
    final EcsClient ecs;
    final Ec2Client ec2;
    final SandboxStack stack;
    final String launchTemplateId;
    final String taskEventsQueue;
    final String instanceEventsQueue;
    final EcsAgent agent;
    final Ec2Simulator simulator;

    FleetRig(Emulator emulator, Path work, Duration bootDelay, boolean awsCli) {
        this.emulator = emulator;
        try {
            assertThat(MotoServer.leaveTasksToTheAgent(emulator.endpoint())).as("moto's ecs::task transition").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        plain = emulator.clients();
        s3 = plain.s3();
        sqs = plain.sqs();
        ecs = plain.ecs();
        ec2 = plain.ec2();
        s3.createBucket(r -> r.bucket(IN));
        s3.putBucketVersioning(r -> r.bucket(IN).versioningConfiguration(v -> v.status("Enabled")));
        s3.createBucket(r -> r.bucket(OUT));
        String clusterArn = ecs.createCluster(r -> r.clusterName(CLUSTER)).cluster().clusterArn();
        try (var logs = plain.logs()) {
            logs.createLogGroup(r -> r.logGroupName(LOG_GROUP));
        }
        taskEventsQueue = ruleToQueue("task-state-changes", "{\"source\": [\"aws.ecs\"], \"detail-type\": "
                + "[\"ECS Task State Change\"], \"detail\": {\"clusterArn\": [\"" + clusterArn + "\"]}}");
        instanceEventsQueue = ruleToQueue("instance-state-changes", "{\"source\": [\"aws.ec2\"], \"detail-type\": "
                + "[\"EC2 Instance State-change Notification\"], \"detail\": {\"state\": [\"pending\", \"running\", "
                + "\"stopping\", \"stopped\", \"shutting-down\", \"terminated\"]}}");
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        launchTemplateId = ec2.createLaunchTemplate(r -> r.launchTemplateName(STACK + "-workers")
                .launchTemplateData(d -> d.imageId(imageId).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                        .tags(tag -> tag.key("conveyor:stack").value(STACK))))).launchTemplate().launchTemplateId();
        stack = new SandboxStack(STACK, Emulator.REGION, "123456789012", List.of(
                new SandboxStack.Resource("InputBucket", "AWS::S3::Bucket", IN, Map.of()),
                new SandboxStack.Resource("OutputBucket", "AWS::S3::Bucket", OUT, Map.of()),
                new SandboxStack.Resource("Cluster", "AWS::ECS::Cluster", CLUSTER, Map.of("Arn", clusterArn)),
                new SandboxStack.Resource("TaskLogGroup", "AWS::Logs::LogGroup", LOG_GROUP, Map.of())), List.of());
        agent = EcsAgent.builder(plain, stack).workDirectory(work).emulator(emulator.endpoint(), "test", "test")
                .pollEvery(Duration.ofMillis(100)).stopGrace(Duration.ofSeconds(2)).awsCli(awsCli).build();
        simulator = new Ec2Simulator(plain, stack, Clock.systemUTC(), bootDelay, agent, Duration.ofMillis(100));
        agent.watch(simulator);
        gapped = plain.with(new EcsGaps(simulator, agent));
        agent.start();
        simulator.start();
    }

    private String ruleToQueue(String name, String pattern) {
        String url = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        try (var events = plain.eventBridge()) {
            events.putRule(r -> r.name(name).eventPattern(pattern));
            events.putTargets(r -> r.rule(name).targets(t -> t.id("queue").arn(arn)));
        }
        return url;
    }

    /** Registers a descriptor as the register function does: uploaded, then reconciled by the Registrar. */
    RegistrationOutcome register(String descriptorJson) {
        String name = WrappedTasks.descriptor(descriptorJson).name();
        String key = BucketLayout.ALGORITHMS_PREFIX + name + ".json";
        s3.putObject(r -> r.bucket(IN).key(key), RequestBody.fromString(descriptorJson));
        Registrar registrar = new Registrar(new S3ObjectStore(s3), new DescriptorValidator(),
                new ObjectStoreRegistry(new S3ObjectStore(s3), OUT),
                new ObjectStoreRegistry(new S3ObjectStore(s3), OUT), new EcsTaskDefinitions(gapped.ecs()), WRAP,
                Clock.systemUTC());
        RegistrationOutcome outcome = registrar.reconcile(new ObjectRef(IN, key));
        assertThat(outcome.taskDefinitionArn()).as("registered: " + outcome).isNotNull();
        return outcome;
    }

    /** Launches an instance from the launch template, as dispatch does, and waits until it has registered. */
    String launchRegistered(String instanceType) {
        String id = ec2.runInstances(r -> r.launchTemplate(t -> t.launchTemplateId(launchTemplateId))
                .instanceType(instanceType).minCount(1).maxCount(1)).instances().get(0).instanceId();
        await("instance " + id + " registered", Duration.ofSeconds(20), () -> containerInstanceOf(id) != null);
        return id;
    }

    String containerInstanceOf(String ec2InstanceId) {
        List<String> arns = ecs.listContainerInstances(r -> r.cluster(CLUSTER)).containerInstanceArns();
        if (arns.isEmpty()) {
            return null;
        }
        return ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(arns)).containerInstances()
                .stream().filter(ci -> ec2InstanceId.equals(ci.ec2InstanceId())).map(ci -> ci.containerInstanceArn())
                .findFirst().orElse(null);
    }

    /** Uploads an input and starts its job's task as dispatch does (TaskOverrides, EcsContainerScheduler). */
    String start(String algorithmJson, String jobId, String key, String content, String containerInstanceArn,
                 String taskDefinitionArn) {
        Descriptor descriptor = WrappedTasks.descriptor(algorithmJson);
        String version = s3.putObject(r -> r.bucket(IN).key(key), RequestBody.fromString(content)).versionId();
        String output = "s3://" + OUT + "/" + BucketLayout.outputPrefix(descriptor.name(), BucketLayout.restOf(key), jobId);
        TaskStart start = TaskOverrides.of(jobId, 1, taskDefinitionArn, containerInstanceArn, descriptor,
                new ObjectRef(IN, key), version, output, Map.of());
        TaskStart.Result result = new EcsContainerScheduler(gapped.ecs(), gapped.ecsWithoutRetries(), CLUSTER)
                .start(List.of(start)).get(0);
        assertThat(result).isInstanceOf(TaskStart.Result.Started.class);
        return ((TaskStart.Result.Started) result).taskArn();
    }

    /** Events the rule delivered to a queue, until {@code until} holds for the list or the time is up. */
    static List<JsonNode> events(SqsClient sqs, String queueUrl, Duration within,
                                 java.util.function.Predicate<List<JsonNode>> until) {
        List<JsonNode> events = new ArrayList<>();
        Instant deadline = Instant.now().plus(within);
        while (!until.test(events) && Instant.now().isBefore(deadline)) {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages()) {
                try {
                    events.add(Json.mapper().readTree(message.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return events;
    }

    static void await(String what, Duration within, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(within);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    String object(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(OUT).key(key)).asUtf8String();
    }

    @Override
    public void close() {
        simulator.close();
        agent.close();
    }
}
