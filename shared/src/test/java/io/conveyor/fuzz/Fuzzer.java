package io.conveyor.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs one {@link FuzzTarget} on its corpus and on inputs generated and mutated from it, each input on a
 * worker thread with a time limit (the hang detector), until a number of tries or a deadline. Counts
 * accepted and rejected inputs, crashes (an exception other than the documented rejection, or a broken
 * property) and hangs, and keeps the slowest input's time. Anything found is written to the corpus
 * folder, named by its SHA-256, so that CI replays it from then on.
 */
public final class Fuzzer {

    /** How long one input may take before it counts as a hang. */
    public static final Duration HANG = Duration.ofSeconds(2);

    /** One input that crashed or hung: the input, what happened, and where it was kept. */
    public record Finding(String kind, byte[] input, String what, Path kept) {
    }

    /** What a run did. */
    public record Report(String target, long tried, long accepted, long rejected, List<Finding> crashes,
                         List<Finding> hangs, long slowestNanos) {

        /** One line: the counts and the slowest input's time. */
        public String line() {
            return String.format("%-20s %10d %10d %10d %8d %6d %10.1f", target, tried, rejected, accepted, crashes.size(),
                    hangs.size(), slowestNanos / 1e6);
        }

        public static String header() {
            return String.format("%-20s %10s %10s %10s %8s %6s %10s", "target", "tried", "rejected", "accepted",
                    "crashes", "hangs", "slowest ms");
        }
    }

    private final FuzzTarget target;
    private final Path corpus;
    private final boolean keepFindings;
    private ExecutorService worker = newWorker();

    /**
     * @param corpus       the target's corpus folder (read; written when {@code keepFindings})
     * @param keepFindings whether crashes and hangs are written into {@code corpus}
     */
    public Fuzzer(FuzzTarget target, Path corpus, boolean keepFindings) {
        this.target = target;
        this.corpus = corpus;
        this.keepFindings = keepFindings;
    }

    /** The corpus files, sorted by name. */
    public static List<Path> corpusFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The corpus replayed, then generated and mutated inputs until {@code tries} or {@code deadlineNanos}. */
    public Report run(long seed, long tries, long deadlineNanos) {
        Mutations random = new Mutations(seed);
        List<byte[]> pool = new ArrayList<>(target.seeds());
        Counts counts = new Counts();
        for (Path file : corpusFiles(corpus)) {
            byte[] input = read(file);
            pool.add(input);
            once(input, counts);
        }
        while (counts.tried < tries && System.nanoTime() < deadlineNanos) {
            byte[] input = random.chance(20) ? target.generate(random)
                    : random.mutate(random.oneOf(pool), random.oneOf(pool));
            if (input.length > 4 << 20) {
                continue;
            }
            once(input, counts);
            // Accepted inputs reach the rules behind the syntax: mutate them further.
            if (counts.lastAccepted && pool.size() < 5_000 && random.chance(10)) {
                pool.add(input);
            }
        }
        worker.shutdownNow();
        return new Report(target.name(), counts.tried, counts.accepted, counts.rejected, counts.crashes, counts.hangs,
                counts.slowest);
    }

    private static final class Counts {
        long tried;
        long accepted;
        long rejected;
        long slowest;
        boolean lastAccepted;
        final List<Finding> crashes = new ArrayList<>();
        final List<Finding> hangs = new ArrayList<>();
    }

    private void once(byte[] input, Counts counts) {
        counts.tried++;
        counts.lastAccepted = false;
        long started = System.nanoTime();
        Future<FuzzTarget.Verdict> run = worker.submit(() -> target.run(input));
        try {
            FuzzTarget.Verdict verdict = run.get(HANG.toNanos(), TimeUnit.NANOSECONDS);
            counts.lastAccepted = verdict == FuzzTarget.Verdict.ACCEPTED;
            if (counts.lastAccepted) {
                counts.accepted++;
            } else {
                counts.rejected++;
            }
        } catch (TimeoutException e) {
            run.cancel(true);
            // The stuck thread cannot be stopped; a new worker takes the next inputs.
            worker.shutdownNow();
            worker = newWorker();
            counts.hangs.add(keep("hang", input, "ran longer than " + HANG.toMillis() + " ms"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String what = cause instanceof FuzzTarget.InvariantViolation ? "property broken: " + cause.getMessage()
                    : cause.getClass().getName() + ": " + cause.getMessage() + " at " + firstFrame(cause);
            counts.crashes.add(keep("crash", input, what));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        counts.slowest = Math.max(counts.slowest, System.nanoTime() - started);
    }

    private static String firstFrame(Throwable cause) {
        StackTraceElement[] trace = cause.getStackTrace();
        for (StackTraceElement frame : trace) {
            if (frame.getClassName().startsWith("io.conveyor") && !frame.getClassName().startsWith("io.conveyor.fuzz")) {
                return frame.toString();
            }
        }
        return trace.length == 0 ? "?" : trace[0].toString();
    }

    private Finding keep(String kind, byte[] input, String what) {
        Path kept = null;
        if (keepFindings) {
            try {
                Files.createDirectories(corpus);
                kept = corpus.resolve("found-" + kind + "-" + sha256(input).substring(0, 16));
                Files.write(kept, input);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Finding(kind, input, what, kept);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fuzz-worker");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
