package io.conveyor.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.dispatch.StartRate;
import io.conveyor.functions.dispatch.DispatchHandler;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.jobs.JobIndex;
import io.conveyor.registration.ObjectStoreRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * AWS calls and handler time of the dispatch function against moto, in batches of 10 and of 100 jobs
 * with warm capacity, before (one job after another, the cluster read for every batch, no pacing) and
 * after (jobs overlapped, the cluster view reused while fresh, starts paced by ECS's bucket), side by
 * side: every call the handler makes passes an SDK interceptor that counts it by service and operation.
 * Each row runs against two targets: moto (the goal is stated against it; it serves calls one at a time)
 * and an {@link InstantAwsEndpoint} in this JVM that answers the same calls at once with canned answers, so that
 * row's time is the handler's own (its clients are the same real SDK clients); the endpoint's time is printed apart.
 *
 * <p>Usage: {@code DispatchBenchmark <moto endpoint> <batches> [moto|instant]} (both targets unless one is named).
 */
public final class DispatchBenchmark {

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

    /** Where the handler's clients point: moto_server, or the instant endpoint started for the row. */
    enum Target { MOTO, INSTANT }

    /** The instant endpoint's own time over a row's measured batches (its share of the handler's time). */
    record EndpointTime(long requests, long nanos, long cpuNanos) {
    }

    /**
     * What one run measured; {@code cpuMsPerJob} is this JVM's CPU time while the handler ran (the instant endpoint's
     * included, moto's not); {@code endpoint} is null against moto, which is not timed apart.
     */
    record Measured(double callsPerJob, double msPerJob, double medianBatchMs, int notDone, Map<String, Integer> calls,
                    int jobs, double indexMsPerJob, double cpuMsPerJob, EndpointTime endpoint) {
    }

    public static void main(String[] args) throws Exception {
        String moto = args[0];
        int batches = Integer.parseInt(args[1]);
        List<Target> targets = List.of(Target.values()).stream().filter(t -> args.length < 3
                || t.name().equalsIgnoreCase(args[2])).toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("unknown target '" + args[2] + "' (have: moto, instant)");
        }
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        List<Variant> variants = List.of(
                new Variant("before (serial, cluster read per batch)", 1, Duration.ZERO, Duration.ZERO,
                        new StartRate(1e9, 1e9), false),
                new Variant("after (overlapped, view reused, paced, index per batch)", Dispatcher.PARALLELISM,
                        Dispatcher.CLUSTER_VIEW_FRESH_FOR, Dispatcher.REGISTRATION_FRESH_FOR, StartRate.share(Dispatcher.ECS_STARTS_PER_SECOND,
                        Dispatcher.ECS_START_BURST, 1), true));
        Map<String, Measured> results = new LinkedHashMap<>();
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int failures = 0;
        for (int size : List.of(10, 100)) {
            for (Target target : targets) {
                for (Variant variant : variants) {
                    Measured m = run(target, moto, size, batches, variant);
                    results.put(size + "|" + target + "|" + variant.name(), m);
                    failures += m.notDone();
                    System.out.printf("batch %3d, %s, %s: %.2f ms per job, calls by operation over %d jobs:%n", size,
                            target, variant.name(), m.msPerJob(), m.jobs());
                    m.calls().forEach((name, count) -> System.out.printf("    %-40s %6d  (%.2f per job)%n", name, count,
                            (double) count / m.jobs()));
                }
            }
        }
        System.out.printf("%ndispatch, %d measured batches per row after %d warm-up batches, warm capacity;"
                + " each batch waits outside the handler for the start bucket to refill"
                + " (batch / 40 s), as the queue's pace does%n", batches, WARMUP_BATCHES);
        System.out.printf("%-6s %-8s %-56s %9s %10s %9s %12s %11s %15s %15s %9s%n", "batch", "target", "variant",
                "calls/job", "ms per job", "median ms", "index ms/job", "cpu ms/job", "endpoint us/req",
                "endpoint cpu us", "not done");
        results.forEach((key, m) -> {
            String[] k = key.split("\\|");
            EndpointTime e = m.endpoint();
            System.out.printf("%-6s %-8s %-56s %9.2f %10.2f %9.1f %12.2f %11.2f %15s %15s %9d%n", k[0], k[1], k[2],
                    m.callsPerJob(), m.msPerJob(), m.medianBatchMs(), m.indexMsPerJob(), m.cpuMsPerJob(),
                    e == null ? "-" : "%.0f".formatted(e.nanos() / 1e3 / Math.max(1, e.requests())),
                    e == null ? "-" : "%.0f".formatted(e.cpuNanos() / 1e3 / Math.max(1, e.requests())), m.notDone());
        });
        System.out.println("(moto copies a whole table for each TransactWriteItems, so its transactions slow as the table"
                + " grows: the index column is moto's, not DynamoDB's)");
        for (int size : List.of(10, 100)) {
            for (Target target : targets) {
                Measured before = results.get(size + "|" + target + "|" + variants.get(0).name());
                Measured after = results.get(size + "|" + target + "|" + variants.get(1).name());
                System.out.printf("batch %3d, %s: after/before calls per job %.2f, ms per job %.2f, ms per job without"
                        + " the index writes %.2f%n", size, target, after.callsPerJob() / before.callsPerJob(),
                        after.msPerJob() / before.msPerJob(), (after.msPerJob() - after.indexMsPerJob())
                                / (before.msPerJob() - before.indexMsPerJob()));
            }
        }
        System.out.println("goals: <= 2.1 calls per job at batch 10 (the same calls on both targets); <= 5 ms per job at"
                + " batch 100, stated against moto: the MOTO rows answer it as stated, but moto serves each call one at a"
                + " time in one Python process, so they show mostly moto's service time; the INSTANT rows show the"
                + " handler's own time (marshalling, signing, HTTP, overlap, pacing) with every call answered at once by a"
                + " canned endpoint in this JVM (its own wall and CPU time per request beside it, on the same cores);"
                + " cpu ms/job is this JVM's CPU time while the handler ran (the endpoint's included), what the handler"
                + " costs when it does not wait for a core; 0 not done on both");
        System.out.printf("load average (1 min) at start %.2f, at end %.2f, on %d cores%n", loadAtStart,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        if (failures > 0) {
            System.exit(1);
        }
    }

    private static Measured run(Target target, String moto, int size, int batches, Variant variant) throws Exception {
        int instances = (batches + WARMUP_BATCHES) * size / 10 + 1;
        InstantAwsEndpoint instant = null;
        String endpoint = moto;
        if (target == Target.MOTO) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(moto + "/moto-api/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } else {
            instant = DispatchFixture.instantAws(instances);
            endpoint = instant.uri().toString();
        }
        try {
            return run(endpoint, instant, instances, size, batches, variant);
        } finally {
            if (instant != null) {
                instant.close();
            }
        }
    }

    private static Measured run(String endpoint, InstantAwsEndpoint instant, int instances, int size, int batches,
                                Variant variant) throws Exception {
        Environment env = Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint));
        if (instant == null) {
            DispatchFixture.setUp(AwsClients.from(env), instances);
        }
        CallCounter counter = new CallCounter();
        TimedJobIndex timedIndex = new TimedJobIndex(new DynamoDbJobIndex(AwsClients.from(env).with(counter).dynamoDb(),
                DispatchFixture.INDEX, Clock.systemUTC()));
        DispatchHandler handler = handler(AwsClients.from(env).with(counter), variant, timedIndex);
        List<Long> nanos = new ArrayList<>();
        Map<String, Integer> total = new TreeMap<>();
        int jobs = 0;
        int failures = 0;
        long indexNanos = 0;
        long endpointRequests = 0;
        long endpointNanos = 0;
        long endpointCpuNanos = 0;
        long cpuNanos = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int b = 0; b < WARMUP_BATCHES + batches; b++) {
            SQSEvent event = DispatchFixture.batch(b, size);
            Thread.sleep((long) (1000.0 * size / Dispatcher.ECS_STARTS_PER_SECOND));
            counter.snapshotAndReset();
            long indexBefore = timedIndex.nanos.get();
            long requestsBefore = instant == null ? 0 : instant.requests();
            long endpointBefore = instant == null ? 0 : instant.nanos();
            long endpointCpuBefore = instant == null ? 0 : instant.cpuNanos();
            long cpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(event, null);
            long took = System.nanoTime() - start;
            long cpu = os.getProcessCpuTime() - cpuBefore;
            Map<String, Integer> calls = counter.snapshotAndReset();
            if (b < WARMUP_BATCHES) {
                continue;
            }
            nanos.add(took);
            cpuNanos += cpu;
            indexNanos += timedIndex.nanos.get() - indexBefore;
            if (instant != null) {
                endpointRequests += instant.requests() - requestsBefore;
                endpointNanos += instant.nanos() - endpointBefore;
                endpointCpuNanos += instant.cpuNanos() - endpointCpuBefore;
            }
            // every job of the batch started: none sent back, and one StartTask each (none refused, none retried)
            failures += Math.max(response.getBatchItemFailures().size(), size - calls.getOrDefault("Ecs.StartTask", 0));
            jobs += size;
            calls.forEach((name, count) -> total.merge(name, count, Integer::sum));
        }
        if (instant != null && !instant.refused().isEmpty()) {
            System.out.println("the instant endpoint refused operations it does not know (another path was measured): "
                    + instant.refused());
            failures += instant.refused().size();
        }
        int allCalls = total.values().stream().mapToInt(Integer::intValue).sum();
        long sum = nanos.stream().mapToLong(Long::longValue).sum();
        nanos.sort(null);
        return new Measured((double) allCalls / jobs, sum / 1e6 / jobs, nanos.get(nanos.size() / 2) / 1e6, failures,
                total, jobs, indexNanos / 1e6 / jobs, cpuNanos / 1e6 / jobs, instant == null ? null
                : new EndpointTime(endpointRequests, endpointNanos, endpointCpuNanos));
    }

    /** The dispatch handler as the function builds it, but for the variant's three settings. */
    private static DispatchHandler handler(AwsClients aws, Variant variant, JobIndex index) {
        Clock clock = Clock.systemUTC();
        S3ObjectStore store = new S3ObjectStore(aws.s3());
        EcsContainerScheduler ecs = new EcsContainerScheduler(aws.ecs(), aws.ecsWithoutRetries(),
                DispatchFixture.CLUSTER);
        IndexedJobStore jobs = variant.holdIndexWrites()
                ? IndexedJobStore.holdingIndexWrites(new S3JobStore(aws.s3(), DispatchFixture.OUT), index)
                : new IndexedJobStore(new S3JobStore(aws.s3(), DispatchFixture.OUT), index);
        Dispatcher dispatcher = Dispatcher.builder()
                .registry(new ObjectStoreRegistry(store, DispatchFixture.OUT))
                .inputs(store)
                .jobs(jobs)
                .afterBatch(jobs::flushIndex)
                .cluster(ecs)
                .launcher(ecs)
                .capacity(need -> {
                    throw new IllegalStateException("the benchmark's cluster has room: no capacity is asked for");
                })
                .outputBucket(DispatchFixture.OUT)
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
}
