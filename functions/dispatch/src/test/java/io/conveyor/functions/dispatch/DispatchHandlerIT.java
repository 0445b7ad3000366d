package io.conveyor.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.functions.capacity.CapacityHandler;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobRecord;
import io.conveyor.json.Json;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobTask;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.Digests;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import io.conveyor.testing.SqsMessages;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.StartInstancesRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.StartTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Flow 2 against moto: an input put into S3 → the notification moto delivers to SQS → the dispatch
 * handler → job records in S3, tasks on ECS, instances on EC2.
 */
@AwsEmulator
class DispatchHandlerIT {

    static final String IN = "conveyor-it-in";
    static final String OUT = "conveyor-it-out";
    static final String INDEX = "conveyor-it-job-index";
    static final String CLUSTER = "conveyor-it";
    static final String STACK = "conveyor-it";
    static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs";
    static final String DESCRIPTOR = """
            {"name": "word-count", "image": "public.ecr.aws/docker/library/busybox:1.36",
             "command": ["sh", "-c", "wc \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/counts.txt\\""],
             "resources": {"vcpu": 0.5, "memoryMiB": 512, "gpu": 0}, "timeoutSeconds": 600, "retries": 1}""";

    /** The stack's resources in moto, as the template would make them. */
    record Stack(AwsClients clients, RecordingInterceptor calls, String queueUrl, String deadLetterUrl,
                 String launchTemplateId, String capacityQueueUrl, S3Client s3, SqsClient sqs, EcsClient ecs,
                 Ec2Client ec2) {

        DispatchHandler handler(Emulator emulator, int maxInstances) {
            Map<String, String> env = new HashMap<>();
            env.put(DispatchHandler.OUTPUT_BUCKET, OUT);
            env.put(DispatchHandler.CLUSTER_NAME, CLUSTER);
            env.put(DispatchHandler.STACK_NAME, STACK);
            env.put(DispatchHandler.CAPACITY_QUEUE_URL, capacityQueueUrl);
            env.put(DispatchHandler.JOBS_QUEUE_URL, queueUrl);
            env.put(DispatchHandler.DEAD_LETTER_QUEUE_URL, deadLetterUrl);
            env.put(DispatchHandler.JOB_INDEX_TABLE, INDEX);
            return new DispatchHandler(clients, emulator.environment(env));
        }

        /**
         * What the capacity queue's trigger does: the needs dispatch sent, handed to the capacity function
         * (whose calls the same interceptor records).
         */
        SQSBatchResponse provision(Emulator emulator, int maxInstances) {
            List<Message> needs = SqsMessages.receive(sqs, capacityQueueUrl, 1);
            assertThat(needs).as("dispatch's capacity need").isNotEmpty();
            Map<String, String> env = new HashMap<>();
            env.put("OUTPUT_BUCKET", OUT);
            env.put("CLUSTER_NAME", CLUSTER);
            env.put("STACK_NAME", STACK);
            env.put("LAUNCH_TEMPLATE_ID", launchTemplateId);
            env.put("LAUNCH_TEMPLATE_VERSION", "1");
            env.put("SUBNET_IDS", "");
            env.put("MAX_INSTANCES", Integer.toString(maxInstances));
            env.put("INSTANCE_TYPE", "m6i.large");
            return new CapacityHandler(clients, emulator.environment(env)).handleRequest(
                    SqsMessages.toEvent(needs, "arn:aws:sqs:us-east-1:123456789012:capacity"), null);
        }

        /** Puts an input and returns the SQS event Lambda would build from moto's notification. */
        SQSEvent upload(String key, String content) {
            s3.putObject(r -> r.bucket(IN).key(key), RequestBody.fromString(content));
            List<Message> messages = SqsMessages.receive(sqs, queueUrl, 1);
            assertThat(messages).as("moto's notification for " + key).hasSize(1);
            return SqsMessages.toEvent(messages, QUEUE_ARN);
        }

        /** The tasks of a job's first attempt. */
        List<Task> tasksOf(String jobId) {
            String startedBy = new JobTask(jobId, 1).startedBy();
            List<String> arns = ecs.listTasks(r -> r.cluster(CLUSTER).startedBy(startedBy)).taskArns();
            return arns.isEmpty() ? List.of() : ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
        }

        List<JobRecord> jobs() {
            return new S3JobStore(s3, OUT).all();
        }

        List<Instance> conveyorInstances() {
            return ec2.describeInstances(r -> r.filters(f -> f.name("tag:conveyor:stack").values(STACK)))
                    .reservations().stream().flatMap(res -> res.instances().stream()).toList();
        }
    }

