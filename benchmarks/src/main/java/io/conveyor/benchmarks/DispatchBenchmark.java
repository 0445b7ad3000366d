package io.conveyor.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.JobIndexTables;
import io.conveyor.aws.S3JobStore;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.dispatch.StartRate;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.jobs.JobIndex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * AWS calls and handler time of the dispatch function against moto, in batches of 10 and of 100 jobs
 * with warm capacity, before (one job after another, the cluster read for every batch, no pacing) and
 * after (jobs overlapped, the cluster view reused while fresh, starts paced by ECS's bucket), side by
 * side: every call the handler makes passes an SDK interceptor that counts it by service and operation.
 *
 * <p>Usage: {@code DispatchBenchmark <moto endpoint> <batches>}.
 */
public final class DispatchBenchmark {

    static final String IN = "bench-in";
    static final String OUT = "bench-out";
    static final String CLUSTER = "bench";
    static final String INDEX = "bench-job-index";
    static final int WARMUP_BATCHES = 5;

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

    /** How a dispatcher is set: the batch-at-a-time path of before, or the overlapped one with the reused view. */
    record Variant(String name, int parallelism, Duration viewFreshFor, Duration registrationFreshFor, StartRate rate,
                   boolean holdIndexWrites) {
    }

    /** The index the handler writes, timing each of its writes. */
    static final class TimedJobIndex implements JobIndex {
        final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        private final JobIndex index;

        TimedJobIndex(JobIndex index) {
            this.index = index;
        }

        @Override
        public boolean put(Entry entry) {
            long start = System.nanoTime();
            try {
                return index.put(entry);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
            }
        }

        @Override
        public int putAll(List<Entry> entries) {
            long start = System.nanoTime();
            try {
                return index.putAll(entries);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
            }
        }

        @Override
        public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
            return index.list(query);
        }
    }

    /** What one run measured. */
    record Measured(double callsPerJob, double msPerJob, double medianBatchMs, int notDone, Map<String, Integer> calls,
                    int jobs, double indexMsPerJob) {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        int batches = Integer.parseInt(args[1]);
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        List<Variant> variants = List.of(
                new Variant("before (serial, cluster read per batch)", 1, Duration.ZERO, Duration.ZERO,
                        new StartRate(1e9, 1e9), false),
                new Variant("after (overlapped, view reused, paced, index per batch)", Dispatcher.PARALLELISM,
                        Dispatcher.CLUSTER_VIEW_FRESH_FOR, Dispatcher.REGISTRATION_FRESH_FOR, StartRate.share(Dispatcher.ECS_STARTS_PER_SECOND,
                        Dispatcher.ECS_START_BURST, 1), true));
        Map<String, Measured> results = new LinkedHashMap<>();
        int failures = 0;
        for (int size : List.of(10, 100)) {
            for (Variant variant : variants) {
                Measured m = run(endpoint, size, batches, variant);
                results.put(size + "|" + variant.name(), m);
                failures += m.notDone();
                System.out.printf("batch %3d, %s: calls by operation over %d jobs:%n", size, variant.name(), m.jobs());
                m.calls().forEach((name, count) -> System.out.printf("    %-40s %6d  (%.2f per job)%n", name, count,
                        (double) count / m.jobs()));
            }
        }
        System.out.printf("%ndispatch against moto, %d measured batches per row after %d warm-up batches, warm capacity;"
                + " each batch waits outside the handler for the start bucket to refill"
                + " (batch / 40 s), as the queue's pace does%n", batches, WARMUP_BATCHES);
        System.out.printf("%-6s %-56s %14s %11s %16s %17s %9s%n", "batch", "variant", "calls per job", "ms per job",
                "median batch ms", "of it index ms/job", "not done");
        results.forEach((key, m) -> System.out.printf("%-6s %-56s %14.2f %11.2f %16.1f %17.2f %9d%n", key.split("\\|")[0],
                key.split("\\|")[1], m.callsPerJob(), m.msPerJob(), m.medianBatchMs(), m.indexMsPerJob(), m.notDone()));
        System.out.println("(moto copies a whole table for each TransactWriteItems, so its transactions slow as the table"
                + " grows: the index column is moto's, not DynamoDB's)");
        for (int size : List.of(10, 100)) {
            Measured before = results.get(size + "|" + variants.get(0).name());
            Measured after = results.get(size + "|" + variants.get(1).name());
            System.out.printf("batch %3d: after/before calls per job %.2f, ms per job %.2f, ms per job without the index"
                    + " writes %.2f%n", size, after.callsPerJob() / before.callsPerJob(), after.msPerJob() / before.msPerJob(),
                    (after.msPerJob() - after.indexMsPerJob()) / (before.msPerJob() - before.indexMsPerJob()));
        }
        System.out.println("goals: <= 2.1 calls per job at batch 10; <= 5 ms per job at batch 100; 0 not done");
        if (failures > 0) {
            System.exit(1);
        }
    }

    private static Measured run(String endpoint, int size, int batches, Variant variant) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        Environment env = Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint));
        AwsClients plain = AwsClients.from(env);
        int instances = (batches + WARMUP_BATCHES) * size / 10 + 1;
        setUp(plain, instances);
        CallCounter counter = new CallCounter();
        TimedJobIndex timedIndex = new TimedJobIndex(new DynamoDbJobIndex(AwsClients.from(env).with(counter).dynamoDb(),
                INDEX, Clock.systemUTC()));
        DispatchHandler handler = handler(AwsClients.from(env).with(counter), variant, timedIndex);
        List<Long> nanos = new ArrayList<>();
        Map<String, Integer> total = new TreeMap<>();
        int jobs = 0;
        int failures = 0;
        long indexNanos = 0;
        for (int b = 0; b < WARMUP_BATCHES + batches; b++) {
            SQSEvent event = batch(b, size);
            Thread.sleep((long) (1000.0 * size / Dispatcher.ECS_STARTS_PER_SECOND));
            counter.snapshotAndReset();
            long indexBefore = timedIndex.nanos.get();
            long start = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(event, null);
            long took = System.nanoTime() - start;
            Map<String, Integer> calls = counter.snapshotAndReset();
            if (b < WARMUP_BATCHES) {
                continue;
            }
            nanos.add(took);
            indexNanos += timedIndex.nanos.get() - indexBefore;
            failures += response.getBatchItemFailures().size();
            jobs += size;
            calls.forEach((name, count) -> total.merge(name, count, Integer::sum));
        }
        int allCalls = total.values().stream().mapToInt(Integer::intValue).sum();
        long sum = nanos.stream().mapToLong(Long::longValue).sum();
        nanos.sort(null);
        return new Measured((double) allCalls / jobs, sum / 1e6 / jobs, nanos.get(nanos.size() / 2) / 1e6, failures,
                total, jobs, indexNanos / 1e6 / jobs);
    }

    /** The dispatch handler as the function builds it, but for the variant's three settings. */
    private static DispatchHandler handler(AwsClients aws, Variant variant, JobIndex index) {
        Clock clock = Clock.systemUTC();
        S3ObjectStore store = new S3ObjectStore(aws.s3());
        EcsContainerScheduler ecs = new EcsContainerScheduler(aws.ecs(), aws.ecsWithoutRetries(), CLUSTER);
        IndexedJobStore jobs = variant.holdIndexWrites()
                ? IndexedJobStore.holdingIndexWrites(new S3JobStore(aws.s3(), OUT), index)
                : new IndexedJobStore(new S3JobStore(aws.s3(), OUT), index);
        Dispatcher dispatcher = Dispatcher.builder()
                .registry(new ObjectStoreRegistry(store, OUT))
                .inputs(store)
                .jobs(jobs)
                .afterBatch(jobs::flushIndex)
                .cluster(ecs)
                .launcher(ecs)
                .capacity(need -> {
                    throw new IllegalStateException("the benchmark's cluster has room: no capacity is asked for");
                })
                .outputBucket(OUT)
                .startGrace(Duration.ofMinutes(3))
                .clock(clock)
                .parallelism(variant.parallelism())
                .clusterViewFreshFor(variant.viewFreshFor())
                .registrationFreshFor(variant.registrationFreshFor())
                .startRate(variant.rate())
                .build();
        return new DispatchHandler(dispatcher, delays -> { }, (body, id, reason) -> {
            throw new IllegalStateException("no malformed messages in the benchmark");
        });
    }

    private static void setUp(AwsClients aws, int instances) throws Exception {
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
    private static SQSEvent batch(int b, int size) {
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
