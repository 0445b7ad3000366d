package io.conveyor.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.functions.dispatch.DispatchHandler;
import io.conveyor.json.Json;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * AWS calls and handler time of the dispatch function against moto, in batches of 10 jobs with warm
 * capacity: every call the handler makes passes an SDK interceptor that counts it by service and
 * operation. Prints calls per job, ECS start calls per 10 jobs and the handler's time per batch.
 *
 * <p>Usage: {@code DispatchBenchmark <moto endpoint> <batches>}.
 */
public final class DispatchBenchmark {

    static final String IN = "bench-in";
    static final String OUT = "bench-out";
    static final String CLUSTER = "bench";
    static final int BATCH = 10;
    static final int WARMUP_BATCHES = 5;
    /** The original tool: HEAD, describe-instances, run-task, describe-tasks, put-object per file, plus a busy-wait. */
    static final int ORIGINAL_CALLS_PER_FILE = 5;

    /** Counts every SDK call by {@code Service.Operation}. */
    static final class CallCounter implements ExecutionInterceptor {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }

        Map<String, Integer> snapshotAndReset() {
            Map<String, Integer> snapshot = new TreeMap<>();
            calls.forEach((name, count) -> snapshot.put(name, count.getAndSet(0)));
            snapshot.values().removeIf(count -> count == 0);
            return snapshot;
        }
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int batches = Integer.parseInt(args[1]);
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        Environment env = Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint,
                "OUTPUT_BUCKET", OUT, "CLUSTER_NAME", CLUSTER, "STACK_NAME", "bench",
                "LAUNCH_TEMPLATE_ID", "lt-unused", "LAUNCH_TEMPLATE_VERSION", "1", "MAX_INSTANCES", "0",
                "INSTANCE_TYPE", "m6i.large", "DEAD_LETTER_QUEUE_URL", "unused-no-malformed-messages"));
        AwsClients plain = AwsClients.from(env);
        int instances = (batches + WARMUP_BATCHES) * BATCH / 30 + 1;
        setUp(plain, instances);

        CallCounter counter = new CallCounter();
        DispatchHandler handler = new DispatchHandler(AwsClients.from(env).with(counter), env);
        List<Long> nanos = new ArrayList<>();
        Map<String, Integer> total = new TreeMap<>();
        int jobs = 0;
        int failures = 0;
        for (int b = 0; b < WARMUP_BATCHES + batches; b++) {
            SQSEvent event = batch(b);
            counter.snapshotAndReset();
            long start = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(event, null);
            long took = System.nanoTime() - start;
            Map<String, Integer> calls = counter.snapshotAndReset();
            if (b < WARMUP_BATCHES) {
                continue;
            }
            nanos.add(took);
            failures += response.getBatchItemFailures().size();
            jobs += BATCH;
            calls.forEach((name, count) -> total.merge(name, count, Integer::sum));
        }
        int allCalls = total.values().stream().mapToInt(Integer::intValue).sum();
        int ecsStarts = total.getOrDefault("Ecs.StartTask", 0) + total.getOrDefault("Ecs.RunTask", 0);
        nanos.sort(null);
        double perJob = (double) allCalls / jobs;
        System.out.printf("dispatch against moto: %d batches of %d jobs (after %d warm-up batches), warm capacity "
                + "(%d container instances)%n", batches, BATCH, WARMUP_BATCHES, instances);
        System.out.printf("messages not done: %d (must be 0)%n", failures);
        System.out.println("calls by operation, all measured batches:");
        for (Map.Entry<String, Integer> call : total.entrySet()) {
            System.out.printf("  %-40s %6d  (%.2f per job)%n", call.getKey(), call.getValue(),
                    (double) call.getValue() / jobs);
        }
        System.out.printf("AWS calls per job:            %.2f (goal <= 2; the original tool: >= %d plus a busy-wait;"
                + " ratio %.2f)%n", perJob, ORIGINAL_CALLS_PER_FILE, perJob / ORIGINAL_CALLS_PER_FILE);
        System.out.printf("ECS start calls per 10 jobs:  %.1f (goal <= 2)%n", ecsStarts * 10.0 / jobs);
        System.out.printf("handler time per batch of 10: median %.1f ms, p10 %.1f ms, p90 %.1f ms (n=%d)%n",
                nanos.get(nanos.size() / 2) / 1e6, nanos.get(nanos.size() / 10) / 1e6,
                nanos.get(nanos.size() * 9 / 10) / 1e6, nanos.size());
        if (failures > 0) {
            System.exit(1);
        }
    }

    private static void setUp(AwsClients aws, int instances) throws Exception {
        aws.s3().createBucket(r -> r.bucket(IN));
        aws.s3().createBucket(r -> r.bucket(OUT));
        EcsClient ecs = aws.ecs();
        Ec2Client ec2 = aws.ec2();
        ecs.createCluster(r -> r.clusterName(CLUSTER));
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        for (String id : ec2.runInstances(r -> r.imageId(imageId).instanceType("m6i.large").minCount(instances)
                .maxCount(instances)).instances().stream().map(i -> i.instanceId()).toList()) {
            ecs.registerContainerInstance(r -> r.cluster(CLUSTER).instanceIdentityDocument("{\"instanceId\":\"" + id
                    + "\",\"region\":\"us-east-1\",\"instanceType\":\"m6i.large\"}"));
        }
        String json = "{\"name\": \"word-count\", \"image\": \"busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256, \"gpu\": 0}, \"timeoutSeconds\": 600, \"retries\": 2}";
        Descriptor descriptor = Json.mapper().readValue(json, Descriptor.class);
        String sha = Digests.sha256(json.getBytes(StandardCharsets.UTF_8));
        var request = EcsTaskDefinitions.request(TaskDefinitionWrapper.wrap(descriptor, sha, new WrapSettings("bench",
                "arn:aws:iam::123456789012:role/task", "arn:aws:iam::123456789012:role/exec", "/bench", "us-east-1",
                "public.ecr.aws/aws-cli/aws-cli:2.22.35")));
        // moto needs memory per container to place a task (see DispatchHandlerIT).
        String arn = ecs.registerTaskDefinition(request.toBuilder().containerDefinitions(request.containerDefinitions()
                .stream().map(c -> c.toBuilder().memoryReservation(64).build()).toList()).build())
                .taskDefinition().taskDefinitionArn();
        new ObjectStoreRegistry(new S3ObjectStore(aws.s3()), OUT).save(new AlgorithmRecord("word-count",
                AlgorithmRecord.Status.ACTIVE, "s3://" + IN + "/algorithms/word-count.json", null, sha, arn,
                "2026-11-21T00:00:00Z", null, descriptor));
    }

    /** Ten messages, each an S3 notification of a new input, shaped as S3 sends them. */
    private static SQSEvent batch(int b) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
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
