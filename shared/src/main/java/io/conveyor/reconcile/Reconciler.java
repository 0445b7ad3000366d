package io.conveyor.reconcile;

import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.jobs.JobChanges;
import io.conveyor.jobs.JobQueue;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.PipelineRecord;
import io.conveyor.registration.PipelineRegistry;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.tasks.TaskEventDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 5, the driver that mends lost events, one bounded pass at a time (on a schedule):
 * <ol>
 *   <li>inputs without a job record after the settle time are handed to dispatch as their notification
 *       would have been ({@link InputRecovery}; a page of the listing per pass, from a checkpoint);</li>
 *   <li>STARTING or RUNNING records older than the grace have their task looked up: a task that stopped (or
 *       started) unseen is fed to task-events' driver; a task gone is {@code TaskVanished};</li>
 *   <li>QUEUED jobs older than the grace (a chain's children never sent among them), and jobs waiting for
 *       capacity past the waiting grace, are sent to the jobs queue again (dispatch starts a job once);</li>
 *   <li>the batches not yet settled get a tick ({@link OpenBatchTicks}: a lost look-again ends no batch late
 *       by more than a pass);</li>
 *   <li>the dead-letter queues are counted.</li>
 * </ol>
 * Each step is isolated from the others (one failing is reported, the rest run); a pass stops taking new
 * work at its deadline. Its state (the listing's checkpoint, what it sent lately) is one object of the
 * output bucket, written at the end of the pass.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** Where the state lies in the output bucket. */
    public static final String STATE_KEY = "reconcile/state.json";

    private final ReconcileSettings settings;
    private final InputRecovery inputs;
    private final AttemptRecovery attempts;
    private final DeadLetterCounts deadLetters;
    private final OpenBatchTicks openBatches;
    private final ObjectStore stateStore;
    private final ObjectRef stateAt;
    private final Clock clock;

    private Reconciler(Builder b) {
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        JobUpdates updates = new JobUpdates(Objects.requireNonNull(b.jobs, "jobs"), clock, b.changes);
        this.inputs = new InputRecovery(Objects.requireNonNull(b.listing, "listing"),
                Objects.requireNonNull(b.redelivery, "redelivery"), b.jobs, Objects.requireNonNull(b.registry, "registry"),
                b.pipelines, b.batches);
        this.attempts = new AttemptRecovery(updates, Objects.requireNonNull(b.queue, "queue"),
                Objects.requireNonNull(b.tasks, "tasks"), Objects.requireNonNull(b.outputs, "outputs"),
                Objects.requireNonNull(b.taskEvents, "taskEvents"));
        this.deadLetters = Objects.requireNonNull(b.deadLetters, "deadLetters");
        this.openBatches = b.openBatches;
        this.stateStore = Objects.requireNonNull(b.stateStore, "stateStore");
        this.stateAt = new ObjectRef(Objects.requireNonNull(b.stateBucket, "stateBucket"), STATE_KEY);
    }

    /** A reconciler's collaborators, by name. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One pass.
     *
     * @param budget how long it may take new work: it stops before, leaving the rest to the next pass. The
     *               input listing may take half of it, so that a long listing never starves the attempts
     *               under way and the waiting jobs
     */
    public ReconcileReport pass(Duration budget) {
        Instant started = clock.instant();
        Instant deadline = started.plus(budget);
        BooleanSupplier pastDeadline = () -> !clock.instant().isBefore(deadline);
        Instant inputsDeadline = started.plus(budget.dividedBy(2));
        BooleanSupplier pastInputsDeadline = () -> !clock.instant().isBefore(inputsDeadline);
        ReconcileState state = readState().pruned(started);
        List<String> failed = new ArrayList<>();
        boolean stoppedEarly = false;

        InputRecovery.Result listed = new InputRecovery.Result(0, List.of(), state.inputsAfter(), false, false);
        try {
            listed = inputs.run(state, settings, started, pastInputsDeadline);
            state = state.withInputsAfter(listed.inputsAfter()).withSent(listed.sent().stream()
                    .map(InputRecovery::sentKey).toList(), started.plus(settings.grace()));
            stoppedEarly |= listed.stoppedEarly();
        } catch (RuntimeException e) {
            failed.add(failure("inputs", e));
        }
        AttemptRecovery.Resolved resolved = new AttemptRecovery.Resolved(0, 0, List.of(), false);
        try {
            resolved = attempts.resolve(settings, clock.instant(), pastDeadline);
            state = state.withSent(resolved.moved(), clock.instant().plus(settings.grace()));
            stoppedEarly |= resolved.stoppedEarly();
        } catch (RuntimeException e) {
            failed.add(failure("tasks", e));
        }
        AttemptRecovery.Requeued requeued = new AttemptRecovery.Requeued(List.of(), false);
        try {
            Instant now = clock.instant();
            requeued = attempts.requeue(state, settings, now, pastDeadline);
            state = state.withSent(requeued.sent(), now.plus(settings.grace()));
            stoppedEarly |= requeued.stoppedEarly();
        } catch (RuntimeException e) {
            failed.add(failure("queued", e));
        }
        OpenBatchTicks.Result batches = OpenBatchTicks.Result.NONE;
        try {
            if (openBatches != null) {
                batches = openBatches.run(pastDeadline);
                stoppedEarly |= batches.stoppedEarly();
            }
        } catch (RuntimeException e) {
            failed.add(failure("batches", e));
        }
        Map<String, Long> dead = Map.of();
        try {
            dead = deadLetters.counts();
        } catch (RuntimeException e) {
            failed.add(failure("dead-letters", e));
        }
        try {
            stateStore.write(stateAt, state.toJson(), "application/json");
        } catch (RuntimeException e) {
            failed.add(failure("state", e));
        }
        ReconcileReport report = new ReconcileReport(listed.listed(), listed.sent().size(), resolved.resolved(),
                resolved.vanished(), requeued.sent().size(), dead, listed.wrapped(), stoppedEarly, failed,
                Duration.between(started, clock.instant()).toMillis());
        LOG.info("outcome=reconciled inputsListed={} jobsRecovered={} tasksResolved={} tasksVanished={} requeued={} "
                        + "deadLetters={} wrapped={} stoppedEarly={} failedSteps={} durationMs={} openBatches={} "
                        + "batchesEnded={} openBatchEntriesRemoved={} batchTicksFailed={}", report.inputsListed(),
                report.jobsRecovered(), report.tasksResolved(), report.vanished(), report.requeued(), report.deadLetters(),
                report.wrapped(), report.stoppedEarly(), report.failedSteps(), report.durationMs(), batches.listed(),
                batches.ended(), batches.removed(), batches.failed());
        return report;
    }

    private ReconcileState readState() {
        Optional<byte[]> stored = stateStore.readCurrent(stateAt);
        // An empty object holds no state (SnapStart's priming answers every read with one): start from the first.
        if (stored.isEmpty() || stored.get().length == 0) {
            return ReconcileState.FIRST;
        }
        try {
            return ReconcileState.fromJson(stored.get(), stateAt.uri());
        } catch (IllegalArgumentException e) {
            // A state that cannot be read costs only a listing from the first key again.
            LOG.warn("outcome=state-unreadable object=\"{}\" reason=\"{}\" then=\"starting from the first input\"",
                    stateAt, e.getMessage());
            return ReconcileState.FIRST;
        }
    }

    private static String failure(String step, RuntimeException e) {
        LOG.error("outcome=reconcile-step-failed step={} reason=\"{}\"", step, e.getMessage(), e);
        return step + ": " + e.getMessage();
    }

    /** Names every collaborator, so that none can be passed in another's place. */
    public static final class Builder {
        private ReconcileSettings settings = ReconcileSettings.DEFAULTS;
        private InputListing listing;
        private InputRedelivery redelivery;
        private JobStore jobs;
        private JobQueue queue;
        private AttemptTasks tasks;
        private AttemptOutputs outputs;
        private TaskEventDriver taskEvents;
        private AlgorithmRegistry registry;
        private Function<String, Optional<PipelineRecord>> pipelines = name -> Optional.empty();
        private BiFunction<String, String, Optional<BatchRecord>> batches = (pipeline, batch) -> Optional.empty();
        private DeadLetterCounts deadLetters;
        private OpenBatchTicks openBatches;
        private ObjectStore stateStore;
        private String stateBucket;
        private Clock clock = Clock.systemUTC();
        private JobChanges changes = JobChanges.NONE;

        private Builder() {
        }

        public Builder settings(ReconcileSettings value) {
            this.settings = value;
            return this;
        }

        /** The listing of the input bucket's {@code inputs/}. */
        public Builder inputs(InputListing value) {
            this.listing = value;
            return this;
        }

        /** Where an input's lost notification is sent again (dispatch's queue). */
        public Builder redelivery(InputRedelivery value) {
            this.redelivery = value;
            return this;
        }

        /** The job records, listed through their index. */
        public Builder jobs(JobStore value) {
            this.jobs = value;
            return this;
        }

        /** The jobs queue. */
        public Builder queue(JobQueue value) {
            this.queue = value;
            return this;
        }

        public Builder tasks(AttemptTasks value) {
            this.tasks = value;
            return this;
        }

        public Builder outputs(AttemptOutputs value) {
            this.outputs = value;
            return this;
        }

        /** Task-events' driver, which applies what a task found says (built on the same store and queue). */
        public Builder taskEvents(TaskEventDriver value) {
            this.taskEvents = value;
            return this;
        }

        public Builder registry(AlgorithmRegistry value) {
            this.registry = value;
            return this;
        }

        /** Where pipelines are registered, so that a lost batch file is recovered too (none unless told). */
        public Builder pipelines(PipelineRegistry value) {
            this.pipelines = Objects.requireNonNull(value, "pipelines")::pipeline;
            return this;
        }

        /** The ticks of open batches (none unless told: a stack without pipelines' batches). */
        public Builder openBatches(OpenBatchTicks value) {
            this.openBatches = value;
            return this;
        }

        /**
         * Where batch records are kept: a batch file of a step fanning out over archive members is judged by its
         * batch's record (without one, such a file is taken for one whose notification was lost).
         */
        public Builder batches(BatchStore value) {
            Objects.requireNonNull(value, "batches");
            this.batches = (pipeline, batch) -> value.read(pipeline, batch).map(BatchStore.Versioned::record);
            return this;
        }

        public Builder deadLetters(DeadLetterCounts value) {
            this.deadLetters = value;
            return this;
        }

        /** Where the state is kept: {@value Reconciler#STATE_KEY} of {@code bucket}. */
        public Builder state(ObjectStore store, String bucket) {
            this.stateStore = store;
            this.stateBucket = bucket;
            return this;
        }

        /** Told of each record the reconciler writes itself (a task-events driver given tells its own). */
        public Builder changes(JobChanges value) {
            changes = Objects.requireNonNull(value, "changes");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Reconciler build() {
            return new Reconciler(this);
        }
    }
}
