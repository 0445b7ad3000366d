package io.conveyor.local;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine: the inbox plays the input bucket, the outbox the output bucket,
 * local processes the ECS tasks. The same descriptors, validation, job ids, job records, placement
 * rule (CPUs and memory), retries, timeouts and container contract as in the cloud.
 *
 * <p>One thread decides (scans, admits, places, records); each attempt waits for its process on a
 * virtual thread of its own and reports back. A file is taken once it has stopped changing; its job
 * id comes from its content, so a rescan or a restart finds the job it made before.
 */
public final class LocalPipeline {

    /** Hears what the pipeline does, for progress and reports. */
    public interface Listener {
        default void descriptorLoaded(String name, Path file) {
        }

        default void descriptorRejected(Path file, List<Problem> errors) {
        }

        default void ignored(Path file, String reason) {
        }

        default void jobChanged(JobRecord record) {
        }
    }

    /** What a run did: every job it touched, in the order they were first seen. */
    public record Summary(List<JobRecord> jobs) {

        /** Whether any of them failed. */
        public boolean anyFailed() {
            return jobs.stream().anyMatch(job -> job.state() == JobState.FAILED);
        }
    }

    /** Another run uses the same outbox. */
    public static final class OutboxBusyException extends IOException {
        public OutboxBusyException(Path outbox) {
            super("another conveyor local is using " + outbox + " (it holds " + outbox.resolve(".lock") + ")");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    private final LocalSettings settings;
    private final JobStore jobs;
    private final LocalProcessRunner runner;
    private final Listener listener;
    private final Clock clock;
    private final LinkedBlockingDeque<AttemptReport> reports = new LinkedBlockingDeque<>();

    public LocalPipeline(LocalSettings settings, JobStore jobs, LocalProcessRunner runner, Listener listener, Clock clock) {
        this.settings = settings;
        this.jobs = jobs;
        this.runner = runner;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * Runs until {@code stop} says so, or, with {@code once}, until everything in the inbox (and every
     * job it leads to) is done.
     */
    public Summary run(boolean once, BooleanSupplier stop) throws IOException, InterruptedException {
        Map<String, LocalAdmission.Algorithm> algorithms = loadDescriptors();
        Files.createDirectories(settings.inbox());
        Files.createDirectories(settings.outputs());
        LocalCapacity capacity = new LocalCapacity(settings.cpus(), settings.memoryMiB());
        LocalOutputs outputs = new LocalOutputs(settings);
        LocalJobs local = new LocalJobs(new JobUpdates(jobs, clock), new LocalAdmission(settings, algorithms, capacity),
                capacity, outputs, listener, clock, settings.runtime() == LocalRuntime.DOCKER);
        try (FileChannel lockFile = FileChannel.open(settings.outbox().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new OutboxBusyException(settings.outbox());
            }
            local.recover();
            ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
            InboxScanner inbox = new InboxScanner(settings.inbox(), settings.stable());
            try {
                loop(once, stop, attempts, local, inbox, new AttemptRunner(settings, runner, outputs));
            } finally {
                // Stopped (or broken): running attempts are ended now, not waited for; their jobs stay
                // RUNNING and are resumed by the next run. Results that arrived meanwhile are kept if
                // they are successes; anything else after a stop counts as interrupted.
                attempts.shutdownNow();
                attempts.awaitTermination(30, TimeUnit.SECONDS);
                for (AttemptReport report; (report = reports.poll()) != null; ) {
                    if (report instanceof AttemptReport.Exited exited && !exited.result().timedOut()
                            && exited.result().exitCode() == 0) {
                        local.report(report, inbox::forget);
                    }
                }
            }
        }
        List<JobRecord> summary = new ArrayList<>();
        local.touched().forEach(id -> jobs.get(id).ifPresent(summary::add));
        return new Summary(summary);
    }

    /** The outbox's lock, or null when another run (in this JVM or another process) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private void loop(boolean once, BooleanSupplier stop, ExecutorService attempts, LocalJobs local, InboxScanner inbox,
                      AttemptRunner attemptRunner) throws IOException, InterruptedException {
        while (!stop.getAsBoolean()) {
            InboxScanner.Scan scan = inbox.scan();
            scan.misplaced().forEach(m -> listener.ignored(m.file(), "inputs go under " + settings.inbox()
                    + "/<algorithm>/"));
            for (InboxScanner.Ready ready : scan.ready()) {
                try {
                    local.admit(ready.file(), ready.algorithm(), ready.rest());
                } catch (IOException | RuntimeException e) {
                    // One odd file never stops the others.
                    LOG.warn("outcome=input-skipped file=\"{}\" reason=\"{}\"", ready.file(), e.toString());
                    listener.ignored(ready.file(), "cannot be taken: " + e);
                }
            }
            for (AttemptReport report; !stop.getAsBoolean() && (report = reports.poll()) != null; ) {
                local.report(report, inbox::forget);
            }
            if (stop.getAsBoolean()) {
                return;
            }
            for (LocalJobs.Start start : local.place()) {
                attempts.submit(() -> attemptRunner.run(start.job(), start.descriptor(), reports::add));
            }
            if (once && !scan.pending() && local.idle() && reports.isEmpty()) {
                return;
            }
            // Wake at once when an attempt reports, else look at the inbox again after the poll interval.
            AttemptReport next = reports.poll(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
            if (next != null) {
                reports.addFirst(next);
            }
        }
    }

    private Map<String, LocalAdmission.Algorithm> loadDescriptors() throws IOException {
        DescriptorValidator validator = new DescriptorValidator();
        if (!Files.isDirectory(settings.algorithms())) {
            throw new IOException("no algorithms folder at " + settings.algorithms());
        }
        Map<String, LocalAdmission.Algorithm> algorithms = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(settings.algorithms())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList()) {
                Validation validation = validator.validate(file.toString(), Files.readAllBytes(file));
                if (!validation.valid()) {
                    listener.descriptorRejected(file, validation.errors());
                } else if (algorithms.containsKey(validation.descriptor().name())) {
                    listener.descriptorRejected(file, List.of(new Problem("/name", "'" + validation.descriptor().name()
                            + "' is also the name of another descriptor in " + settings.algorithms())));
                } else {
                    algorithms.put(validation.descriptor().name(),
                            new LocalAdmission.Algorithm(validation.descriptor(), validation.sha256()));
                    listener.descriptorLoaded(validation.descriptor().name(), file);
                }
            }
        }
        return algorithms;
    }
}
