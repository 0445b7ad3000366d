package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.Effect;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mode's driver of job records: it turns inbox files, placements on this machine and
 * attempts' reports into {@link JobEvent}s, lets {@link JobLifecycle} decide, writes the records and
 * carries out the effects (queueing, moving outputs, stopping a stale process). One thread calls it.
 *
 * <p>One run owns the outbox, so two short-lived states are kept in memory and written with what follows them
 * ({@link Unwritten}): a new job's QUEUED, until the same pass places it (its record is created as WAITING_FOR_CAPACITY,
 * or as RUNNING once its process started), and a start's STARTING, until the process started or its attempt
 * ended. Either is written on its own when nothing followed within {@link #UNWRITTEN_AT_MOST}, and when the run stops.
 * A RUNNING whose attempt's end is reported in the same breath is written with that end: no process is left.
 * A job's record is then written one to three times, not five; every write still carries each event's own time.
 * What a crash loses is a job not yet recorded, whose inbox file the next run takes again, or a start whose process
 * had not started: the record says STARTING or RUNNING, with the process, whenever one may run.
 */
final class LocalJobs {

    private static final Logger LOG = LoggerFactory.getLogger(LocalJobs.class);

    /** An attempt to run: the record as it started, and its algorithm. */
    record Start(JobRecord job, Descriptor descriptor) {
    }

    /** How long a state is kept in memory at most before it is written on its own. */
    static final java.time.Duration UNWRITTEN_AT_MOST = java.time.Duration.ofSeconds(1);

    /**
     * What happened to a job and is not written yet: its record as last written ({@code read}; {@code null}: none yet,
     * {@code job} admitted at {@code admittedAt} makes it), each event since with its instant, and the record as
     * they leave it.
     */
    private static final class Unwritten {
        final JobStore.Versioned read;
        final io.conveyor.jobs.NewJob job;
        final java.time.Instant admittedAt;
        final List<JobEvent> events = new ArrayList<>();
        final List<java.time.Instant> at = new ArrayList<>();
        final long since = System.nanoTime();
        JobRecord current;

        Unwritten(JobStore.Versioned read, io.conveyor.jobs.NewJob job, java.time.Instant admittedAt, JobRecord current) {
            this.read = read;
            this.job = job;
            this.admittedAt = admittedAt;
            this.current = current;
        }
    }

    private final JobUpdates updates;
    private final FileJobStore records;
    private final LocalAdmission admission;
    private final LocalCapacity capacity;
    private final LocalOutputs outputs;
    private final LocalPipeline.Listener listener;
    private final Clock clock;
    private final boolean docker;
    private final AttemptEndings endings;
    private final LocalBatches batches;
    private final LocalQueue queue = new LocalQueue();
    /** Whether the next placement looks at every queued job. */
    private boolean sweep;
    private final Map<String, Descriptor.Resources> running = new HashMap<>();
    /** Jobs with changes kept in memory, in the order they were first kept. */
    private final Map<String, Unwritten> unwritten = new java.util.LinkedHashMap<>();
    private final Set<String> touched = new LinkedHashSet<>();
    private final Set<String> earlier = new LinkedHashSet<>();
    /** The jobs earlier runs left SUCCEEDED, as the records were glanced at when this run began. */
    private final Set<String> succeededBefore = new java.util.HashSet<>();

    LocalJobs(JobUpdates updates, LocalAdmission admission, LocalCapacity capacity, LocalOutputs outputs,
              LocalPipeline.Listener listener, Clock clock, boolean docker) {
        this.updates = updates;
        this.records = (FileJobStore) updates.store();
        this.admission = admission;
        this.capacity = capacity;
        this.outputs = outputs;
        this.listener = listener;
        this.clock = clock;
        this.docker = docker;
        this.endings = new AttemptEndings(admission, outputs, clock);
        this.batches = new LocalBatches(admission, updates, clock, this::recorded);
    }

    /**
     * Jobs a previous run left unfinished: queued again; a process it left behind is ended first. Finished
     * records are only glanced at ({@link FileJobStore#briefs}): what ran is not run again.
     */
    void recover() {
        List<String> unfinished = new ArrayList<>();
        records.briefs(brief -> {
            admission.remember(brief.input(), brief.inputVersion(), brief.algorithm(), brief.pipeline(), brief.id(),
                    brief.state(), brief.attempt());
            if (!brief.state().terminal()) {
                unfinished.add(brief.id());
            } else if (brief.state() == JobState.SUCCEEDED) {
                succeededBefore.add(brief.id());
            }
        });
        for (String id : unfinished) {
            Optional<JobStore.Versioned> read = held(id);
            if (read.isEmpty() || read.get().record().state().terminal()) {
                continue;
            }
            String refused = admission.stillRuns(read.get().record());
            List<JobEvent> events = new ArrayList<>();
            events.add(new JobEvent.ResumedAfterCrash("resumed: the previous run stopped while this job ran"));
            if (refused != null) {
                events.add(new JobEvent.Rejected(refused));
            }
            apply(id, events);
        }
        batches.recover(records::get);
    }

    /** The batches of pipeline runs: their timers, for the loop. */
    LocalBatches batches() {
        return batches;
    }

    /**
     * Makes (or finds) the jobs of an inbox file below {@code inbox/<folder>/} ({@link LocalAdmission#arrive}).
     *
     * @return whether it wrote anything: a new record, or a batch's
     */
    boolean admit(Path file, String folder, String rest) throws IOException {
        return admit(new InboxScanner.Ready(file, folder, rest));
    }

    /** As {@link #admit(Path, String, String)}, with what the inbox's scan saw of the file (its size, its state). */
    boolean admit(InboxScanner.Ready ready) throws IOException {
        Path file = ready.file();
        LocalAdmission.Arrival arrival = admission.arrive(ready);
        if (arrival.refused() != null) {
            listener.ignored(file, arrival.refused());
        }
        if (arrival.batch() != null) {
            // The batch's record names the jobs first; its driver makes them then (LocalBatches).
            earlier.addAll(batches.arrived(arrival.batch(), arrival.jobs()));
            return true;
        }
        boolean wrote = false;
        for (LocalAdmission.Admitted admitted : arrival.jobs()) {
            wrote |= create(admitted);
        }
        return wrote;
    }

    /** Creates an admitted job's record, or notes the job an earlier run made; whether it created one. */
    private boolean create(LocalAdmission.Admitted admitted) {
        if (admitted.earlier() != null) {
            earlier.add(admitted.earlier());
            return false;
        }
        String id = admitted.job().id();
        if (unwritten.containsKey(id)) {
            earlier.add(id);
            return false;
        }
        if (admitted.rejection() == null && admitted.job().place() == null && !records.exists(id)) {
            // Queued in memory: the same pass places it, and its record is created then. A job whose record exists
            // (an earlier run's, cancelled say) is not made again: the create below says so.
            java.time.Instant now = clock.instant();
            JobRecord queued = JobLifecycle.admit(admitted.job(), now);
            unwritten.put(id, new Unwritten(null, admitted.job(), now, queued));
            touched.add(id);
            listener.jobChanged(queued);
            queue.add(id, queued.algorithm());
            return true;
        }
        Optional<Transition> created = updates.create(admitted.job(), admitted.events());
        if (created.isPresent()) {
            recorded(created.get());
            return true;
        }
        earlier.add(admitted.job().id());
        return false;
    }

    /**
     * Starts every queued job that fits now, first come first served, smaller ones passing larger; jobs
     * queued since the last call that do not fit learn that they wait. Records come from what this run
     * holds ({@link FileJobStore#held}), not from disk.
     */
    List<Start> place() {
        return place(start -> { });
    }

    /**
     * As {@link #place()}, each start handed to {@code startNow} as soon as it is decided: before the jobs that wait
     * are told so (a write each), so a free slot is not kept waiting for them.
     */
    List<Start> place(Consumer<Start> startNow) {
        LocalQueue.Plan plan = queue.plan(sweep, this::verdict);
        sweep = false;
        plan.rejected().forEach((id, reason) -> {
            queue.remove(id);
            if (reason != null) {
                apply(id, List.of(new JobEvent.Rejected(reason)));
            }
        });
        List<Start> starts = new ArrayList<>();
        for (String id : plan.start()) {
            queue.remove(id);
            Descriptor descriptor = admission.algorithm(current(id).orElseThrow().algorithm()).orElseThrow()
                    .descriptor();
            Optional<Transition> started = start(id);
            if (started.isPresent() && started.get().effect(Effect.StartTask.class).isPresent()) {
                running.put(id, descriptor.resources());
                Start start = new Start(started.get().after(), descriptor);
                starts.add(start);
                startNow.accept(start);
            } else {
                capacity.release(descriptor.resources());
            }
        }
        for (String id : plan.waiting()) {
            current(id).flatMap(record -> admission.algorithm(record.algorithm())).map(a -> a.descriptor().resources())
                    .ifPresent(needs -> apply(id, List.of(new JobEvent.WaitingForCapacity("waiting for " + needs.vcpu()
                            + " vCPU and " + needs.taskMemoryMiB() + " MiB"))));
        }
        return starts;
    }

    /** Whether a queued job can start now (its room then reserved), must wait, or cannot run at all. */
    private LocalQueue.Verdict verdict(String id, String algorithmName) {
        Optional<LocalAdmission.Algorithm> algorithm = admission.algorithm(algorithmName);
        Optional<JobRecord> read = current(id);
        if (algorithm.isEmpty()) {
            // A retry of a job whose descriptor is gone since.
            return LocalQueue.Verdict.rejected("unknown algorithm '" + algorithmName + "': no valid descriptor of"
                    + " that name now");
        } else if (read.isEmpty()) {
            return LocalQueue.Verdict.rejected(null);
        } else if (!LocalOutputs.inputPresent(read.get())) {
            return LocalQueue.Verdict.rejected("the input " + read.get().input()
                    + " is gone: deleted before the job started");
        }
        return capacity.tryReserve(algorithm.get().descriptor().resources()) ? LocalQueue.Verdict.PLACED
                : LocalQueue.Verdict.NO_ROOM;
    }

    /** The descriptors changed: the next placement looks at every queued job (one may have lost its algorithm). */
    void algorithmsChanged() {
        sweep = true;
    }

    /**
     * Takes in records another process changed (the job commands, through their own store): a running
     * job now CANCELLED is released and its id returned, for its process to be stopped; a job set back
     * to QUEUED (a retry) is queued.
     */
    List<String> changedElsewhere(Set<String> ids) {
        List<String> toStop = new ArrayList<>();
        for (String id : ids) {
            // What this run kept in memory of it is moot: the record as the other writer left it is what holds.
            unwritten.remove(id);
            Optional<JobRecord> record = updates.store().get(id);
            if (record.isEmpty()) {
                continue;
            }
            JobState state = record.get().state();
            if (state == JobState.CANCELLED && running.containsKey(id)) {
                release(id);
                toStop.add(id);
            } else if (state.terminal() && queue.remove(id)) {
                // Cancelled by a job command while it waited.
                LOG.info("outcome=unqueued job={} state={}", id, state);
            } else if (state == JobState.QUEUED && !queue.contains(id) && !running.containsKey(id)) {
                queue.add(id, record.get().algorithm());
            } else if (!(state.terminal() || queue.contains(id) || running.containsKey(id))) {
                continue;
            }
            touched.add(id);
            listener.jobChanged(record.get());
            batches.changedElsewhere(record.get());
        }
        return toStop;
    }

    /** Applies what an attempt reported; {@code inputChanged} hears of an input file to take again. */
    void report(AttemptReport report, Consumer<Path> inputChanged) {
        report(report, inputChanged, false);
    }

    /**
     * As {@link #report(AttemptReport, Consumer)}; {@code endInHand} says the attempt's end is reported too, next: a
     * start is then kept in memory and written with that end.
     */
    void report(AttemptReport report, Consumer<Path> inputChanged, boolean endInHand) {
        try {
            applyReport(report, inputChanged, endInHand);
        } finally {
            if (!(report instanceof AttemptReport.Started)) {
                // The attempt ended, and its output, if its job keeps it, has moved: its folder serves the next.
                outputs.free(report.jobId(), report.attempt());
            }
        }
    }

    private void applyReport(AttemptReport report, Consumer<Path> inputChanged, boolean endInHand) {
        if (endInHand && report instanceof AttemptReport.Started started && unwritten.containsKey(report.jobId())) {
            Optional<Transition> kept = keep(report.jobId(), JobEvent.TaskRunning.asProcess(started.attempt(),
                    started.pid(), started.processStart()));
            if (kept.isPresent()) {
                return;
            }
        }
        Optional<JobRecord> read = current(report.jobId());
        if (read.isEmpty()) {
            return;
        }
        JobRecord record = read.get();
        try {
            JobEvent event = switch (report) {
                case AttemptReport.Started started -> JobEvent.TaskRunning.asProcess(started.attempt(), started.pid(),
                        started.processStart());
                case AttemptReport.Exited exited -> endings.event(record, exited);
                case AttemptReport.NotStarted notStarted -> {
                    if (notStarted.inputChanged()) {
                        inputChanged.accept(Path.of(record.input()));
                    }
                    yield new JobEvent.StartRefused(notStarted.reason(), false);
                }
                case AttemptReport.Broke broke -> new JobEvent.Abandoned("Conveyor could not finish this job: "
                        + broke.reason());
            };
            Optional<Transition> applied = unwritten.containsKey(report.jobId())
                    ? write(report.jobId(), List.of(event))
                    : apply(held(report.jobId()).orElseThrow(), event);
            boolean current = applied.map(t -> t.kind() != Transition.Kind.STALE).orElse(true);
            if (!(report instanceof AttemptReport.Started) && current) {
                // A late report of an attempt the record moved past holds nothing: its resources went with it.
                release(report.jobId());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("outcome=job-error job={} reason=\"{}\"", report.jobId(), e.toString(), e);
            release(report.jobId());
            apply(report.jobId(), List.of(new JobEvent.Abandoned("Conveyor could not finish this job: " + e)));
        }
    }

    /** The jobs this run made or changed, in the order it first did. */
    Set<String> touched() {
        return touched;
    }

    /** The jobs of inbox files an earlier run had made already, and this run found as they were. */
    Set<String> earlier() {
        Set<String> before = new LinkedHashSet<>(earlier);
        before.removeAll(touched);
        return before;
    }

    /** Whether an earlier run left this job SUCCEEDED (as its record was when this run began). */
    boolean succeededBefore(String id) {
        return succeededBefore.contains(id);
    }

    /** Whether nothing is queued or running. */
    boolean idle() {
        return queue.isEmpty() && running.isEmpty();
    }

    private void release(String jobId) {
        Descriptor.Resources held = running.remove(jobId);
        if (held != null) {
            capacity.release(held);
        }
    }

    /** Applies events to a job's record as held, reading it again when it changed meanwhile. */
    private Optional<Transition> apply(String jobId, List<JobEvent> events) {
        if (unwritten.containsKey(jobId)) {
            return write(jobId, events);
        }
        for (int tries = 1; tries <= JobUpdates.WRITE_TRIES; tries++) {
            Optional<JobStore.Versioned> read = tries == 1 ? held(jobId) : updates.store().read(jobId);
            if (read.isEmpty()) {
                return Optional.empty();
            }
            Optional<Transition> applied = apply(read.get(), events);
            if (applied.isPresent()) {
                return applied;
            }
        }
        throw new JobUpdates.ConcurrentChangeException(jobId);
    }

    /** A job's record as this run last wrote or read it. */
    private Optional<JobStore.Versioned> held(String jobId) {
        return records.held(jobId);
    }

    /** A job's record as this run knows it: with what it keeps in memory, else as last written or read. */
    private Optional<JobRecord> current(String jobId) {
        Unwritten kept = unwritten.get(jobId);
        return kept != null ? Optional.of(kept.current) : held(jobId).map(JobStore.Versioned::record);
    }

    /**
     * Starts a placed job, in memory: its STARTING is written with what follows (its process started, or its attempt
     * ended), or on its own after {@link #UNWRITTEN_AT_MOST}. A job of a pipeline is written at once.
     */
    private Optional<Transition> start(String jobId) {
        JobEvent start = new JobEvent.StartRequested(null);
        Unwritten kept = unwritten.get(jobId);
        if (kept == null) {
            Optional<JobStore.Versioned> read = held(jobId);
            if (read.isEmpty() || read.get().record().pipeline() != null) {
                return apply(jobId, List.of(start));
            }
            kept = new Unwritten(read.get(), null, null, read.get().record());
            unwritten.put(jobId, kept);
        }
        Optional<Transition> started = keep(jobId, start);
        if (started.isEmpty()) {
            // Not a start (the job moved on meanwhile): the event is written, or not, as any other.
            if (kept.events.isEmpty() && kept.read != null) {
                unwritten.remove(jobId);
                return apply(jobId, List.of(start));
            }
            return write(jobId, List.of(start));
        }
        if (started.get().effect(Effect.StartTask.class).isEmpty()) {
            // A start that starts nothing is not kept: what is kept is written now.
            write(jobId, List.of());
        }
        return started;
    }

    /**
     * Applies an event to what a job keeps in memory, unwritten: the transition, or empty (nothing kept) when the
     * event changes nothing or is stale, for the caller to write it as any other.
     */
    private Optional<Transition> keep(String jobId, JobEvent event) {
        Unwritten kept = unwritten.get(jobId);
        java.time.Instant now = clock.instant();
        Transition step = JobLifecycle.apply(kept.current, List.of(event), List.of(now));
        if (step.kind() != Transition.Kind.CHANGED) {
            return Optional.empty();
        }
        kept.events.add(event);
        kept.at.add(now);
        kept.current = step.after();
        touched.add(jobId);
        listener.jobChanged(step.after());
        return Optional.of(step);
    }

    /**
     * Writes what a job's record kept in memory, then {@code events} (now): created when it has no record yet, else
     * over the version it was read at (read again, and the events applied again, when another writer changed it).
     *
     * @return the transition written, or empty when the record could not be (made meanwhile, or gone)
     */
    private Optional<Transition> write(String jobId, List<JobEvent> events) {
        java.time.Instant now = clock.instant();
        Transition alone = JobLifecycle.apply(unwritten.get(jobId).current, events, now);
        if (alone.kind() == Transition.Kind.STALE) {
            // A late report of an attempt the job moved past: nothing to write, and what is kept stays kept.
            LOG.warn("outcome=report-ignored job={} reason=\"{}\"", jobId, alone.note());
            return Optional.of(alone);
        }
        Unwritten kept = unwritten.remove(jobId);
        List<JobEvent> all = new ArrayList<>(kept.events);
        List<java.time.Instant> at = new ArrayList<>(kept.at);
        for (JobEvent event : events) {
            all.add(event);
            at.add(now);
        }
        if (kept.read == null) {
            Optional<Transition> created = updates.create(kept.job, kept.admittedAt, all, at);
            if (created.isEmpty()) {
                // Another writer made it since this run looked: its record holds, and this run's room goes back.
                LOG.warn("outcome=job-made-meanwhile job={}", jobId);
                earlier.add(jobId);
                release(jobId);
            }
            created.ifPresent(this::recorded);
            return created;
        }
        Optional<JobStore.Versioned> read = Optional.of(kept.read);
        for (int tries = 1; tries <= JobUpdates.WRITE_TRIES && read.isPresent(); tries++) {
            Optional<Transition> applied = updates.apply(read.get(), all, at);
            if (applied.isPresent()) {
                applied.ifPresent(this::recorded);
                if (applied.get().kind() == Transition.Kind.STALE) {
                    LOG.warn("outcome=report-ignored job={} reason=\"{}\"", jobId, applied.get().note());
                }
                return applied;
            }
            read = updates.store().read(jobId);
        }
        if (read.isEmpty()) {
            return Optional.empty();
        }
        throw new JobUpdates.ConcurrentChangeException(jobId);
    }

    /** Writes every state kept in memory longer than {@link #UNWRITTEN_AT_MOST} ({@code all}: every one). */
    void writeKept(boolean all) {
        long before = System.nanoTime() - UNWRITTEN_AT_MOST.toNanos();
        for (String id : List.copyOf(unwritten.keySet())) {
            Unwritten kept = unwritten.get(id);
            if (all || kept.since - before <= 0) {
                write(id, List.of());
            } else {
                // Kept in the order they came: the rest are younger.
                break;
            }
        }
    }

    /** Nanoseconds until a state kept in memory is to be written on its own ({@link Long#MAX_VALUE}: none kept). */
    long untilKeptIsWritten() {
        return unwritten.values().stream().findFirst()
                .map(kept -> Math.max(0, kept.since + UNWRITTEN_AT_MOST.toNanos() - System.nanoTime()))
                .orElse(Long.MAX_VALUE);
    }

    private Optional<Transition> apply(JobStore.Versioned read, JobEvent event) {
        return apply(read, List.of(event));
    }

    /** Writes what the events do and carries out their effects. */
    private Optional<Transition> apply(JobStore.Versioned read, List<JobEvent> events) {
        Optional<Transition> applied = updates.apply(read, events);
        applied.ifPresent(this::recorded);
        if (applied.isPresent() && applied.get().kind() == Transition.Kind.STALE) {
            LOG.warn("outcome=report-ignored job={} reason=\"{}\"", read.record().id(), applied.get().note());
        }
        return applied;
    }

    private void recorded(Transition transition) {
        transition.creates().forEach(child -> {
            touched.add(child.id());
            listener.jobChanged(child);
        });
        if (transition.changed()) {
            touched.add(transition.after().id());
            listener.jobChanged(transition.after());
            batches.written(transition);
        }
        for (Effect effect : transition.effects()) {
            switch (effect) {
                case Effect.Enqueue enqueue -> enqueue.jobIds().forEach(id -> {
                    if (queue.add(id, algorithmOf(transition, id))) {
                        touched.add(id);
                    }
                });
                case Effect.StopTask stop -> LocalProcessRunner.stopStale(transition.before(), docker);
                case Effect.StartTask start -> { }
                case Effect.LookAgain look -> { }
            }
        }
    }

    /** The algorithm of a job a transition queues: the job itself, or a step it creates. */
    private String algorithmOf(Transition transition, String id) {
        return Stream.concat(Stream.of(transition.after()), transition.creates().stream())
                .filter(record -> record.id().equals(id)).findFirst().map(JobRecord::algorithm)
                .orElseGet(() -> current(id).orElseThrow().algorithm());
    }
}