    static Stack stack(Emulator emulator) {
        RecordingInterceptor calls = new RecordingInterceptor();
        AwsClients clients = emulator.clients().with(calls);
        AwsClients plain = emulator.clients();
        S3Client s3 = plain.s3();
        SqsClient sqs = plain.sqs();
        EcsClient ecs = plain.ecs();
        Ec2Client ec2 = plain.ec2();
        String queueUrl = SqsMessages.notifyingQueue(s3, sqs, IN, "jobs", BucketLayout.INPUTS_PREFIX);
        s3.createBucket(r -> r.bucket(OUT));
        io.conveyor.aws.JobIndexTables.create(plain.dynamoDb(), INDEX);
        String deadLetterUrl = sqs.createQueue(r -> r.queueName("jobs-dlq")).queueUrl();
        String capacityQueueUrl = sqs.createQueue(r -> r.queueName("capacity")).queueUrl();
        ecs.createCluster(r -> r.clusterName(CLUSTER));
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        String userData = Base64.getEncoder().encodeToString(("#!/bin/bash\necho ECS_CLUSTER=" + CLUSTER
                + " >> /etc/ecs/ecs.config\n").getBytes(StandardCharsets.UTF_8));
        String launchTemplateId = ec2.createLaunchTemplate(r -> r.launchTemplateName(STACK + "-workers")
                .launchTemplateData(d -> d.imageId(imageId).userData(userData)
                        .iamInstanceProfile(p -> p.name(STACK + "-instance"))
                        .metadataOptions(m -> m.httpTokens("required").httpPutResponseHopLimit(1))
                        .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                                .tags(tag -> tag.key("conveyor:stack").value(STACK)))))
                .launchTemplate().launchTemplateId();

