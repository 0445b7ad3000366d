package io.conveyor.reconcile;

import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchRecord;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.NewJob;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.pipeline.Step;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.PipelineRecord;
import io.conveyor.storage.BucketLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The reconciler's first step: inputs whose notification never came. A page of the input listing from the
 * checkpoint; each key older than the settle time, of an active algorithm, written after the algorithm's
 * current revision was registered, and without a job record, is handed to dispatch as its notification
 * would have been.
 *
 * <p>A job's id is its input version with the algorithm's revision, so the record looked for is the one the
 * current revision makes, named by version id or, where the notification named no version (an emulator's),
 * by {@code etag:}. An input written before that revision belongs to an earlier one: dispatch made (or
 * rejected) its job then, under that revision's id, so it is left alone rather than run again with the new
 * revision unasked.
 *
 * <p>A key under {@code inputs/<pipeline>/<batch>/} is a batch file: the jobs looked for are those of the pipeline's
 * first steps ({@link PipelineJobs}, the one place they are made), under its current revision; a file written before
 * that revision was registered, or before a first step's algorithm revision, is left alone for the same reason, and
 * a batch's control files ({@code _manifest.json}, {@code _COMPLETE}) make no job. A first step fanning out over
 * archive members or a listed prefix makes jobs whose ids depend on what unpacking or listing finds: for such a step
 * the batch's record says whether the file was dispatched (the record holds the file at this version and each job of
 * the step made of it exists; or the file at this version came late, which makes no job), so an archive or a listing
 * already dispatched is never read again, and one whose notification was lost is sent once. A plain file at a
 * version its batch recorded as late is dispatched too: it makes no job, so its job is never found.
 */
final class InputRecovery {

    /** What one step did, and where the listing goes on. */
    record Result(int listed, List<InputObject> sent, String inputsAfter, boolean wrapped, boolean stoppedEarly) {
    }

    /**
     * S3 tells {@code LastModified} to the second, truncated: an input written in the second its algorithm's
     * revision was registered may read as written before it, so it counts as after (and would rather be looked
     * at than be lost).
     */
    static final java.time.Duration LAST_MODIFIED_PRECISION = java.time.Duration.ofSeconds(1);

    private final InputListing listing;
    private final InputRedelivery redelivery;
    private final JobStore jobs;
    private final AlgorithmRegistry registry;
    private final Function<String, Optional<PipelineRecord>> pipelineRecords;
    private final ObjectStorePipelineCatalog pipelines;
    private final Map<String, Optional<AlgorithmRecord>> algorithms = new HashMap<>();
    private final Map<String, Optional<PipelineRecord>> pipelineRecordsRead = new HashMap<>();
    private final BiFunction<String, String, Optional<BatchRecord>> batches;
    private final Map<String, Optional<BatchRecord>> batchesRead = new HashMap<>();

    /** @param batches a batch's record by pipeline and batch (read once a pass each) */
    InputRecovery(InputListing listing, InputRedelivery redelivery, JobStore jobs, AlgorithmRegistry registry,
                  Function<String, Optional<PipelineRecord>> pipelineRecords,
                  BiFunction<String, String, Optional<BatchRecord>> batches) {
        this.batches = batches;
        this.listing = listing;
        this.redelivery = redelivery;
        this.jobs = jobs;
        this.registry = registry;
        this.pipelineRecords = pipelineRecords;
        // The records read for the listing's rule serve the catalog too: one read a pipeline a pass.
        this.pipelines = new ObjectStorePipelineCatalog(name -> pipelineRecordsRead.computeIfAbsent(name, pipelineRecords));
    }

    Result run(ReconcileState state, ReconcileSettings settings, Instant now, BooleanSupplier pastDeadline) {
        batchesRead.clear();
        InputListing.Page page = listing.after(state.inputsAfter(), settings.maxInputs());
        Instant settled = now.minus(settings.settle());
        List<InputObject> missing = new ArrayList<>();
        String last = state.inputsAfter();
        int listed = 0;
        boolean stoppedEarly = false;
        for (InputObject input : page.inputs()) {
            if (pastDeadline.getAsBoolean()) {
                stoppedEarly = true;
                break;
            }
            listed++;
            last = input.ref().key();
            if (!input.lastModified().isAfter(settled) && !state.sentRecently(sentKey(input), now)
                    && lacksJob(input)) {
                missing.add(input);
            }
        }
        if (!missing.isEmpty()) {
            redelivery.redeliver(missing);
        }
        boolean wrapped = !stoppedEarly && !page.more();
        return new Result(listed, missing, wrapped ? null : last, wrapped, stoppedEarly);
    }

    /** How the state remembers an input sent. */
    static String sentKey(InputObject input) {
        return input.ref().key() + "#" + input.jobVersion();
    }

