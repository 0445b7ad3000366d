package io.conveyor.batch;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.Transition;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.pipeline.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what {@link BatchLifecycle} decides, the same for every driver (the local mode, dispatch,
 * task-events, the reconciler): the events are written through {@link BatchUpdates} first, then each decision
 * is carried out in order. {@code MakeMembers} creates the jobs the driver computed for the file (create-if-absent
 * by id); {@code MakeGather} fills the gather's folder ({@link GatherFolders}), creates the gather job (its id is
 * the decision's) and hands it to be queued; {@code LookAgain} is handed to a timer; {@code Failed},
 * {@code GatherFailed} and {@code Completed} are logged, one structured line each ({@code LateFile} is logged by
 * {@link BatchUpdates}, once, when written). A job created already ended (refused at creation) is told to the
 * batch as its member's end at once, so no gather waits for it. A redelivered decision makes nothing twice: every
 * job is created by id, the folder filled again changes nothing.
 */
public final class BatchDriver {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDriver.class);

    /** How deep jobs refused at creation may lead to further decisions in one call (a gather of a gather…). */
    private static final int MAX_ROUNDS = 16;

    /** Hears of each job this created now, to carry out the creation's effects (queue a QUEUED job). */
    @FunctionalInterface
    public interface JobsMade {
        void made(Transition created);
    }

    /** Applies a {@link BatchEvent.Tick} to a batch at (or after) an instant: a timer, a delayed message. */
    @FunctionalInterface
    public interface LookAgainLater {
        void lookAgain(String pipeline, String batch, Instant at);
    }

    /**
     * A job a driver computed for a batch's file (a first step's), to be created if the batch's record says so
     * ({@code MakeMembers}).
     *
     * @param job    the job
     * @param events what it is created with: none (QUEUED), or a {@link JobEvent.Rejected} saying why it may not run
     */
    public record Pending(NewJob job, List<JobEvent> events) {
        public Pending {
            Objects.requireNonNull(job, "job");
            events = events == null ? List.of() : List.copyOf(events);
        }

        /** Its member entry in the batch. */
        public BatchEvent.Member member() {
            return new BatchEvent.Member(job.place().step(), job.id());
        }
    }

    private final BatchUpdates batches;
    private final JobUpdates jobs;
    private final GatherFolders folders;
    private final PipelineJobs.Algorithms algorithms;
    private final JobsMade made;
    private final LookAgainLater later;

    /**
     * @param batches    writes batch records
     * @param jobs       creates job records (and reads the records of a gather's taken members)
     * @param folders    fills a gather's input folder
     * @param algorithms each algorithm's current revision (a gather job runs the one current when it is made)
     * @param made       hears of each job created now, to queue it
     * @param later      schedules a {@link BatchEvent.Tick}
     */
    public BatchDriver(BatchUpdates batches, JobUpdates jobs, GatherFolders folders, PipelineJobs.Algorithms algorithms,
                       JobsMade made, LookAgainLater later) {
        this.batches = Objects.requireNonNull(batches, "batches");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.folders = Objects.requireNonNull(folders, "folders");
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.made = Objects.requireNonNull(made, "made");
        this.later = Objects.requireNonNull(later, "later");
    }

    /** Applies events that make no job of a file (a manifest, a member's end, a tick). */
    public BatchChange apply(Pipeline pipeline, String batch, List<BatchEvent> events) {
        return apply(pipeline, batch, events, List.of());
    }

    /**
     * Writes the events to the batch's record, then carries out every decision in order.
     *
     * @param pending the jobs the events' files become ({@link BatchEvent.FileArrived#members}), by the driver's
     *                rules; {@code MakeMembers} creates those it names
     * @return what the events did to the record (the first write's change)
     * @throws BatchUpdates.ConcurrentBatchChangeException when the record kept changing: the events come again
     * @throws IllegalStateException when a gather's taken member has no record, or its job's id is not the decided
     *                               one (nothing is made then; the event comes again)
     */
    public BatchChange apply(Pipeline pipeline, String batch, List<BatchEvent> events, List<Pending> pending) {
        Map<String, Pending> byId = new HashMap<>();
        pending.forEach(p -> byId.put(p.job().id(), p));
        BatchChange first = null;
        BatchChange last = null;
        List<BatchEvent> next = events;
        for (int round = 0; round < MAX_ROUNDS && !next.isEmpty(); round++) {
            BatchChange change = batches.apply(pipeline, batch, next);
            first = first == null ? change : first;
            last = change;
            next = carryOut(pipeline, batch, change, byId);
        }
        if (last != null) {
            makeLostGathers(pipeline, batch, last.after());
        }
        return first;
    }

    /**
     * Makes the gathers the record decided whose job does not exist: their maker wrote the decision and failed before
     * making the job (a gather folder's copy refused, the process lost). The event that failed comes again and changes
     * nothing in the record, so without this its gather would never be made.
     */
    private void makeLostGathers(Pipeline pipeline, String batch, BatchRecord record) {
        List<BatchDecision.MakeGather> lost = BatchLifecycle.outstanding(record, pipeline).stream()
                .filter(gather -> jobs.store().get(gather.jobId()).isEmpty()).toList();
        if (!lost.isEmpty()) {
            LOG.info("outcome=gather-made-again pipeline={} batch={} steps={}", pipeline.name(), batch,
                    lost.stream().map(BatchDecision.MakeGather::step).toList());
            remake(pipeline, batch, lost);
        }
    }

    /**
     * Makes again the gathers a record decided whose job has not ended ({@link BatchLifecycle#outstanding}): for a
     * reconciler, after a maker crashed between writing the decision and making the job. Jobs that exist stay as
     * they are.
     */
    public void remake(Pipeline pipeline, String batch, List<BatchDecision.MakeGather> gathers) {
        List<BatchEvent> ended = new ArrayList<>();
        gathers.forEach(gather -> makeGather(pipeline, batch, gather).ifPresent(ended::add));
        if (!ended.isEmpty()) {
            apply(pipeline, batch, ended);
        }
    }

    /** Carries out one change's decisions; returns the ends of jobs created ended, to apply next. */
    private List<BatchEvent> carryOut(Pipeline pipeline, String batch, BatchChange change, Map<String, Pending> pending) {
        List<BatchEvent> endedAtCreation = new ArrayList<>();
        for (BatchDecision decision : change.decisions()) {
            switch (decision) {
                case BatchDecision.MakeMembers members -> members.members().forEach(member -> {
                    Pending job = pending.get(member.jobId());
                    if (job == null) {
                        // Made by whoever computed it (a redelivered file computes them again): nothing to do here.
                        LOG.debug("outcome=member-not-computed pipeline={} batch={} job={}", pipeline.name(), batch,
                                member.jobId());
                        return;
                    }
                    create(job.job(), job.events(), member).ifPresent(endedAtCreation::add);
                });
                case BatchDecision.MakeGather gather -> makeGather(pipeline, batch, gather).ifPresent(endedAtCreation::add);
                case BatchDecision.LookAgain look -> later.lookAgain(pipeline.name(), batch, look.at());
                case BatchDecision.Completed completed -> {
                    if (change.changed()) {
                        LOG.info("outcome=batch-complete pipeline={} batch={} files={}", pipeline.name(), batch,
                                completed.files().size());
                    }
                }
                case BatchDecision.Failed failed -> {
                    if (change.changed()) {
                        LOG.warn("outcome=batch-failed pipeline={} batch={} reason=\"{}\"", pipeline.name(), batch,
                                failed.reason());
                    }
                }
                case BatchDecision.GatherFailed failed -> {
                    if (change.changed()) {
                        LOG.warn("outcome=gather-failed pipeline={} batch={} step={} member={} reason=\"{}\"",
                                pipeline.name(), batch, failed.step(), failed.member(), failed.reason());
                    }
                }
                case BatchDecision.LateFile late -> {
                    // Logged by BatchUpdates when written; nothing is made of it.
                }
            }
        }
        return endedAtCreation;
    }

    /**
     * Fills the gather's folder with its taken members' outputs, then creates its job (create-if-absent) and
     * hands it on to be queued.
     */
    private Optional<BatchEvent> makeGather(Pipeline pipeline, String batch, BatchDecision.MakeGather gather) {
        Step step = pipeline.step(gather.step()).orElseThrow(() -> new IllegalStateException("pipeline "
                + pipeline.name() + " has no step " + gather.step() + " (a gather decided by another revision?)"));
        List<JobRecord> taken = new ArrayList<>();
        for (String id : gather.taken()) {
            taken.add(jobs.store().get(id).orElseThrow(() -> new IllegalStateException("batch " + pipeline.name() + "/"
                    + batch + ": gather " + gather.step() + " takes job " + id + ", which has no record")));
        }
        String folder = folders.fill(pipeline.name(), batch, gather.step(), taken);
        Optional<NewJob.AlgorithmRevision> algorithm = algorithms.revision(step.algorithm());
        NewJob job = NewJob.of(new NewJob.JobInput(folder, NewJob.GATHER_INPUT_VERSION), algorithm.orElseGet(() ->
                new NewJob.AlgorithmRevision(step.algorithm(), PipelineJobs.UNKNOWN_REVISION, 1))).withPlace(gather.place())
                .withOutput(folders.output(pipeline.name(), batch, gather.step(), gather.jobId()));
        if (!job.id().equals(gather.jobId())) {
            throw new IllegalStateException("batch " + pipeline.name() + "/" + batch + ": gather " + gather.step()
                    + " was decided as job " + gather.jobId() + " but its place makes " + job.id());
        }
        List<JobEvent> events = algorithm.isPresent() ? List.of() : List.of(new JobEvent.Rejected("pipeline "
                + pipeline.name() + ", step " + gather.step() + ": unknown algorithm '" + step.algorithm() + "'"));
        LOG.info("outcome=gather-made pipeline={} batch={} step={} job={} folder=\"{}\" taken={} skipped={}",
                pipeline.name(), batch, gather.step(), gather.jobId(), folder, gather.taken().size(),
                gather.skipped().size());
        return create(job, events, new BatchEvent.Member(gather.step(), gather.jobId()));
    }

    /** Creates a job by id; a job created ended (refused) becomes its member's end. */
    private Optional<BatchEvent> create(NewJob job, List<JobEvent> events, BatchEvent.Member member) {
        Optional<Transition> created = jobs.create(job, events);
        if (created.isEmpty()) {
            return Optional.empty();
        }
        made.made(created.get());
        JobRecord record = created.get().after();
        if (!record.state().terminal()) {
            return Optional.empty();
        }
        return Optional.of(new BatchEvent.MemberEnded(member, end(record), record.reason(),
                Instant.parse(record.endedAt() != null ? record.endedAt() : record.queuedAt()), List.of()));
    }

    /** How an ended job ended, as a batch member. */
    public static BatchMember.End end(JobRecord record) {
        return switch (record.state()) {
            case SUCCEEDED -> BatchMember.End.SUCCEEDED;
            case CANCELLED -> BatchMember.End.CANCELLED;
            default -> BatchMember.End.FAILED;
        };
    }
}
