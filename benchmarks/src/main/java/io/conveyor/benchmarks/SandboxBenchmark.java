package io.conveyor.benchmarks;

import io.conveyor.cli.sandbox.Sandbox;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sandbox as a person meets it: time from {@code conveyor sandbox}'s start to ready (moto started,
 * the stack made, the pollers running), then upload → SUCCEEDED for tiny jobs with instances that boot
 * at once ({@code --boot-seconds 0}) and a minute of 3 s ({@code --time-scale 0.05}): one at a time
 * (the latency of one job on a warm instance), then N at once (a burst). Stage-in and stage-out run
 * through the SDK: the AWS CLI's start alone costs about 1.5 s of CPU per container here.
 */
public final class SandboxBenchmark {

    private static final String TINY = """
            {"name": "tiny", "image": "busybox:1.36", "retries": 0,
             "command": ["sh", "-c", "wc -c < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/size\\""],
             "resources": {"vcpu": 0.25, "memoryMiB": 128}}""";

    private SandboxBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path home = Path.of(System.getProperty("conveyor.home", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sandbox-bench-");
        long begun = System.nanoTime();
        try (Sandbox sandbox = Sandbox.start(Sandbox.Settings.of(home.resolve("template.yaml"), work)
                .withBootDelay(Duration.ZERO).withTimeScale(0.05).withParameters(Map.of("MaxInstances", "10"))
                .withStaging(Sandbox.Staging.SDK))) {
            double ready = (System.nanoTime() - begun) / 1e9;
            S3Client s3 = sandbox.emulator().s3();
            String in = sandbox.stack().inputBucket();
            String out = sandbox.stack().outputBucket();
            s3.putObject(r -> r.bucket(in).key("algorithms/tiny.json"), RequestBody.fromString(TINY));
            String revision = awaitRevision(s3, out);

            // Warm-up: the first job launches the instance.
            List<Double> single = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                double took = run(s3, in, out, revision, List.of("inputs/tiny/one-" + i + ".txt")).get(0);
                if (i > 0) {
                    single.add(took);
                }
            }
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                keys.add("inputs/tiny/burst-" + i + ".txt");
            }
            long burstBegun = System.nanoTime();
            List<Double> bursted = run(s3, in, out, revision, keys);
            double drained = (System.nanoTime() - burstBegun) / 1e9;

            System.out.printf("sandbox on this machine (%d cores): ready in %.1f s (moto started, stack made, pollers"
                    + " running; goal < 15 s)%n", Runtime.getRuntime().availableProcessors(), ready);
            System.out.printf("  one job at a time, warm instance: upload -> SUCCEEDED median %.2f s, p90 %.2f s (n=%d;"
                    + " goal: median < 5 s)%n", median(single), p90(single), single.size());
            System.out.printf("  %d jobs at once: upload -> SUCCEEDED median %.2f s, p90 %.2f s, all done in %.1f s%n",
                    burst, median(bursted), p90(bursted), drained);
        }
    }

    /** Uploads the keys at once and returns each one's upload → SUCCEEDED time, in seconds. */
    private static List<Double> run(S3Client s3, String in, String out, String revision, List<String> keys)
            throws InterruptedException {
        long[] uploaded = new long[keys.size()];
        String[] ids = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            uploaded[i] = System.nanoTime();
            var put = s3.putObject(r -> r.bucket(in).key(key), RequestBody.fromString("tiny " + key));
            // The input bucket is versioned: dispatch names the job by the version (the sandbox adds it to moto's event).
            ids[i] = JobId.of("s3://" + in + "/" + key, put.versionId() != null ? put.versionId()
                    : "etag:" + put.eTag().replace("\"", ""), "tiny", revision);
        }
        double[] took = new double[keys.size()];
        int left = keys.size();
        while (left > 0) {
            for (int i = 0; i < keys.size(); i++) {
                if (took[i] > 0) {
                    continue;
                }
                JobRecord record = record(s3, out, ids[i]);
                if (record != null && record.state().terminal()) {
                    if (record.state() != JobState.SUCCEEDED) {
                        throw new IllegalStateException(keys.get(i) + " ended " + record.state() + ": " + record.reason());
                    }
                    took[i] = (System.nanoTime() - uploaded[i]) / 1e9;
                    left--;
                }
            }
            Thread.sleep(50);
        }
        List<Double> times = new ArrayList<>();
        for (double t : took) {
            times.add(t);
        }
        return times;
    }

    static JobRecord record(S3Client s3, String bucket, String id) {
        try {
            return Json.mapper().readValue(s3.getObjectAsBytes(r -> r.bucket(bucket).key("jobs/" + id + ".json"))
                    .asByteArray(), JobRecord.class);
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String awaitRevision(S3Client s3, String out) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                return Json.mapper().readTree(s3.getObjectAsBytes(r -> r.bucket(out).key("registry/algorithms/tiny.json"))
                        .asByteArray()).path("sha256").asText();
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException | java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("tiny was not registered within 60 s");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static double p90(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1));
    }
}
