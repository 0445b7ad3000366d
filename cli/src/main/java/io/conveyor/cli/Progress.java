package io.conveyor.cli;

import io.conveyor.descriptor.Problem;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.local.LocalPipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the local mode shows while it works: on a terminal one live status line (queued, running,
 * done, failed; a bar with {@code --once}); otherwise one plain line per change.
 *
 * <p>The live line is drawn again at most every {@link #REDRAW_NANOS}. A change within that time leaves it to the next
 * change after it, or to a timer of its own, so it is never much more than an interval behind. Its counts are kept as
 * jobs change. (Drawn on every change, and counted over every job each time, it made a 5,000-job run on a terminal
 * take 1.22 x the time: docs/design/decisions.md, tenth pass.)
 */
final class Progress implements LocalPipeline.Listener {

    /** The live line's shortest interval between two draws: 100 ms. */
    static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean live;
    private final boolean bar;
    private final Path base;
    private final LongSupplier nanos;
    private final Map<String, JobState> states = new HashMap<>();
    private final Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
    private final ScheduledExecutorService redraws;
    private long drawnAt;
    private boolean drawn;
    private boolean stale;

    /**
     * @param base paths below it are shown relative to it (the folder holding inbox and outbox)
     */
    Progress(PrintStream out, boolean live, boolean bar, Path base) {
        this(out, live, bar, base, System::nanoTime, live);
    }

    /** With the clock the live line's interval is measured by, and whether a timer draws a line left stale. */
    Progress(PrintStream out, boolean live, boolean bar, Path base, LongSupplier nanos, boolean timer) {
        this.out = out;
        this.live = live;
        this.bar = bar;
        this.base = base;
        this.nanos = nanos;
        this.redraws = timer ? Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "progress");
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (redraws != null) {
            redraws.scheduleWithFixedDelay(this::drawIfStale, REDRAW_NANOS, REDRAW_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** A path as short as it can be said: relative to the base when below it. */
    static String shorten(Path base, String path) {
        String shown = path.startsWith(base + "/") ? path.substring(base.toString().length() + 1) : path;
        return shown.replace("\n", "\\n");
    }

    /** Whether standard output is a terminal (Console.isTerminal on JDK 22+, a console on 21). */
    static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public synchronized void descriptorLoaded(String name, Path file) {
        print("algorithm " + name + " (" + file.getFileName() + ")");
    }

    @Override
    public synchronized void descriptorRejected(Path file, List<Problem> errors) {
        skipped(file, errors);
    }

    @Override
    public synchronized void pipelineLoaded(String name, Path file) {
        print("pipeline " + name + " (" + file.getFileName() + ")");
    }

    @Override
    public synchronized void pipelineRejected(Path file, List<Problem> errors) {
        skipped(file, errors);
    }

    /** A file of the algorithms folder not taken, a line per error. */
    private void skipped(Path file, List<Problem> errors) {
        for (Problem problem : errors) {
            print("skipped " + file + ": " + problem);
        }
    }

    @Override
    public synchronized void batchLeftOpen(String pipeline, String batch, java.time.Instant lookAgainAt) {
        print("batch " + pipeline + "/" + batch + " is still open (next look at " + lookAgainAt
                + "): a later run takes it on");
    }

    @Override
    public synchronized void ignored(Path file, String reason) {
        print("ignored " + file + ": " + reason);
    }

    @Override
    public synchronized void waiting(Path file, String reason) {
        print("waiting for " + shorten(base, file.toString()) + ": " + reason);
    }

    @Override
    public synchronized void jobChanged(JobRecord record) {
        if (!live) {
            if (record.state() != JobState.STARTING) {
                out.println(line(record));
            }
            return;
        }
        JobState before = states.put(record.id(), record.state());
        if (before != null) {
            counts.merge(before, -1, Integer::sum);
        }
        counts.merge(record.state(), 1, Integer::sum);
        if (record.state().terminal()) {
            print(line(record));
        } else if (record.state() != JobState.STARTING) {
            changed();
        }
    }

    private String line(JobRecord record) {
        String what = record.state() + " " + record.id() + " " + record.algorithm() + " " + shorten(base, record.input());
        if (record.state() == JobState.RUNNING || record.state() == JobState.STARTING) {
            what += " (attempt " + record.attempt() + " of " + record.maxAttempts() + ")";
        }
        if (record.reason() != null) {
            what += ": " + record.reason();
        }
        return what;
    }

    private void print(String line) {
        if (live) {
            // The line takes the live line's place, which is drawn again below it at once, in the same write.
            out.print("\r\033[2K" + line + System.lineSeparator() + liveLine(nanos.getAsLong()));
            out.flush();
        } else {
            out.println(line);
        }
    }

    /** Draws the live line, unless it was drawn within the interval: then it is left to the next draw. */
    private void changed() {
        if (drawn && nanos.getAsLong() - drawnAt < REDRAW_NANOS) {
            stale = true;
            return;
        }
        draw();
    }

    /** Draws the live line if a change since it was drawn is not shown yet (the timer's task). */
    synchronized void drawIfStale() {
        if (stale) {
            draw();
        }
    }

    private void draw() {
        out.print(liveLine(nanos.getAsLong()));
        out.flush();
    }

    /** The live line as things stand, noted as drawn at {@code now} (the caller prints it). */
    private String liveLine(long now) {
        drawn = true;
        stale = false;
        drawnAt = now;
        int queued = counts.getOrDefault(JobState.QUEUED, 0) + counts.getOrDefault(JobState.WAITING_FOR_CAPACITY, 0);
        int runningNow = counts.getOrDefault(JobState.STARTING, 0) + counts.getOrDefault(JobState.RUNNING, 0);
        int done = counts.getOrDefault(JobState.SUCCEEDED, 0);
        int failed = counts.getOrDefault(JobState.FAILED, 0) + counts.getOrDefault(JobState.CANCELLED, 0);
        String text = "queued " + queued + " · running " + runningNow + " · done " + done + " · failed " + failed;
        if (bar && !states.isEmpty()) {
            int width = 30;
            int filled = (done + failed) * width / states.size();
            text = "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + text;
        }
        return "\r\033[2K" + text;
    }

    /** Ends the live line, drawn as things stand. */
    synchronized void close() {
        if (redraws != null) {
            redraws.shutdownNow();
        }
        if (live) {
            if (stale) {
                draw();
            }
            out.println();
        }
    }
}
