package io.conveyor.cli;

import io.conveyor.local.DockerInvocation;
import io.conveyor.local.FileJobStore;
import io.conveyor.local.LocalParameters;
import io.conveyor.local.FolderPipelineCatalog;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conveyor local}: the whole pipeline on this machine.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = LocalCommand.SUMMARY)
final class LocalCommand implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "The whole pipeline on this machine: watches inbox/<algorithm>/ and writes outbox/.";

    @Option(names = "--inbox", paramLabel = "DIR", description = "the folder to watch (default: ${DEFAULT-VALUE})")
    Path inbox = Path.of("inbox");
    @Option(names = "--outbox", paramLabel = "DIR", description = "where records and outputs go (default: ${DEFAULT-VALUE})")
    Path outbox = Path.of("outbox");
    @Option(names = "--algorithms", paramLabel = "DIR", description = "the descriptors (default: ${DEFAULT-VALUE})")
    Path algorithms = Path.of("algorithms");
    @Option(names = "--cpus", paramLabel = "N", description = "vCPUs jobs may use at once (default: this machine's)")
    Double cpus;
    @Option(names = "--memory", paramLabel = "MIB", description = "memory jobs may use at once, in MiB (default: this machine's)")
    Long memory;
    @Option(names = "--runtime", paramLabel = "process|docker",
            description = "run algorithms as local processes (default) or in their images")
    LocalRuntime runtime = LocalRuntime.PROCESS;
    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "a parameter's value for every input (repeatable); a sidecar <input>.conveyor-params overrides it")
    List<String> params = new ArrayList<>();
    @Option(names = "--stable", paramLabel = "SECONDS",
            description = "how long a file must stay unchanged before it is taken, 0 to 86400 (default: 1)")
    double stable = 1;
    @Option(names = "--once", description = "process what is there, then exit (1 if any job failed)")
    boolean once;

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    LocalCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** The settings the options ask for, with this machine's defaults. */
    LocalSettings settings() throws UsageException {
        double vcpus = cpus == null ? Runtime.getRuntime().availableProcessors() : cpus;
        if (!(vcpus > 0) || Double.isInfinite(vcpus)) {
            throw new UsageException("--cpus must be a positive number, was '" + cpus + "'");
        }
        long mib = memory == null ? physicalMemoryMiB() : memory;
        if (mib < 1) {
            throw new UsageException("--memory must be a whole number of MiB, at least 1, was '" + memory + "'");
        }
        if (!(stable >= 0 && stable <= 86400)) {
            throw new UsageException("--stable must be a number of seconds from 0 to 86400, was '" + stable + "'");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String given : params) {
            int equals = given.indexOf('=');
            String name = equals < 0 ? given : given.substring(0, equals);
            try {
                LocalParameters.checkName(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--param " + given + ": " + e.getMessage());
            }
            if (equals < 0) {
                throw new UsageException("--param must be NAME=VALUE, was '" + given + "'");
            }
            parameters.put(name, given.substring(equals + 1));
        }
        return new LocalSettings(inbox, outbox, algorithms, vcpus, mib, Duration.ofMillis(Math.round(stable * 1000)),
                Duration.ofMillis(200), runtime, parameters);
    }

    @Override
    public Integer call() throws UsageException {
        LocalSettings settings = settings();
        if (settings.runtime() == LocalRuntime.DOCKER) {
            String problem = DockerInvocation.engineProblem();
            if (problem != null) {
                throw new UsageException("--runtime docker: no Docker engine answers (" + problem
                        + "); use --runtime process");
            }
        }
        return run(settings, once, Progress.terminal());
    }

    int run(LocalSettings settings, boolean once, boolean live) throws UsageException {
        err.println("conveyor local: " + settings.inbox() + " -> " + settings.outbox() + ", " + settings.cpus()
                + " CPUs, " + settings.memoryMiB() + " MiB; " + (settings.runtime() == LocalRuntime.DOCKER
                ? "algorithms run in their images (Docker)" : "algorithms run as local processes (no isolation)")
                + (once ? "" : "; Ctrl-C stops"));
        Progress progress = new Progress(err, live, once, settings.outbox().getParent());
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        // Ctrl-C (a SIGTERM from the launcher, see LauncherSignals) or SIGTERM: ask the run to stop, and hold the JVM until it has (its running jobs
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
        boolean sigintIgnored = LauncherSignals.sigintIgnored();
        if (sigintIgnored) {
            LauncherSignals.haltWhenLauncherGone();
        }
        try {
            LocalPipeline.checkFolders(settings);
            LocalPipeline.Summary summary = new LocalPipeline(settings, new FileJobStore(settings.jobs()),
                    new LocalProcessRunner(sigintIgnored), progress, Clock.systemUTC(),
                    new FolderPipelineCatalog(settings.algorithms(), progress)).run(once, stop::get);
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


    private static long physicalMemoryMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / (1024 * 1024);
        }
        return 2048;
    }
}
