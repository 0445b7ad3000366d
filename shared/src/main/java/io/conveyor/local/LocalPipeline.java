package io.conveyor.local;

import io.conveyor.descriptor.Problem;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.observe.JobEventScope;
import io.conveyor.observe.JobSignals;
import io.conveyor.observe.MetricLog;
import io.conveyor.pipeline.PipelineCatalog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.HashMap;
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

    /** Hears what the pipeline does, for progress and reports (pipeline files of the algorithms folder too). */
    public interface Listener extends FolderPipelineCatalog.Listener {
        default void descriptorLoaded(String name, Path file) {
        }

        default void descriptorRejected(Path file, List<Problem> errors) {
        }

        default void ignored(Path file, String reason) {
        }

        default void jobChanged(JobRecord record) {
        }

        /** An inbox file has kept changing for a while: the run waits for it. */
        default void waiting(Path file, String reason) {
        }

        /**
         * A run with {@code once} ends while a batch is still OPEN, waiting for more files, a quiet period or its
         * deadline, which falls after {@link #ONCE_WAITS_AT_MOST}: it stays open for a later run.
         */
        default void batchLeftOpen(String pipeline, String batch, java.time.Instant lookAgainAt) {
        }
    }

    /**
     * What a run did: every job it touched, in the order they were first seen, and the jobs of inbox
     * files that earlier runs had done already (so a run's outcome does not depend on which run did what). Of
     * those, every one that did not succeed is listed, and at most {@link #EARLIER_LISTED} that did: a rerun over
     * a large inbox reads and lists what it ran, not every record of the outbox.
     *
     * @param earlierNotListed how many more jobs earlier runs did, all SUCCEEDED, that {@code earlier} leaves out
     */
    public record Summary(List<JobRecord> jobs, List<JobRecord> earlier, int earlierNotListed) {

        public Summary {
            jobs = List.copyOf(jobs);
            earlier = List.copyOf(earlier);
            if (earlierNotListed < 0) {
                throw new IllegalArgumentException("earlierNotListed: " + earlierNotListed + " is negative");
            }
        }

        /** How many jobs earlier runs did, listed or not. */
        public int earlierCount() {
            return earlier.size() + earlierNotListed;
        }

        /** Whether any of them, done now or earlier, failed (those left out all succeeded). */
        public boolean anyFailed() {
            return Stream.concat(jobs.stream(), earlier.stream()).anyMatch(job -> job.state() == JobState.FAILED);
        }
    }

    /** How many of the jobs earlier runs did successfully a run's summary lists (as {@code conveyor jobs} does by default). */
    public static final int EARLIER_LISTED = 50;

    /** The stack the local mode's job events name. */
    public static final String LOCAL_STACK = "local";

    /** Another run uses the same outbox. */
    public static final class OutboxBusyException extends IOException {
        public OutboxBusyException(Path outbox) {
            super("another conveyor local is using " + outbox + " (it holds " + outbox.resolve(".lock") + ")");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    /**
     * How far ahead a run with {@code once}, nothing else left to do, waits for an open batch's next look (a quiet
     * period's end, a deadline); a batch whose next look is later is left open, for a later run to take on.
     */
    public static final java.time.Duration ONCE_WAITS_AT_MOST = java.time.Duration.ofMinutes(5);

    /** How many jobs one pass of the loop makes at most, of the files that arrived, before it places jobs. */
    static final int ADMIT_AT_ONCE = 64;

    /**
     * How long one pass of the loop admits files at most: files an earlier run did make no job and are not counted
     * in {@link #ADMIT_AT_ONCE}, so a rerun over a large inbox takes them in few passes, yet reports are still heard.
     */
    static final java.time.Duration ADMIT_FOR_AT_MOST = java.time.Duration.ofMillis(50);
    /**
     * How many jobs a pass makes at least once an attempt reported meanwhile: the pass then goes on to the reports and
     * to placing, so a slot that came free is not kept waiting for the rest of the inbox.
     */
    static final int ADMIT_WHILE_REPORTS_WAIT = 8;

    private final LocalSettings settings;
    private final FileJobStore jobs;
    private final LocalProcessRunner runner;
    private final Listener listener;
    private final Clock clock;
    private final PipelineCatalog pipelines;
    private final LinkedBlockingDeque<AttemptReport> reports = new LinkedBlockingDeque<>();

    /** A local mode that knows no pipeline: every folder of the inbox is an algorithm's. */
    public LocalPipeline(LocalSettings settings, FileJobStore jobs, LocalProcessRunner runner, Listener listener, Clock clock) {
        this(settings, jobs, runner, listener, clock, name -> java.util.Optional.empty());
    }

    /**
     * @param pipelines the pipelines defined now: a folder of the inbox named for one holds its batches
     *                  ({@code inbox/<pipeline>/<batch>/<file>}) rather than an algorithm's inputs
     */
    public LocalPipeline(LocalSettings settings, FileJobStore jobs, LocalProcessRunner runner, Listener listener,
                         Clock clock, PipelineCatalog pipelines) {
        this.settings = settings;
        this.jobs = jobs;
        this.runner = runner;
        this.listener = listener;
        this.clock = clock;
        this.pipelines = java.util.Objects.requireNonNull(pipelines, "pipelines");
    }

    /**
     * Runs until {@code stop} says so, or, with {@code once}, until everything in the inbox (and every
     * job it leads to) is done.
     */
    public Summary run(boolean once, BooleanSupplier stop) throws IOException, InterruptedException {
        checkFolders(settings);
        LocalCapacity capacity = new LocalCapacity(settings.cpus(), settings.memoryMiB());
        PollCatalog catalog = new PollCatalog(pipelines);
        // Admission starts reading the remembered digests, and the inbox's first look starts, on threads of their own:
        // with the descriptors' validation and the records' briefs read meanwhile, a run over a large inbox that
        // earlier runs did starts in about the time of the longest of them.
        LocalAdmission admission = new LocalAdmission(settings, Map.of(), capacity, catalog);
        InboxScanner inbox = new InboxScanner(settings.inbox(), settings.stable(), admission::ranBefore);
        inbox.lookAhead();
        LocalDescriptors descriptors = new LocalDescriptors(settings.algorithms(), listener);
        admission.update(descriptors.changed());
        Files.createDirectories(settings.outputs());
        // The attempts' working folders are removed on a thread of their own: at the start what an earlier run left, at
        // the end this run's.
        ExecutorService removals = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("work-removal").daemon()
                .factory());
        LocalOutputs outputs = new LocalOutputs(settings, removals);
        // Every state change, one JSON line each, for local users to follow or hook (no metrics: no CloudWatch here).
        JobSignals signals = new JobSignals(LOCAL_STACK, MetricLog.NONE,
                new OutboxJobStateEvents(settings.outbox()), JobEventScope.ALL);
        LocalJobs local = new LocalJobs(new JobUpdates(jobs, clock, signals), admission,
                capacity, outputs, listener, clock, settings.runtime() == LocalRuntime.DOCKER);
        try (FileChannel lockFile = FileChannel.open(settings.outbox().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new OutboxBusyException(settings.outbox());
            }
            jobs.clearChanges();
            local.recover();
            // After recover(), which ends what a crashed run's attempts left running.
            outputs.removeAll();
            ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
            try {
                new Loop(once, stop, attempts, local, inbox, new AttemptRunner(settings, runner, outputs), descriptors,
                        admission, catalog).run();
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
                // What was kept in memory is written: a job's record says where it got to. Should that fail, the next
                // run takes the jobs on from what their records say (a job not recorded yet: from its inbox file).
                try {
                    local.writeKept(true);
                } catch (RuntimeException e) {
                    LOG.error("outcome=kept-states-unwritten reason=\"{}\"", e.toString());
                }
                admission.saveDigests();
                try {
                    outputs.removeAll();
                } catch (IOException e) {
                    LOG.warn("outcome=work-folders-left reason=\"{}\"", e.toString());
                }
                removals.shutdown();
                if (!removals.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("outcome=work-folders-left reason=\"still being removed after 60 s; the next run removes them\"");
                }
            }
        }
        List<JobRecord> summary = new ArrayList<>();
        local.touched().forEach(id -> jobs.get(id).ifPresent(summary::add));
        List<JobRecord> before = new ArrayList<>();
        int listed = 0;
        int notListed = 0;
        for (String id : local.earlier()) {
            boolean succeeded = local.succeededBefore(id);
            if (succeeded && listed >= EARLIER_LISTED) {
                notListed++;
            } else if (jobs.get(id).map(before::add).orElse(false) && succeeded) {
                listed++;
            }
        }
        return new Summary(summary, before, notListed);
    }

    /**
     * Refuses folders that are not there before anything is written: a mistyped {@code --inbox} or
     * {@code --algorithms} is said, not created empty (the outbox is created, being output).
     */
    public static void checkFolders(LocalSettings settings) throws IOException {
        if (!Files.isDirectory(settings.inbox())) {
            throw new java.nio.file.NoSuchFileException(settings.inbox().toString(), null,
                    "no inbox folder there (create it, or give --inbox)");
        }
        if (!Files.isDirectory(settings.algorithms())) {
            throw new java.nio.file.NoSuchFileException(settings.algorithms().toString(), null,
                    "no algorithms folder there (give --algorithms)");
        }
    }

    /** The outbox's lock, or null when another run (in this JVM or another process) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    /** The deciding thread's loop, and what it keeps between polls. */
    private final class Loop {
        private final boolean once;
        private final BooleanSupplier stop;
        private final ExecutorService attempts;
        private final LocalJobs local;
        private final InboxScanner inbox;
        private final AttemptRunner attemptRunner;
        private final LocalDescriptors descriptors;
        private final LocalAdmission admission;
        private final PollCatalog catalog;
        private final Map<String, Future<?>> running = new HashMap<>();
        /** Files ready to be taken, in order, whose jobs are not made yet. */
        private final java.util.ArrayDeque<InboxScanner.Ready> arrived = new java.util.ArrayDeque<>();
        private long changes;

        Loop(boolean once, BooleanSupplier stop, ExecutorService attempts, LocalJobs local, InboxScanner inbox,
             AttemptRunner attemptRunner, LocalDescriptors descriptors, LocalAdmission admission, PollCatalog catalog) {
            this.once = once;
            this.stop = stop;
            this.attempts = attempts;
            this.local = local;
            this.inbox = inbox;
            this.attemptRunner = attemptRunner;
            this.descriptors = descriptors;
            this.admission = admission;
            this.catalog = catalog;
        }

        void run() throws IOException, InterruptedException {
            long descriptorsLooked = System.nanoTime();
            while (!stop.getAsBoolean()) {
                // The algorithms folder (descriptors and pipelines) is looked at once a poll, however often the loop wakes.
                if (System.nanoTime() - descriptorsLooked >= settings.poll().toNanos()) {
                    descriptorsLooked = System.nanoTime();
                    catalog.forget();
                    Map<String, LocalAdmission.Algorithm> reloaded = descriptors.changed();
                    if (reloaded != null) {
                        admission.update(reloaded);
                        local.algorithmsChanged();
                    }
                }
                InboxScanner.Scan scan = inbox.scan();
                admit(scan);
                admitSome();
                // The reports in hand, together: a start whose attempt's end is among them is written with that end
                // (no process is left to say RUNNING about).
                List<AttemptReport> inHand = new ArrayList<>();
                reports.drainTo(inHand);
                java.util.Set<String> ended = new java.util.HashSet<>();
                inHand.stream().filter(report -> !(report instanceof AttemptReport.Started))
                        .forEach(report -> ended.add(report.jobId() + "/" + report.attempt()));
                for (int i = 0; i < inHand.size(); i++) {
                    if (stop.getAsBoolean()) {
                        // Left for the stop to handle, as if never taken.
                        for (int back = inHand.size() - 1; back >= i; back--) {
                            reports.addFirst(inHand.get(back));
                        }
                        break;
                    }
                    AttemptReport report = inHand.get(i);
                    local.report(report, inbox::forget, ended.contains(report.jobId() + "/" + report.attempt()));
                }
                local.batches().tick();
                if (stop.getAsBoolean()) {
                    return;
                }
                // What the job commands did meanwhile: a cancel stops its process, a retry queues its job.
                FileJobStore.Changes changed = jobs.changesSince(changes);
                changes = changed.next();
                for (String id : local.changedElsewhere(changed.ids())) {
                    Future<?> attempt = running.remove(id);
                    if (attempt != null) {
                        attempt.cancel(true);
                    }
                }
                running.values().removeIf(Future::isDone);
                local.place(start -> running.put(start.job().id(), attempts.submit(() -> attemptRunner.run(start.job(),
                        start.descriptor(), reports::add))));
                local.writeKept(false);
                java.util.Optional<java.time.Instant> look = local.batches().nextLook();
                long untilLook = look.map(at -> Math.max(java.time.Duration.between(clock.instant(), at).toNanos(), 0))
                        .orElse(Long.MAX_VALUE);
                if (once && !scan.pending() && arrived.isEmpty() && local.idle() && reports.isEmpty()
                        && untilLook > ONCE_WAITS_AT_MOST.toNanos()) {
                    local.batches().waiting().forEach((key, at) -> listener.batchLeftOpen(key.pipeline(), key.batch(), at));
                    return;
                }
                // Wake at once when an attempt reports, else when a file may have settled, a batch is to be looked
                // at again or a state kept in memory is to be written, else after the poll; at once while files that
                // arrived wait to be admitted.
                long wait = arrived.isEmpty() ? Math.min(Math.min(Math.min(settings.poll().toNanos(), untilLook),
                        Math.max(inbox.nextSettles() - System.nanoTime(), 0)), local.untilKeptIsWritten()) : 0;
                AttemptReport next = reports.poll(wait, TimeUnit.NANOSECONDS);
                if (next != null) {
                    reports.addFirst(next);
                }
            }
        }

        private void admit(InboxScanner.Scan scan) {
            scan.misplaced().forEach(m -> listener.ignored(m.file(), "inputs go under " + settings.inbox()
                    + "/<algorithm>/"));
            scan.skipped().forEach(skip -> listener.ignored(skip.file(), skip.reason()));
            scan.waiting().forEach(wait -> listener.waiting(wait.file(), wait.reason()));
            arrived.addAll(scan.ready());
        }

        /** Makes the jobs of some files that arrived: the first jobs start before a large inbox is all admitted. */
        private void admitSome() {
            long until = System.nanoTime() + ADMIT_FOR_AT_MOST.toNanos();
            for (int made = 0; made < ADMIT_AT_ONCE && !arrived.isEmpty() && System.nanoTime() - until < 0
                    && (made < ADMIT_WHILE_REPORTS_WAIT || reports.isEmpty()); ) {
                InboxScanner.Ready ready = arrived.poll();
                try {
                    if (local.admit(ready)) {
                        made++;
                    }
                } catch (IOException | RuntimeException e) {
                    // One odd file never stops the others.
                    LOG.warn("outcome=input-skipped file=\"{}\" reason=\"{}\"", ready.file(), e.toString());
                    listener.ignored(ready.file(), "cannot be taken: " + e);
                }
            }
        }
    }
}
