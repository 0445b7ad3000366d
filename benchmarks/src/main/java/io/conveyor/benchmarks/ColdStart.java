package io.conveyor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Cold start of each function as Lambda feels it: a fresh JVM ({@code -XX:TieredStopAtLevel=1}) on the
 * function's artifact classpath (its {@code function.zip} unpacked: classes and {@code lib/*.jar}), the
 * handler built by its no-arg constructor with the variables of {@code events/env-vars.json} pointed at a
 * moto server, and the first response on its {@code events/} sample ({@link ColdStartChild}). Interleaved
 * with a bare {@code RequestHandler} of the same event type on the same classpath and flags. Each artifact
 * is timed twice: fresh, and primed (its CRaC {@code beforeCheckpoint} run before the first request, as a
 * SnapStart restore would find it).
 *
 * <pre>java -cp ... io.conveyor.benchmarks.ColdStart HOME ENDPOINT RUNS LABEL=ZIPS_DIR...</pre>
 * where each {@code ZIPS_DIR} holds {@code <function>.zip} per function.
 */
public final class ColdStart {

    private record Case(String name, String zip, String handler, String event, String envSection,
                        Map<String, String> extraEnv, boolean sqs) {
    }

    private static final String OUTPUT_BUCKET = "conveyor-123456789012-us-east-1-out";
    private static final String INPUT_BUCKET = "conveyor-123456789012-us-east-1-in";
    private static final List<Case> CASES = List.of(
            new Case("register-algorithm", "register-algorithm", "io.conveyor.functions.register.RegisterAlgorithmHandler",
                    "events/register-algorithm/descriptor-created.json", "RegisterAlgorithmFunction", Map.of(), true),
            new Case("dispatch", "dispatch", "io.conveyor.functions.dispatch.DispatchHandler",
                    "events/dispatch/input-created.json", "DispatchFunction", Map.of(), true),
            new Case("capacity", "capacity", "io.conveyor.functions.capacity.CapacityHandler",
                    "events/capacity/need-sent.json", "CapacityFunction", Map.of("OUTPUT_BUCKET", OUTPUT_BUCKET), true),
            new Case("task-events", "task-events", "io.conveyor.functions.taskevents.TaskEventsHandler",
                    "events/task-events/task-stopped.json", "TaskEventsFunction", Map.of("INPUT_BUCKET", INPUT_BUCKET),
                    true),
            new Case("reconcile", "task-events", "io.conveyor.functions.taskevents.ReconcileHandler",
                    "events/fleet-monitor/scheduled.json", "TaskEventsFunction", Map.of("INPUT_BUCKET", INPUT_BUCKET,
                    "RECONCILE_SETTLE_MINUTES", "5", "REGISTRATION_DEAD_LETTER_QUEUE_URL", "QUEUE/conveyor-registration-dlq",
                    "JOBS_DEAD_LETTER_QUEUE_URL", "QUEUE/conveyor-jobs-dlq",
                    "TASK_EVENTS_DEAD_LETTER_QUEUE_URL", "QUEUE/conveyor-task-events-dlq"), false),
            new Case("fleet-monitor", "fleet-monitor", "io.conveyor.functions.fleet.FleetMonitorHandler",
                    "events/fleet-monitor/scheduled.json", "FleetMonitorFunction", Map.of("OUTPUT_BUCKET", OUTPUT_BUCKET),
                    false));

