package io.conveyor.cli;

import io.conveyor.local.DockerInvocation;
import io.conveyor.local.FileJobStore;
import io.conveyor.local.LocalPipeline;
import io.conveyor.local.LocalProcessRunner;
import io.conveyor.local.LocalRuntime;
import io.conveyor.local.LocalSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code conveyor local}: the whole pipeline on this machine.
 */
final class LocalCommand {

    static final String USAGE = "usage: conveyor local [--inbox DIR] [--outbox DIR] [--algorithms DIR] [--cpus N] "
            + "[--memory MIB] [--runtime process|docker] [--param NAME=VALUE]... [--stable SECONDS] [--once]";

    /** Every option {@link #parse} accepts: it refuses any other (docs/cli.md documents each). */
    static final List<String> OPTIONS = List.of("--inbox", "--outbox", "--algorithms", "--cpus", "--memory", "--runtime",
            "--param", "--stable", "--once");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    LocalCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** The parsed options, with this machine's defaults. */
    record Options(LocalSettings settings, boolean once) {
    }

    static Options parse(List<String> args, Path home) throws UsageException {
        Path inbox = Path.of("inbox");
        Path outbox = Path.of("outbox");
        Path algorithms = Path.of("algorithms");
        double cpus = Runtime.getRuntime().availableProcessors();
        long memory = physicalMemoryMiB();
        boolean once = false;
        LocalRuntime runtime = LocalRuntime.PROCESS;
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();
        Duration stable = Duration.ofSeconds(1);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!OPTIONS.contains(arg)) {
                throw new UsageException("unknown option " + arg + "\n" + USAGE);
            }
            switch (arg) {
                case "--inbox" -> inbox = Path.of(value(args, ++i, arg));
                case "--outbox" -> outbox = Path.of(value(args, ++i, arg));
                case "--algorithms" -> algorithms = Path.of(value(args, ++i, arg));
                case "--cpus" -> cpus = positive(value(args, ++i, arg), arg);
                case "--memory" -> {
                    String given = value(args, ++i, arg);
                    try {
                        memory = Long.parseLong(given);
                    } catch (NumberFormatException e) {
                        memory = 0;
                    }
                    if (memory < 1) {
                        throw new UsageException("--memory must be a whole number of MiB, at least 1, was '" + given + "'");
                    }
                }
                case "--once" -> once = true;
                case "--param" -> {
                    String given = value(args, ++i, arg);
                    int equals = given.indexOf('=');
                    String name = equals < 0 ? given : given.substring(0, equals);
                    try {
                        io.conveyor.local.LocalParameters.checkName(name);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--param " + given + ": " + e.getMessage());
                    }
                    if (equals < 0) {
                        throw new UsageException("--param must be NAME=VALUE, was '" + given + "'");
                    }
                    parameters.put(name, given.substring(equals + 1));
                }
                case "--stable" -> stable = Duration.ofMillis(Math.round(nonNegative(value(args, ++i, arg), arg) * 1000));
                case "--runtime" -> {
                    String chosen = value(args, ++i, arg);
                    runtime = switch (chosen) {
                        case "process" -> LocalRuntime.PROCESS;
                        case "docker" -> LocalRuntime.DOCKER;
                        default -> throw new UsageException("--runtime must be process or docker, was '" + chosen + "'");
                    };
                }
                default -> throw new IllegalStateException(arg + " is in OPTIONS but not parsed");
            }
        }
        return new Options(new LocalSettings(inbox, outbox, algorithms, cpus, memory, stable,
                Duration.ofMillis(200), runtime, parameters), once);
    }

    int run(List<String> args) throws UsageException {
        Options options = parse(args, home);
        if (options.settings().runtime() == LocalRuntime.DOCKER) {
            String problem = DockerInvocation.engineProblem();
            if (problem != null) {
                throw new UsageException("--runtime docker: no Docker engine answers (" + problem
                        + "); use --runtime process");
            }
        }
        return run(options.settings(), options.once(), Progress.terminal());
    }

    int run(LocalSettings settings, boolean once, boolean live) throws UsageException {
        err.println("conveyor local: " + settings.inbox() + " -> " + settings.outbox() + ", " + settings.cpus()
                + " CPUs, " + settings.memoryMiB() + " MiB; " + (settings.runtime() == LocalRuntime.DOCKER
                ? "algorithms run in their images (Docker)" : "algorithms run as local processes (no isolation)")
                + (once ? "" : "; Ctrl-C stops"));
        Progress progress = new Progress(err, live, once, settings.outbox().getParent());
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        // Ctrl-C or SIGTERM: ask the run to stop, and hold the JVM until it has (its running jobs
        // ended, their records left for the next run to resume), 15 s at the most.
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                ended.await(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            LocalPipeline.checkFolders(settings);
            LocalPipeline.Summary summary = new LocalPipeline(settings, new FileJobStore(settings.jobs()),
                    new LocalProcessRunner(), progress, Clock.systemUTC()).run(once, stop::get);
            progress.close();
            if (once) {
                Report.table(summary, settings, out);
            }
            return summary.anyFailed() ? 1 : 0;
        } catch (IOException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is on its way out
            }
        }
    }

    private static String value(List<String> args, int index, String option) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException(option + " needs a value\n" + USAGE);
        }
        return args.get(index);
    }

    private static double positive(String value, String option) throws UsageException {
        try {
            double number = Double.parseDouble(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a positive number, was '" + value + "'");
    }

    private static double nonNegative(String value, String option) throws UsageException {
        try {
            double number = Double.parseDouble(value);
            if (number >= 0 && number <= 86_400) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a number of seconds from 0 to 86400, was '" + value + "'");
    }

    private static long physicalMemoryMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return 2048;
    }
}
