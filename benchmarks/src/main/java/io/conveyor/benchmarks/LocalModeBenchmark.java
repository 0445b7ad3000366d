package io.conveyor.benchmarks;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.local.FileJobStore;
import io.conveyor.local.LocalPipeline;
import io.conveyor.local.LocalProcessRunner;
import io.conveyor.local.LocalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local mode's own cost, with tiny jobs (a shell that writes the time it started):
 * <ul>
 *   <li>overhead per job: from the moment an input is taken (stable, admitted) to the algorithm's
 *       process start, one job at a time, median over N;</li>
 *   <li>tiny jobs per second with 1 and with 2 slots (N inputs at once, one vCPU per job).</li>
 * </ul>
 * Runs with a 20 ms poll and no stability window, so the numbers are the pipeline's, not its waits.
 */
public final class LocalModeBenchmark {

    private static final String TINY = """
            {"name": "tiny", "image": "busybox:1.36", "retries": 0,
             "command": ["sh", "-c", "date +%s%N > \\"$CONVEYOR_OUTPUT_DIR/started\\""],
             "resources": {"vcpu": 1, "memoryMiB": 128}}
            """;

    private LocalModeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<Double> overheads = overhead(jobs);
        Collections.sort(overheads);
        System.out.printf("Local mode, %d tiny jobs (sh writing its start time), this machine: %d cores%n", jobs,
                Runtime.getRuntime().availableProcessors());
        System.out.printf("  overhead, input taken -> process start: median %.1f ms, p90 %.1f ms, max %.1f ms%n",
                overheads.get(overheads.size() / 2), overheads.get(overheads.size() * 9 / 10),
                overheads.get(overheads.size() - 1));
        double one = throughput(jobs, 1);
        double two = throughput(jobs, 2);
        System.out.printf("  throughput: %.1f jobs/s with 1 slot, %.1f jobs/s with 2 slots (ratio %.2f)%n", one, two,
                two / one);
    }

    private static Path workspace() throws IOException {
        Path dir = Files.createTempDirectory("conveyor-bench-");
        Files.createDirectories(dir.resolve("algorithms"));
        Files.writeString(dir.resolve("algorithms/tiny.json"), TINY);
        Files.createDirectories(dir.resolve("inbox/tiny"));
        return dir;
    }

    private static LocalSettings settings(Path dir, double cpus) {
        return new LocalSettings(dir.resolve("inbox"), dir.resolve("outbox"), dir.resolve("algorithms"), cpus, 8192,
                Duration.ZERO, Duration.ofMillis(20));
    }

    /** One job at a time: the time from admission to the process start, in ms. */
    private static List<Double> overhead(int jobs) throws Exception {
        Path dir = workspace();
        Map<String, Instant> taken = new ConcurrentHashMap<>();
        Map<String, JobRecord> done = new ConcurrentHashMap<>();
        LocalPipeline.Listener listener = new LocalPipeline.Listener() {
            @Override
            public void jobChanged(JobRecord record) {
                if (record.state() == JobState.QUEUED && record.attempt() == 0) {
                    taken.putIfAbsent(record.id(), Instant.now());
                }
                if (record.state().terminal()) {
                    done.put(record.id(), record);
                }
            }
        };
        AtomicBoolean stop = new AtomicBoolean();
        LocalSettings settings = settings(dir, 2);
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<LocalPipeline.Summary> run = background.submit(() -> new LocalPipeline(settings,
                new FileJobStore(settings.jobs()), new LocalProcessRunner(), listener, Clock.systemUTC())
                .run(false, stop::get));
        List<Double> overheads = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            Files.writeString(dir.resolve("inbox/tiny/" + i + ".txt"), "input " + i);
            while (done.size() <= i) {
                Thread.sleep(2);
            }
        }
        stop.set(true);
        run.get();
        background.shutdown();
        for (JobRecord record : done.values()) {
            long startedNanos = Long.parseLong(Files.readString(Path.of(record.output(), "started")).trim());
            Instant started = Instant.ofEpochSecond(0, startedNanos);
            overheads.add(Duration.between(taken.get(record.id()), started).toNanos() / 1e6);
        }
        return overheads;
    }

    /** All inputs at once with {@code slots} one-vCPU slots: jobs per second, wall clock. */
    private static double throughput(int jobs, int slots) throws Exception {
        Path dir = workspace();
        for (int i = 0; i < jobs; i++) {
            Files.writeString(dir.resolve("inbox/tiny/" + i + ".txt"), "input " + i);
        }
        LocalSettings settings = settings(dir, slots);
        long started = System.nanoTime();
        LocalPipeline.Summary summary = new LocalPipeline(settings, new FileJobStore(settings.jobs()),
                new LocalProcessRunner(), new LocalPipeline.Listener() { }, Clock.systemUTC()).run(true, () -> false);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (summary.jobs().size() != jobs || summary.anyFailed()) {
            throw new IllegalStateException("expected " + jobs + " succeeded jobs, got " + summary.jobs().size());
        }
        return jobs / seconds;
    }
}