    /** The children's standard error (the handlers' logs), for when one fails. */
    private static Path log;

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ColdStart HOME ENDPOINT RUNS LABEL=ZIPS_DIR...");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String endpoint = args[1];
        int runs = Integer.parseInt(args[2]);
        Map<String, Path> artifacts = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] parts = args[i].split("=", 2);
            artifacts.put(parts[0], Path.of(parts[1]));
        }
        Path work = Files.createTempDirectory("cold-start");
        log = work.resolve("children.log");
        System.err.println("children's logs: " + log);
        String helpers = helperClasspath();
        Map<String, String> queues = prepareMoto(endpoint);
        JsonNode envVars = Json.mapper().readTree(home.resolve("events/env-vars.json").toFile());
        System.out.printf("Cold start, %d fresh JVMs per cell, interleaved, -XX:TieredStopAtLevel=1; medians in ms%n", runs);
        System.out.printf("%-19s %-16s %9s %6s %6s %6s %11s %11s%n", "function", "variant", "construct", "prime", "first",
                "total", "total/bare", "first/bare");
        for (Case c : CASES) {
            Map<String, String> env = environment(envVars, c, endpoint, queues);
            Map<String, String> classpaths = new LinkedHashMap<>();
            for (Map.Entry<String, Path> artifact : artifacts.entrySet()) {
                Path dir = unzip(artifact.getValue().resolve(c.zip() + ".zip"), work.resolve(artifact.getKey() + "-" + c.zip()));
                classpaths.put(artifact.getKey(), dir + File.pathSeparator + dir.resolve("lib") + File.separator + "*"
                        + File.pathSeparator + helpers);
            }
            String bareHandler = ColdStartChild.class.getName() + (c.sqs() ? "$BareSqsHandler" : "$BareScheduledHandler");
            String event = home.resolve(c.event()).toString();
            Map<String, List<long[]>> samples = new LinkedHashMap<>();
            String first = classpaths.values().iterator().next();
            for (int run = 0; run < runs; run++) {
                add(samples, "bare handler", spawn(first, bareHandler, event, "fresh", env));
                for (Map.Entry<String, String> cp : classpaths.entrySet()) {
                    add(samples, cp.getKey() + " fresh", spawn(cp.getValue(), c.handler(), event, "fresh", env));
                    add(samples, cp.getKey() + " primed", spawn(cp.getValue(), c.handler(), event, "prime", env));
                }
            }
            long[] bare = medians(samples.get("bare handler"));
            for (Map.Entry<String, List<long[]>> cell : samples.entrySet()) {
                long[] m = medians(cell.getValue());
                System.out.printf("%-19s %-16s %9d %6s %6d %6d %11.2f %11.2f%n", c.name(), cell.getKey(), m[0],
                        m[1] < 0 ? "-" : Long.toString(m[1]), m[2], m[3], (double) m[3] / bare[3],
                        (double) m[2] / Math.max(1, bare[2]));
            }
        }
        System.out.println("construct: the no-arg constructor; prime: the CRaC resources it registered, before the checkpoint"
                + " and after the restore (- when fresh);"
                + " first: event deserialized and the first request answered; total: JVM start to that answer.");
    }

    private static void add(Map<String, List<long[]>> samples, String cell, long[] sample) {
        samples.computeIfAbsent(cell, k -> new ArrayList<>()).add(sample);
    }

    /** The child's own class and the Lambda runtime's serializers and CRaC API, which the runtime brings. */
    private static String helperClasspath() throws Exception {
        List<String> parts = new ArrayList<>();
        parts.add(Path.of(ColdStartChild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("aws-lambda-java-serialization-") || name.startsWith("crac-")) {
                parts.add(entry);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    /** The output bucket and the queues the handlers name, so that their calls are answered as on a stack. */
    private static Map<String, String> prepareMoto(String endpoint) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        Map<String, String> queues = new LinkedHashMap<>();
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
                .forcePathStyle(true).credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
                     .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build()) {
            s3.createBucket(b -> b.bucket(OUTPUT_BUCKET));
            s3.createBucket(b -> b.bucket(INPUT_BUCKET));
            for (String name : List.of("conveyor-jobs", "conveyor-jobs-dlq", "conveyor-registration-dlq",
                    "conveyor-task-events-dlq")) {
                queues.put(name, sqs.createQueue(q -> q.queueName(name)).queueUrl());
            }
        }
        return queues;
    }

    private static Map<String, String> environment(JsonNode envVars, Case c, String endpoint, Map<String, String> queues) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", io.conveyor.config.Environment.system().optional("PATH").orElse("/usr/bin:/bin"));
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        envVars.path(c.envSection()).fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.putAll(c.extraEnv());
        env.replaceAll((name, value) -> {
            for (Map.Entry<String, String> queue : queues.entrySet()) {
                if (value.endsWith("/" + queue.getKey())) {
                    return queue.getValue();
                }
            }
            return value;
        });
        return env;
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        if (Files.isDirectory(into)) {
            return into;
        }
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException(zip + ": entry " + entry.getName() + " leaves the folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return into;
    }

    private static long[] spawn(String classpath, String handler, String event, String mode, Map<String, String> env)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.crac.Core.Compat=" + ColdStartChild.SNAPSTART,
                "-cp", classpath, ColdStartChild.class.getName(),
                handler, event, mode).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out;
        try (InputStream stdout = process.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(handler + " (" + mode + ") failed: " + out);
        }
        // The handlers' own lines (EMF metrics, reports) come first; the timings are the last line.
        String[] lines = out.split("\n");
        String[] parts = lines[lines.length - 1].trim().split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                Long.parseLong(parts[3])};
    }

    private static long[] medians(List<long[]> samples) {
        long[] medians = new long[4];
        for (int i = 0; i < 4; i++) {
            List<Long> values = new ArrayList<>();
            for (long[] sample : samples) {
                values.add(sample[i]);
            }
            Collections.sort(values);
            medians[i] = values.get(values.size() / 2);
        }
        return medians;
    }
}