    private boolean lacksJob(InputObject input) {
        String key = input.ref().key();
        if (!key.startsWith(BucketLayout.INPUTS_PREFIX) || key.endsWith("/")) {
            return false;
        }
        String below = key.substring(BucketLayout.INPUTS_PREFIX.length());
        int slash = below.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String name = below.substring(0, slash);
        Optional<AlgorithmRecord> algorithm = algorithm(name);
        if (algorithm.isEmpty()) {
            return lacksPipelineJobs(input, name, below.substring(slash + 1));
        }
        if (!usable(algorithm.get(), input)) {
            return false;
        }
        String uri = input.ref().uri();
        String revision = algorithm.get().sha256();
        if (jobs.get(JobId.of(uri, input.jobVersion(), name, revision)).isPresent()) {
            return false;
        }
        return input.versionId() == null || jobs.get(JobId.of(uri, "etag:" + input.eTag(), name, revision)).isEmpty();
    }

    /** Whether a file of a pipeline's batch lacks a job of one of the pipeline's first steps. */
    private boolean lacksPipelineJobs(InputObject input, String pipelineName, String inPipeline) {
        Optional<PipelineRecord> record = pipelineRecordsRead.computeIfAbsent(pipelineName, pipelineRecords);
        int slash = inPipeline.indexOf('/');
        if (record.isEmpty() || !record.get().active() || slash <= 0 || writtenBefore(input, record.get().registeredAt())) {
            return false;
        }
        String batch = inPipeline.substring(0, slash);
        String inBatch = inPipeline.substring(slash + 1);
        if (!inBatch.contains("/") && BatchRule.isBatchControl(inBatch)) {
            return false;
        }
        Optional<Pipeline> pipeline = pipelines.pipeline(pipelineName);
        if (pipeline.isEmpty() || inBatch.contains("/") && PipelineJobs.lists(pipeline.get())) {
            // A subfolder's file of a pipeline with listings runs only as a listing names it.
            return false;
        }
        for (Step step : pipeline.get().firstSteps()) {
            Optional<AlgorithmRecord> algorithm = algorithm(step.algorithm());
            if (algorithm.isEmpty() || !usable(algorithm.get(), input)) {
                continue;
            }
            NewJob.AlgorithmRevision revision = new NewJob.AlgorithmRevision(step.algorithm(), algorithm.get().sha256(),
                    1 + algorithm.get().definition().retries());
            String version = PipelineJobs.batchFileVersion(input.eTag());
            boolean lacks = step.fanOut() instanceof FanOut.ArchiveMembers || step.fanOut() instanceof FanOut.ListedPrefix
                    ? lacksMembers(pipelineName, batch, step.name(), inBatch, version)
                    : lacks(pipeline.get(), step, batch, input, version, revision)
                    && record(pipelineName, batch).filter(known -> cameLate(known, inBatch, version)).isEmpty();
            if (lacks) {
                return true;
            }
        }
        return false;
    }

    private boolean lacks(Pipeline pipeline, Step step, String batch, InputObject input, String version,
                          NewJob.AlgorithmRevision revision) {
        NewJob.JobInput file = new NewJob.JobInput(input.ref().uri(), version);
        return PipelineJobs.of(pipeline, step, batch, file, null, name -> Optional.of(revision)).stream()
                .anyMatch(made -> jobs.get(made.job().id()).isEmpty());
    }

    /**
     * Whether the batch's record lacks a step's jobs of an archive or a listing at {@code version}: it did not come
     * late, and the record does not hold it at that version, or a job of the step made of it is missing. The jobs of
     * a file the record holds are written with it; an object two listings name is one job, made of the later one.
     */
    private boolean lacksMembers(String pipeline, String batch, String step, String file, String version) {
        Optional<BatchRecord> record = record(pipeline, batch);
        if (record.isEmpty()) {
            return true;
        }
        if (cameLate(record.get(), file, version)) {
            return false;
        }
        BatchFile known = record.get().files().get(file);
        if (known == null || !known.version().equals(version)) {
            return true;
        }
        return record.get().members(step).values().stream()
                .filter(member -> file.equals(member.file()) && version.equals(member.fileVersion()))
                .anyMatch(member -> jobs.get(member.jobId()).isEmpty());
    }

    /** A batch's record, read once a pass. */
    private Optional<BatchRecord> record(String pipeline, String batch) {
        return batchesRead.computeIfAbsent(pipeline + "/" + batch, key -> batches.apply(pipeline, batch));
    }

    /** Whether the file at {@code version} arrived after its batch ended (it makes no job). */
    private static boolean cameLate(BatchRecord record, String file, String version) {
        return record.late().stream().anyMatch(late -> late.name().equals(file) && late.version().equals(version));
    }

    private Optional<AlgorithmRecord> algorithm(String name) {
        return algorithms.computeIfAbsent(name, registry::algorithm);
    }

    /** Whether an algorithm takes inputs now, and took this one (written after its current revision was registered). */
    private static boolean usable(AlgorithmRecord algorithm, InputObject input) {
        return algorithm.active() && algorithm.sha256() != null && !writtenBefore(input, algorithm.registeredAt());
    }

    private static boolean writtenBefore(InputObject input, String registeredAt) {
        return registeredAt != null
                && input.lastModified().plus(LAST_MODIFIED_PRECISION).isBefore(Instant.parse(registeredAt));
    }
}
