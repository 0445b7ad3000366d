package io.conveyor.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.JobIndexTables;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.json.Json;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.Digests;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/** The dispatch benchmark's world: its moto set-up, its instant endpoint, its algorithm and its batches of messages. */
final class DispatchFixture {

    static final String IN = "bench-in";
    static final String OUT = "bench-out";
    static final String CLUSTER = "bench";
    static final String INDEX = "bench-job-index";

    private static final String DESCRIPTOR = "{\"name\": \"word-count\", \"image\": \"busybox:1.36\", \"command\": [\"wc\","
            + " \"${CONVEYOR_INPUT}\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256, \"gpu\": 0},"
            + " \"timeoutSeconds\": 600, \"retries\": 2}";
    private static final String SHA = Digests.sha256(DESCRIPTOR.getBytes(StandardCharsets.UTF_8));

    private DispatchFixture() {
    }

    /** The instant endpoint with the benchmark's registry record, as the registry writes it, and room on every instance. */
    static InstantAwsEndpoint instantAws(int instances) throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        new ObjectStoreRegistry(store, OUT).save(algorithm(
                "arn:aws:ecs:us-east-1:123456789012:task-definition/bench-word-count:1"));
        String key = ObjectStoreRegistry.ALGORITHMS + "word-count.json";
        return new InstantAwsEndpoint(OUT, key, store.content(new ObjectRef(OUT, key)), CLUSTER, instances,
                Dispatcher.PARALLELISM);
    }

    /** moto's side: buckets, the index table, a cluster of {@code instances} m6i.large, the definition and record. */
    static void setUp(AwsClients aws, int instances) throws Exception {
        aws.s3().createBucket(r -> r.bucket(IN));
        aws.s3().createBucket(r -> r.bucket(OUT));
        JobIndexTables.create(aws.dynamoDb(), INDEX);
        EcsClient ecs = aws.ecs();
        Ec2Client ec2 = aws.ec2();
        ecs.createCluster(r -> r.clusterName(CLUSTER));
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        for (String id : ec2.runInstances(r -> r.imageId(imageId).instanceType("m6i.large").minCount(instances)
                .maxCount(instances)).instances().stream().map(i -> i.instanceId()).toList()) {
            ecs.registerContainerInstance(r -> r.cluster(CLUSTER).instanceIdentityDocument("{\"instanceId\":\"" + id
                    + "\",\"region\":\"us-east-1\",\"instanceType\":\"m6i.large\"}"));
        }
        Descriptor descriptor = descriptor();
        var request = EcsTaskDefinitions.request(TaskDefinitionWrapper.wrap(descriptor, SHA, new WrapSettings("bench",
                "arn:aws:iam::123456789012:role/task", "arn:aws:iam::123456789012:role/exec", "/bench", "us-east-1",
                "public.ecr.aws/aws-cli/aws-cli:2.22.35")));
        // moto needs memory per container to place a task (see DispatchHandlerIT).
        String arn = ecs.registerTaskDefinition(request.toBuilder().containerDefinitions(request.containerDefinitions()
                .stream().map(c -> c.toBuilder().memoryReservation(64).build()).toList()).build())
                .taskDefinition().taskDefinitionArn();
        new ObjectStoreRegistry(new S3ObjectStore(aws.s3()), OUT).save(algorithm(arn));
    }

    private static Descriptor descriptor() throws Exception {
        return Json.mapper().readValue(DESCRIPTOR, Descriptor.class);
    }

    /** The benchmark's one algorithm, active on {@code taskDefinitionArn}. */
    private static AlgorithmRecord algorithm(String taskDefinitionArn) throws Exception {
        return new AlgorithmRecord("word-count", AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/word-count.json",
                null, SHA, taskDefinitionArn, "2026-11-21T00:00:00Z", null, descriptor());
    }

    /** Ten messages, each an S3 notification of a new input, shaped as S3 sends them. */
    static SQSEvent batch(int b, int size) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String key = "inputs/word-count/batch-" + b + "/file " + i + ".txt";
            String body = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                    + "\"eventTime\":\"2026-11-21T10:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
                    + "\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + IN + "\",\"arn\":\"arn:aws:s3:::" + IN + "\"},"
                    + "\"object\":{\"key\":\"" + key.replace(" ", "+") + "\",\"size\":1024,\"eTag\":\"e" + b + "x" + i
                    + "\",\"versionId\":\"v" + b + "x" + i + "\",\"sequencer\":\"00\"}}}]}";
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("m-" + b + "-" + i);
            message.setReceiptHandle("r-" + b + "-" + i);
            message.setBody(body);
            Map<String, String> attributes = new HashMap<>();
            attributes.put("ApproximateReceiveCount", "1");
            message.setAttributes(attributes);
            message.setEventSource("aws:sqs");
            message.setEventSourceArn("arn:aws:sqs:us-east-1:123456789012:jobs");
            records.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
