package io.conveyor.benchmarks;

import io.conveyor.cli.sandbox.EcsStartLimit;
import io.conveyor.cli.sandbox.Faults;
import io.conveyor.cli.sandbox.Sandbox;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A burst of N tiny inputs uploaded at once to the sandbox with ECS's limit on task starts on
 * ({@code --fault ecs-rate=RATE/BURST}, 40/100 by default): every job must start and succeed, none may
 * fail for throttling. The sandbox runs one batch of dispatch at a time, so its one dispatcher is given
 * the account's whole budget ({@code EcsStartsPerSecond} = 2 × RATE shared by {@code DispatchMaxConcurrency}
 * = 2: RATE a second, a burst of 2.5 × RATE), the tightest the arithmetic allows (N dispatchers at their
 * shares never start more in any interval than one at the whole).
 */
public final class BurstBenchmark {

    private static final String TINY = """
            {"name": "tiny", "image": "busybox:1.36", "retries": 0,
             "command": ["sh", "-c", "wc -c < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/size\\""],
             "resources": {"vcpu": 0.25, "memoryMiB": 128}}""";
    private static final Duration PROGRESS = Duration.ofSeconds(10);

    private BurstBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 40;
        Duration timeout = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : Math.max(1200, 6L * n));
        // The dispatcher's own pace; only to show what the limit does to a dispatcher paced faster than it.
        double paced = args.length > 3 ? Double.parseDouble(args[3]) : rate;
        // The handlers' metrics (Embedded Metric Format) go to standard output, as on Lambda: keep them out of the figures.
        PrintStream report = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        Path home = Path.of(System.getProperty("conveyor.home", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sandbox-burst-");
        EcsStartLimit.Rate ecs = new EcsStartLimit.Rate(rate, rate * 2.5);
        Map<String, String> parameters = Map.of("MaxInstances", "20", "DispatchMaxConcurrency", "2",
                "EcsStartsPerSecond", Long.toString(Math.round(paced * 2)));
        try (Sandbox sandbox = Sandbox.start(Sandbox.Settings.of(home.resolve("template.yaml"), work)
                .withBootDelay(Duration.ZERO).withTimeScale(0.05).withParameters(parameters)
                .withStaging(Sandbox.Staging.SDK).withFaults(Faults.NONE.withEcsRate(ecs)))) {
            S3Client s3 = sandbox.emulator().s3();
            String in = sandbox.stack().inputBucket();
            String out = sandbox.stack().outputBucket();
            String table = sandbox.stack().functions().stream().map(f -> f.environment().get("JOB_INDEX_TABLE"))
                    .filter(t -> t != null).findFirst().orElseThrow(() -> new IllegalStateException("no JOB_INDEX_TABLE"));
            s3.putObject(r -> r.bucket(in).key("algorithms/tiny.json"), RequestBody.fromString(TINY));
            String revision = SandboxBenchmark.awaitRevision(s3, out);
            report.printf("burst of %d inputs, ECS starts limited to %s, one dispatcher paced at %.0f/s burst %.0f,"
                    + " %d cores%n", n, ecs, paced, paced * 2.5, Runtime.getRuntime().availableProcessors());

            long begun = System.nanoTime();
            List<String> ids = upload(s3, in, revision, n);
            report.printf("  uploaded in %.1f s%n", seconds(begun));
            Map<String, JobRecord> ended = new TreeMap<>();
            long deadline = begun + timeout.toNanos();
            long nextProgress = System.nanoTime();
            try (DynamoDbClient dynamo = sandbox.emulator().dynamoDb()) {
                while (ended.size() < n && System.nanoTime() < deadline) {
                    Map<String, Integer> states = states(dynamo, table);
                    int terminal = states.entrySet().stream().filter(e -> JobState.valueOf(e.getKey()).terminal())
                            .mapToInt(Map.Entry::getValue).sum();
                    if (System.nanoTime() >= nextProgress) {
                        EcsStartLimit.Seen seen = sandbox.ecsStarts();
                        report.printf("  %6.1f s  %s  starts %d (throttled %d)%n", seconds(begun), states,
                                seen.calls(), seen.throttled());
                        nextProgress = System.nanoTime() + PROGRESS.toNanos();
                    }
                    if (terminal >= n) {  // the index may lag the records: the records are the truth
                        for (String id : ids) {
                            if (!ended.containsKey(id)) {
                                JobRecord record = SandboxBenchmark.record(s3, out, id);
                                if (record != null && record.state().terminal()) {
                                    ended.put(id, record);
                                }
                            }
                        }
                    }
                    Thread.sleep(terminal >= n ? 1000 : 5000);  // the scan costs the emulator: not too often
                }
            }
            double wall = seconds(begun);
            long succeeded = ended.values().stream().filter(r -> r.state() == JobState.SUCCEEDED).count();
            List<String> failed = ended.values().stream().filter(r -> r.state() != JobState.SUCCEEDED)
                    .map(r -> r.id() + " " + r.state() + ": " + r.reason()).toList();
            long forThrottling = failed.stream().filter(BurstBenchmark::throttling).count();
            EcsStartLimit.Seen seen = sandbox.ecsStarts();
            report.printf("%nburst of %d: %s in %.1f s (%.1f jobs/s, %.0f ms a job)%n", n,
                    ended.size() == n ? "every job ended" : (n - ended.size()) + " jobs NOT ended (timeout "
                            + timeout.toSeconds() + " s)", wall, ended.size() / wall, 1000 * wall / Math.max(1, ended.size()));
            report.printf("  jobs SUCCEEDED %d, FAILED or CANCELLED %d, failed for throttling %d%n", succeeded,
                    failed.size(), forThrottling);
            failed.stream().limit(10).forEach(line -> report.println("    " + line));
            report.printf("  StartTask calls %d, throttled answers %d, most starts in one second %d (limit %s)%n",
                    seen.calls(), seen.throttled(), seen.mostInOneSecond(), ecs);
            report.printf("  faults injected %s%n", sandbox.faultsInjected());
            boolean met = succeeded == n && forThrottling == 0;
            report.println(met ? "goal met: every job SUCCEEDED, none failed for throttling" : "goal NOT met");
            if (!met) {
                System.exit(1);
            }
        }
    }

    private static boolean throttling(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        return text.contains("throttl") || text.contains("rate exceeded");
    }

    /** Uploads the inputs from 8 threads at once; returns their job ids. */
    private static List<String> upload(S3Client s3, String in, String revision, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "inputs/tiny/burst-" + i + ".txt";
                ids.add(pool.submit(() -> {
                    var put = s3.putObject(r -> r.bucket(in).key(key), RequestBody.fromString("tiny " + key));
                    return JobId.of("s3://" + in + "/" + key, put.versionId() != null ? put.versionId()
                            : "etag:" + put.eTag().replace("\"", ""), "tiny", revision);
                }));
            }
            List<String> result = new ArrayList<>();
            for (Future<String> id : ids) {
                result.add(id.get());
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Jobs by state, from the job index (one scan). */
    private static Map<String, Integer> states(DynamoDbClient dynamo, String table) {
        Map<String, Integer> states = new TreeMap<>();
        dynamo.scanPaginator(r -> r.tableName(table).projectionExpression("#s")
                        .expressionAttributeNames(Map.of("#s", "state"))).items()
                .forEach(item -> states.merge(item.getOrDefault("state", AttributeValue.fromS("?")).s(), 1, Integer::sum));
        states.remove("?");
        return states;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