        register(s3, ecs, DESCRIPTOR);
        return new Stack(clients, calls, queueUrl, deadLetterUrl, launchTemplateId, capacityQueueUrl, s3, sqs, ecs, ec2);
    }

    @Test
    void handleRequest_inputWithWarmCapacity_startsItsTaskWhichListTasksFindsByJobId(Emulator emulator) {
        Stack stack = stack(emulator);
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), CLUSTER, 1);
        DispatchHandler handler = stack.handler(emulator, 2);

        SQSBatchResponse response = handler.handleRequest(stack.upload("inputs/word-count/notes.txt", "a b c"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        JobRecord job = stack.jobs().get(0);
        assertThat(job.state()).isEqualTo(JobState.STARTING);
        assertThat(job.input()).isEqualTo("s3://" + IN + "/inputs/word-count/notes.txt");
        List<Task> tasks = stack.tasksOf(job.id());
        assertThat(tasks).singleElement().satisfies(task -> {
            assertThat(task.startedBy()).isEqualTo(job.id() + "-1");
            assertThat(task.overrides().containerOverrides())
                    .filteredOn(o -> o.name().equals(TaskDefinitionWrapper.STAGE_OUT))
                    .singleElement().satisfies(o -> assertThat(o.environment()).anySatisfy(kv -> {
                        assertThat(kv.name()).isEqualTo(TaskDefinitionWrapper.OUTPUT_URI);
                        assertThat(kv.value()).isEqualTo(job.output());
                    }));
        });
        assertThat(stack.conveyorInstances()).isEmpty();
    }

    @Test
    void handleRequest_sameNotificationThreeTimes_startsOneTask(Emulator emulator) {
        Stack stack = stack(emulator);
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), CLUSTER, 1);
        DispatchHandler handler = stack.handler(emulator, 2);
        SQSEvent event = stack.upload("inputs/word-count/twice.txt", "x");

        for (int i = 0; i < 3; i++) {
            assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        }

        assertThat(stack.jobs()).hasSize(1);
        assertThat(stack.tasksOf(stack.jobs().get(0).id())).hasSize(1);
        assertThat(stack.calls().requests(StartTaskRequest.class)).hasSize(1);
    }

    @Test
    void handleRequest_emptyCluster_launchesATaggedInstanceFromTheLaunchTemplateAndTheMessageWaits(Emulator emulator) {
        Stack stack = stack(emulator);
        DispatchHandler handler = stack.handler(emulator, 2);
        SQSEvent event = stack.upload("inputs/word-count/cold.txt", "x");

        SQSBatchResponse response = handler.handleRequest(event, null);
        // dispatch asks the capacity function and calls no EC2 itself
        assertThat(stack.calls().requests(RunInstancesRequest.class)).isEmpty();
        assertThat(stack.provision(emulator, 2).getBatchItemFailures()).isEmpty();

        // the message goes back, invisible for the capacity delay
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
        assertThat(stack.sqs().getQueueAttributes(r -> r.queueUrl(stack.queueUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("1");
        assertThat(stack.calls().requests(
                software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest.class))
                .singleElement().satisfies(r -> assertThat(r.entries()).singleElement()
                        .satisfies(e -> assertThat(e.visibilityTimeout()).isEqualTo(30)));
        // one instance, from the launch template, with its tags and user data
        assertThat(stack.calls().requests(RunInstancesRequest.class)).singleElement().satisfies(run -> {
            assertThat(run.launchTemplate().launchTemplateId()).isEqualTo(stack.launchTemplateId());
            assertThat(run.instanceTypeAsString()).isEqualTo("m6i.large");
            assertThat(run.clientToken()).startsWith("conveyor-");
        });
        List<Instance> launched = stack.conveyorInstances();
        assertThat(launched).singleElement().satisfies(instance -> {
            assertThat(instance.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value())
                    .isEqualTo("aws:ec2launchtemplate:id=" + stack.launchTemplateId()));
            String userData = stack.ec2().describeInstanceAttribute(r -> r.instanceId(instance.instanceId())
                    .attribute("userData")).userData().value();
            assertThat(new String(Base64.getDecoder().decode(userData), StandardCharsets.UTF_8))
                    .contains("ECS_CLUSTER=" + CLUSTER);
        });
        JobRecord job = stack.jobs().get(0);
        assertThat(job.state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(job.waitingSince()).isNotNull();

        // once the instance has joined the cluster, the redelivered message starts the job
        registerWithCluster(stack, launched.get(0).instanceId());
        stack.sqs().changeMessageVisibility(r -> r.queueUrl(stack.queueUrl())
                .receiptHandle(event.getRecords().get(0).getReceiptHandle()).visibilityTimeout(0));
        SQSEvent redelivered = SqsMessages.toEvent(SqsMessages.receive(stack.sqs(), stack.queueUrl(), 1), QUEUE_ARN);
        assertThat(handler.handleRequest(redelivered, null).getBatchItemFailures()).isEmpty();
        assertThat(stack.tasksOf(job.id())).hasSize(1);
        assertThat(stack.calls().requests(RunInstancesRequest.class)).hasSize(1);
    }

    @Test
    void handleRequest_stoppedConveyorInstance_isStartedNotLaunchedAgain(Emulator emulator) {
        Stack stack = stack(emulator);
        String stopped = stack.ec2().runInstances(r -> r.launchTemplate(t -> t.launchTemplateId(stack.launchTemplateId()))
                .instanceType("m6i.large").minCount(1).maxCount(1)).instances().get(0).instanceId();
        stack.ec2().stopInstances(r -> r.instanceIds(stopped));
        DispatchHandler handler = stack.handler(emulator, 2);

        handler.handleRequest(stack.upload("inputs/word-count/warm-again.txt", "x"), null);
        stack.provision(emulator, 2);

        assertThat(stack.calls().requests(RunInstancesRequest.class)).isEmpty();
        assertThat(stack.calls().requests(StartInstancesRequest.class)).singleElement()
                .satisfies(start -> assertThat(start.instanceIds()).containsExactly(stopped));
        assertThat(stack.conveyorInstances()).singleElement().satisfies(instance -> assertThat(instance.state().name())
                .isIn(InstanceStateName.PENDING, InstanceStateName.RUNNING));
    }

    @Test
    void handleRequest_capReached_launchesNothingAndTheJobWaits(Emulator emulator) {
        Stack stack = stack(emulator);
        stack.ec2().runInstances(r -> r.launchTemplate(t -> t.launchTemplateId(stack.launchTemplateId()))
                .instanceType("t3.micro").minCount(1).maxCount(1));
        DispatchHandler handler = stack.handler(emulator, 1);

        SQSBatchResponse response = handler.handleRequest(stack.upload("inputs/word-count/capped.txt", "x"), null);
        stack.provision(emulator, 1);

        assertThat(response.getBatchItemFailures()).hasSize(1);
        assertThat(stack.calls().requests(RunInstancesRequest.class)).isEmpty();
        assertThat(stack.calls().requests(StartInstancesRequest.class)).isEmpty();
        assertThat(stack.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
            assertThat(job.reason()).contains("no container instance");
        });
    }

    @Test
    void handleRequest_oddKeys_eachGetsItsJobAndItsOwnOutputPath(Emulator emulator) {
        Stack stack = stack(emulator);
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), CLUSTER, 1);
        DispatchHandler handler = stack.handler(emulator, 2);
        List<String> keys = List.of("inputs/word-count/with space.txt", "inputs/word-count/a+b.txt",
                "inputs/word-count/100%.txt", "inputs/word-count/ünïcødé/日本.txt");

        for (String key : keys) {
            assertThat(handler.handleRequest(stack.upload(key, key), null).getBatchItemFailures()).isEmpty();
        }

        Map<String, String> outputByInput = new HashMap<>();
        stack.jobs().forEach(job -> outputByInput.put(job.input(), job.output().replace(job.id(), "ID")));
        assertThat(outputByInput).containsOnly(
                Map.entry("s3://" + IN + "/inputs/word-count/with space.txt",
                        "s3://" + OUT + "/outputs/word-count/with space.txt/ID/"),
                Map.entry("s3://" + IN + "/inputs/word-count/a+b.txt", "s3://" + OUT + "/outputs/word-count/a+b.txt/ID/"),
                Map.entry("s3://" + IN + "/inputs/word-count/100%.txt", "s3://" + OUT + "/outputs/word-count/100%.txt/ID/"),
                Map.entry("s3://" + IN + "/inputs/word-count/ünïcødé/日本.txt",
                        "s3://" + OUT + "/outputs/word-count/ünïcødé/日本.txt/ID/"));
        stack.jobs().forEach(job -> assertThat(stack.tasksOf(job.id())).singleElement()
                .satisfies(task -> assertThat(task.overrides().containerOverrides())
                        .filteredOn(o -> o.name().equals(TaskDefinitionWrapper.STAGE_IN)).singleElement()
                        .satisfies(o -> assertThat(o.environment()).anySatisfy(kv -> {
                            assertThat(kv.name()).isEqualTo(TaskDefinitionWrapper.INPUT_KEY);
                            assertThat("s3://" + IN + "/" + kv.value()).isEqualTo(job.input());
                        }))));
    }

    @Test
    void handleRequest_unknownAlgorithm_endsTheMessageWithARejectedJob(Emulator emulator) {
        Stack stack = stack(emulator);
        DispatchHandler handler = stack.handler(emulator, 2);

        SQSBatchResponse response = handler.handleRequest(stack.upload("inputs/no-such/a.txt", "x"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(stack.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.reason()).startsWith("rejected: unknown algorithm 'no-such'");
        });
        assertThat(stack.calls().requests(RunInstancesRequest.class)).isEmpty();
    }

    @Test
    void handleRequest_pipelineBatchFile_startsOneTaskPerParameterSetWithItsValue(Emulator emulator) {
        // Given an algorithm taking LEVEL, a pipeline fanning it out over two levels, and room
        Stack stack = stack(emulator);
        register(stack.s3(), stack.ecs(), """
                {"name": "fit", "image": "public.ecr.aws/docker/library/busybox:1.36",
                 "command": ["sh", "-c", "echo \\"$LEVEL\\" > \\"$CONVEYOR_OUTPUT_DIR/level.txt\\""],
                 "parameters": [{"name": "LEVEL", "required": true}],
                 "resources": {"vcpu": 0.5, "memoryMiB": 512, "gpu": 0}, "timeoutSeconds": 600, "retries": 0}""");
        String document = """
                {"pipeline": "scan", "steps": [{"name": "fit", "algorithm": "fit",
                 "fanOut": {"parameterSets": [{"LEVEL": "1"}, {"LEVEL": "2; rm -rf /"}]}}]}""";
        new ObjectStoreRegistry(new S3ObjectStore(stack.s3()), OUT).save(new io.conveyor.registration.PipelineRecord(
                "scan", AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/scan.json", null,
                Digests.sha256(document.getBytes(StandardCharsets.UTF_8)), "2026-11-21T00:00:00Z", null, document));
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), CLUSTER, 1);
        DispatchHandler handler = stack.handler(emulator, 2);

        // When a batch's file and its marker are uploaded
        assertThat(handler.handleRequest(stack.upload("inputs/scan/b1/a.txt", "x"), null).getBatchItemFailures())
                .isEmpty();
        assertThat(handler.handleRequest(stack.upload("inputs/scan/b1/_COMPLETE", ""), null).getBatchItemFailures())
                .isEmpty();

        // Then two jobs (none of the marker), each at its place, its task's algorithm given its set's value
        assertThat(stack.jobs()).hasSize(2).allSatisfy(job -> {
            assertThat(job.state()).isEqualTo(JobState.STARTING);
            assertThat(job.pipeline().batch()).isEqualTo("b1");
            assertThat(job.output()).isEqualTo("s3://" + OUT + "/outputs/scan/b1/fit/a.txt/" + job.id() + "/");
            assertThat(stack.tasksOf(job.id())).singleElement().satisfies(task -> assertThat(task.overrides()
                    .containerOverrides()).filteredOn(o -> o.name().equals(TaskDefinitionWrapper.ALGORITHM))
                    .singleElement().satisfies(o -> assertThat(o.environment()).anySatisfy(kv -> {
                        assertThat(kv.name()).isEqualTo("LEVEL");
                        assertThat(kv.value()).isEqualTo(job.pipeline().parameters().get("LEVEL"));
                    })));
        });
        assertThat(stack.jobs()).extracting(job -> job.pipeline().parameters().get("LEVEL"))
                .containsExactlyInAnyOrder("1", "2; rm -rf /");
    }

    /** Registers an algorithm as the register function would: its task definition and its registry record. */
    static void register(S3Client s3, EcsClient ecs, String json) {
        // Normalized already, as the registry keeps it (the validator is not on a dispatch classpath).
        Descriptor descriptor = readDescriptor(json);
        String sha = Digests.sha256(json.getBytes(StandardCharsets.UTF_8));
        // moto 5.2.1 answers StartTask with HTTP 500 when containers carry no memory of their own (it sums
        // container memory and ignores the task-level memory ECS places by): the registered copy gets a
        // memoryReservation per container, the definition under test is otherwise Conveyor's own.
        var request = EcsTaskDefinitions.request(TaskDefinitionWrapper.wrap(descriptor, sha,
                new WrapSettings(STACK, "arn:aws:iam::123456789012:role/task", "arn:aws:iam::123456789012:role/exec",
                        "/conveyor/tasks", Emulator.REGION, "public.ecr.aws/aws-cli/aws-cli:2.22.35")));
        String taskDefinition = ecs.registerTaskDefinition(request.toBuilder().containerDefinitions(
                request.containerDefinitions().stream().map(c -> c.toBuilder().memoryReservation(64).build()).toList())
                .build()).taskDefinition().taskDefinitionArn();
        new ObjectStoreRegistry(new S3ObjectStore(s3), OUT).save(new AlgorithmRecord(descriptor.name(),
                AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/" + descriptor.name() + ".json", null, sha,
                taskDefinition, "2026-11-21T00:00:00Z", null, descriptor));
    }

    private static Descriptor readDescriptor(String json) {
        try {
            return Json.mapper().readValue(json, Descriptor.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void handleRequest_messageThatIsNoNotification_restsInTheDeadLetterQueueWithItsReason(Emulator emulator) {
        Stack stack = stack(emulator);
        DispatchHandler handler = stack.handler(emulator, 2);
        stack.sqs().sendMessage(r -> r.queueUrl(stack.queueUrl()).messageBody("{\"Records\":[{\"eventSource\":\"aws:s3\"}]}"));
        SQSEvent event = SqsMessages.toEvent(SqsMessages.receive(stack.sqs(), stack.queueUrl(), 1), QUEUE_ARN);

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Message> dead = stack.sqs().receiveMessage(r -> r.queueUrl(stack.deadLetterUrl())
                .messageAttributeNames("All").waitTimeSeconds(1)).messages();
        assertThat(dead).singleElement().satisfies(message -> {
            assertThat(message.body()).isEqualTo(event.getRecords().get(0).getBody());
            assertThat(message.messageAttributes().get("conveyor-reason").stringValue()).contains("Records[0]");
            assertThat(message.messageAttributes().get("conveyor-source-message-id").stringValue())
                    .isEqualTo(event.getRecords().get(0).getMessageId());
        });
    }

    /** What the ECS agent does when an instance boots with the launch template's user data. */
    private static void registerWithCluster(Stack stack, String instanceId) {
        String document = "{\"instanceId\":\"" + instanceId + "\",\"region\":\"" + Emulator.REGION
                + "\",\"instanceType\":\"m6i.large\",\"availabilityZone\":\"us-east-1a\"}";
        stack.ecs().registerContainerInstance(r -> r.cluster(CLUSTER).instanceIdentityDocument(document));
    }
}
