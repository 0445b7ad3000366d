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
 * Runs with the command's 200 ms poll. The stability window (1 s by default: a file must stop changing
 * that long before it is taken) is set to zero for the overhead and left out of the throughput clock
 * (first job taken to last job finished); add it to both for the wait a person sees.
 */
public final class LocalModeBenchmark {

    private static final String TINY = """
            {"name": "tiny", "image": "busybox:1.36", "retries": 0,
             "command": ["sh", "-c", "date +%s%N > \\"$CONVEYOR_OUTPUT_DIR/started\\""],
             "resources": {"vcpu": 1, "memoryMiB": 128}}
            """;

    /** The poll interval of conveyor local. */
    private static final Duration POLL = Duration.ofMillis(200);

    private LocalModeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<List<Double>> overheads = overhead(jobs);
        List<Double> fromTaken = overheads.get(0);
        List<Double> fromWritten = overheads.get(1);
        Collections.sort(fromTaken);
        Collections.sort(fromWritten);
        System.out.printf("Local mode, %d tiny jobs (sh writing its start time), this machine: %d cores, poll %d ms%n",
                jobs, Runtime.getRuntime().availableProcessors(), POLL.toMillis());
        System.out.printf("  overhead, input taken -> process start: median %.1f ms, p90 %.1f ms, max %.1f ms%n",
                fromTaken.get(fromTaken.size() / 2), fromTaken.get(fromTaken.size() * 9 / 10),
                fromTaken.get(fromTaken.size() - 1));
        System.out.printf("  file written -> process start (no stability window): median %.1f ms, p90 %.1f ms%n",
                fromWritten.get(fromWritten.size() / 2), fromWritten.get(fromWritten.size() * 9 / 10));
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
                Duration.ZERO, POLL);
    }

    /** One job at a time: ms from admission, and from the file's writing, to the process start. */
    private static List<List<Double>> overhead(int jobs) throws Exception {
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
        List<Double> sinceWritten = new ArrayList<>();
        Map<String, Instant> written = new ConcurrentHashMap<>();
        for (int i = 0; i < jobs; i++) {
            written.put(dir.resolve("inbox/tiny/" + i + ".txt").toString(), Instant.now());
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
            sinceWritten.add(Duration.between(written.get(record.input()), started).toNanos() / 1e6);
        }
        return List.of(overheads, sinceWritten);
    }

    /** All inputs at once with {@code slots} one-vCPU slots: jobs per second, wall clock. */
    private static double throughput(int jobs, int slots) throws Exception {
        Path dir = workspace();
        for (int i = 0; i < jobs; i++) {
            Files.writeString(dir.resolve("inbox/tiny/" + i + ".txt"), "input " + i);
        }
        LocalSettings settings = settings(dir, slots);
        long[] window = {Long.MAX_VALUE, 0};
        LocalPipeline.Listener clock = new LocalPipeline.Listener() {
            @Override
            public synchronized void jobChanged(JobRecord record) {
                if (record.state() == JobState.QUEUED && record.attempt() == 0) {
                    window[0] = Math.min(window[0], System.nanoTime());
                }
                if (record.state().terminal()) {
                    window[1] = Math.max(window[1], System.nanoTime());
                }
            }
        };
        LocalPipeline.Summary summary = new LocalPipeline(settings, new FileJobStore(settings.jobs()),
                new LocalProcessRunner(), clock, Clock.systemUTC()).run(true, () -> false);
        double seconds = (window[1] - window[0]) / 1e9;
        if (summary.jobs().size() != jobs || summary.anyFailed()) {
            throw new IllegalStateException("expected " + jobs + " succeeded jobs, got " + summary.jobs().size());
        }
        return jobs / seconds;
    }
}
