package io.conveyor.cli;

import io.conveyor.descriptor.Problem;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.local.LocalPipeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local mode shows while it works: on a terminal one live status line (queued, running,
 * done, failed; a bar with {@code --once}); otherwise one plain line per change.
 */
final class Progress implements LocalPipeline.Listener {

    private final PrintStream out;
    private final boolean live;
    private final boolean bar;
    private final Path base;
    private final Map<String, JobState> states = new LinkedHashMap<>();

    /**
     * @param base paths below it are shown relative to it (the folder holding inbox and outbox)
     */
    Progress(PrintStream out, boolean live, boolean bar, Path base) {
        this.out = out;
        this.live = live;
        this.bar = bar;
        this.base = base;
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
        states.put(record.id(), record.state());
        if (record.state() == JobState.STARTING) {
            return;
        }
        if (live) {
            if (record.state().terminal()) {
                print(line(record));
            }
            status();
        } else {
            out.println(line(record));
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
            out.print("\r\033[2K");
        }
        out.println(line);
        if (live) {
            status();
        }
    }

    private void status() {
        Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
        states.values().forEach(state -> counts.merge(state, 1, Integer::sum));
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
        out.print("\r\033[2K" + text);
        out.flush();
    }

    /** Ends the live line. */
    void close() {
        if (live) {
            out.println();
        }
    }
}
