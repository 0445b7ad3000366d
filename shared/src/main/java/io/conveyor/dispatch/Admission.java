package io.conveyor.dispatch;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.jobs.Transition;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's first step: which jobs of a message are to run. An S3 event's object becomes a new
 * job (one per input version and algorithm revision); a message naming a job by id (a retry, a
 * chain's next step) runs that job with the algorithm revision and input version it was made for,
 * or not at all. A job that may not run is recorded as rejected, saying why.
 *
 * <p>Where the key's first segment names no algorithm but a pipeline ({@code inputs/<pipeline>/<batch>/<file>}),
 * the file is a batch's: {@link PipelineAdmission} makes the jobs of the pipeline's first steps. A pipeline job
 * takes its parameters' values from its place (the pipeline's step), never from the object's metadata.
 */
final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final ObjectStore inputs;
    private final JobUpdates updates;
    private final String outputBucket;
    /** The algorithms' records this batch uses: a pipeline's read once in it, others also taken while fresh. */
    private final RecentAlgorithms.InBatch algorithms;
    /** Pipelines looked up in this batch: each is read once per batch. */
    private final Map<String, Optional<Pipeline>> pipelines = new HashMap<>();
    private final PipelineCatalog catalog;
    private final PipelineAdmission batchFiles;
    private final BatchDriver batches;
    /** The QUEUED jobs the batch carrier made since they were last placed (a first step's, a gather). */
    private final Set<String> made = new LinkedHashSet<>();

    /** One admission per batch (of messages); {@code wiring} is how pipelines' batches are kept, or {@code null}. */
    Admission(RecentAlgorithms.InBatch algorithms, PipelineCatalog catalog, ObjectStore inputs, JobUpdates updates,
              String outputBucket, BatchWiring wiring, Clock clock) {
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.outputBucket = Objects.requireNonNull(outputBucket, "outputBucket");
        this.batches = wiring == null ? null : new BatchDriver(new BatchUpdates(wiring.store(), clock), updates,
                wiring.folders(), this::revision, created -> {
                    if (created.after().state() == JobState.QUEUED) {
                        made.add(created.after().id());
                    }
                }, wiring.later());
        this.batchFiles = batches == null ? null : new PipelineAdmission(this::algorithm, inputs, updates, outputBucket,
                batches, wiring.members(), wiring.listings(), clock);
    }

    /**
     * A batch's look again ({@code {"conveyorBatch": ...}}): a {@code Tick}, and the jobs it makes (a gather) placed.
     * A pipeline no longer registered ends the ticks of its batches.
     */
    List<Candidate> tick(String pipelineName, String batch, java.time.Instant look) {
        Optional<Pipeline> pipeline = pipelines.computeIfAbsent(pipelineName, catalog::pipeline);
        if (pipeline.isEmpty() || batches == null) {
            LOG.warn("outcome=ignored pipeline={} batch={} reason=\"a batch's tick, but no pipeline of that name\"",
                    pipelineName, batch);
            return List.of();
        }
        batches.apply(pipeline.get(), batch, List.of(new BatchEvent.Tick(look)));
        return placeMade(List.of());
    }

    /** The jobs {@code ids} and those the carrier made QUEUED, as candidates read from their records. */
    private List<Candidate> placeMade(List<String> ids) {
        Set<String> all = new LinkedHashSet<>(ids);
        all.addAll(made);
        made.clear();
        List<Candidate> candidates = new ArrayList<>();
        for (String id : all) {
            admitRecorded(id).ifPresent(candidates::add);
        }
        return candidates;
    }

    private Optional<NewJob.AlgorithmRevision> revision(String name) {
        return algorithm(name).map(a -> new NewJob.AlgorithmRevision(name, Objects.requireNonNullElse(a.sha256(), "none"),
                1 + a.definition().retries()));
    }

    /** The jobs of one event record that are to run (a pipeline's file may make several); rejections are recorded here. */
    List<Candidate> admit(StorageEvent event) {
        ObjectRef ref = event.object();
        String key = ref.key();
        if (event.kind() == StorageEvent.Kind.REMOVED) {
            LOG.info("outcome=ignored object=\"{}\" reason=\"removed: jobs of earlier versions keep their version\"", ref);
            return List.of();
        }
        if (!key.startsWith(BucketLayout.INPUTS_PREFIX) || key.endsWith("/")) {
            LOG.warn("outcome=ignored object=\"{}\" reason=\"not an input file under {}<algorithm>/\"", ref,
                    BucketLayout.INPUTS_PREFIX);
            return List.of();
        }
        String below = key.substring(BucketLayout.INPUTS_PREFIX.length());
        int slash = below.indexOf('/');
        if (slash <= 0) {
            LOG.warn("outcome=ignored object=\"{}\" reason=\"inputs lie under {}<algorithm>/, this one names no algorithm\"",
                    ref, BucketLayout.INPUTS_PREFIX);
            return List.of();
        }
        String name = below.substring(0, slash);
        String rest = below.substring(slash + 1);
        Optional<AlgorithmRecord> algorithm = algorithms.recent(name);
        if (algorithm.isEmpty()) {
            // Looked up only for a name no algorithm has (the two cannot share one): algorithms' inputs cost no read.
            Optional<Pipeline> pipeline = pipelines.computeIfAbsent(name, catalog::pipeline);
            if (pipeline.isPresent()) {
                if (batchFiles == null) {
                    throw new IllegalStateException("pipeline " + name + ": dispatch was given no batch store");
                }
                return placeMade(batchFiles.admit(event, pipeline.get(), rest));
            }
        }
        boolean needsHead = event.eTag() == null || event.size() < 0
                || algorithm.map(a -> !a.definition().parameters().isEmpty()).orElse(false);
        Optional<StoredObject> described = needsHead ? inputs.describe(ref, event.versionId())
                : Optional.of(new StoredObject(ref, event.versionId(), event.eTag(), event.size()));
        if (described.isEmpty()) {
            LOG.info("outcome=ignored object=\"{}\" version={} reason=\"gone before its job was made\"", ref,
                    event.versionId());
            return List.of();
        }
        StoredObject input = described.get();
        NewJob unplaced = NewJob.of(new NewJob.JobInput(ref.uri(), input.version().orElse("etag:" + input.eTag())),
                new NewJob.AlgorithmRevision(name, algorithm.map(AlgorithmRecord::sha256).orElse("none"),
                        algorithm.map(a -> 1 + a.definition().retries()).orElse(1)));
        NewJob job = unplaced.withOutput("s3://" + outputBucket + "/" + BucketLayout.outputPrefix(name, rest, unplaced.id()));

        Checked checked = algorithm.isEmpty()
                ? Checked.rejected("unknown algorithm '" + name + "': no descriptor registered under that name (upload "
                + BucketLayout.ALGORITHMS_PREFIX + name + ".json, then upload this input again)")
                : check(algorithm.get(), job.id(), job.algorithm().maxAttempts(), input, rest, job.output(), (PipelinePlace) null);
        if (checked.rejection() != null) {
            if (algorithms.readAgain(name)) {
                return admit(event);  // refused only on the registry as read now
            }
            Optional<Transition> created = updates.create(job, List.of(new JobEvent.Rejected(checked.rejection())));
            LOG.info("outcome={} job={} object=\"{}\" algorithm={} reason=\"{}\"", created.isPresent() ? "rejected"
                    : "duplicate", job.id(), ref, name, checked.rejection());
            return List.of();
        }
        return List.of(Candidate.of(job, algorithm.get(), input, checked.parameters()));
    }

    /**
     * The job a queue message names by id (a retry, or a chain's next step), when it is still to run.
     * It runs with the algorithm revision and the input version it was made for, or not at all; a job
     * pinned to a task definition ({@code retry --same-image}) runs on it whatever the algorithm's revision is
     * now, provided the algorithm is still active and the task definition is of its family.
     */
    Optional<Candidate> admitRecorded(String jobId) {
        Optional<JobStore.Versioned> read = updates.store().read(jobId);
        if (read.isEmpty()) {
            LOG.warn("outcome=ignored job={} reason=\"the message names a job without a record\"", jobId);
            return Optional.empty();
        }
        JobRecord record = read.get().record();
        if (record.state() != JobState.QUEUED && record.state() != JobState.WAITING_FOR_CAPACITY
                && record.state() != JobState.STARTING) {
            LOG.info("outcome=duplicate job={} state={}", jobId, record.state());
            return Optional.empty();
        }
        ObjectRef ref = ObjectRef.parse(record.input());
        Optional<AlgorithmRecord> algorithm = algorithms.recent(record.algorithm());
        // A gather's input is the folder its maker filled (GatherFolders): no object to look at, its version a word.
        boolean gather = NewJob.GATHER_INPUT_VERSION.equals(record.inputVersion()) && TaskOverrides.isFolder(ref);
        String versionId = gather || record.inputVersion().startsWith("etag:") ? null : record.inputVersion();
        Optional<StoredObject> described = gather ? Optional.of(new StoredObject(ref, null, NewJob.GATHER_INPUT_VERSION, 0))
                : inputs.describe(ref, versionId);
        String rejection = null;
        if (algorithm.isEmpty()) {
            rejection = "unknown algorithm '" + record.algorithm() + "': no descriptor registered under that name";
        } else if (record.pinnedTaskDefinition() != null) {
            rejection = foreignPin(record, algorithm.get()).orElse(null);
        } else if (algorithm.get().sha256() != null && !algorithm.get().sha256().equals(record.revision())) {
            rejection = "algorithm '" + record.algorithm() + "' changed since this job was made (its revision was "
                    + abbreviate(record.revision()) + ", now " + abbreviate(algorithm.get().sha256())
                    + "): a job runs only the revision it was made for; upload its input again to run the new one";
        } else if (described.isEmpty()) {
            rejection = "the input " + ref + " (" + record.inputVersion() + ") is gone";
        } else if (!gather && versionId == null && !record.inputVersion().equals("etag:" + described.get().eTag())) {
            rejection = "the input " + ref + " changed since this job was made (it was " + record.inputVersion()
                    + ", now etag:" + described.get().eTag() + ")";
        }
        PipelinePlace place = record.pipeline();
        String rest = place == null ? BucketLayout.restOf(ref.key())
                : BucketLayout.restInBatch(ref.key(), place.pipeline(), place.batch());
        Checked checked = rejection == null ? check(algorithm.get(), jobId, record.maxAttempts(), described.get(),
                rest, record.output(), place) : Checked.rejected(PipelineAdmission.named(place, rest, rejection));
        if (checked.rejection() != null) {
            if (algorithms.readAgain(record.algorithm())) {
                return admitRecorded(jobId);  // refused only on the registry as read now
            }
            Optional<Transition> written = updates.apply(read.get(), List.of(new JobEvent.Rejected(checked.rejection())));
            LOG.info("outcome={} job={} object=\"{}\" algorithm={} reason=\"{}\"", written.isPresent() ? "rejected"
                    : "duplicate", jobId, ref, record.algorithm(), checked.rejection());
            if (written.isPresent() && batchFiles != null && record.pipeline() != null) {
                pipelines.computeIfAbsent(record.pipeline().pipeline(), catalog::pipeline)
                        .ifPresent(pipeline -> batchFiles.refused(pipeline, written.get().after()));
            }
            return Optional.empty();
        }
        return Optional.of(Candidate.of(read.get(), algorithm.get(), described.get(), checked.parameters()));
    }

    /**
     * Why a record's pinned task definition may not run, when it is not a revision of the algorithm's own family
     * (the stack's {@code <stack>-<algorithm>}, in the same account and region): a record edited by hand must
     * not make dispatch start a task definition of somebody else's.
     */
    static Optional<String> foreignPin(JobRecord record, AlgorithmRecord algorithm) {
        String pinned = record.pinnedTaskDefinition();
        String registered = algorithm.taskDefinitionArn();
        if (registered == null) {
            return Optional.empty(); // retired: check() says so
        }
        String family = registered.substring(0, registered.lastIndexOf(':') + 1);
        String revision = pinned.startsWith(family) ? pinned.substring(family.length()) : "";
        if (!revision.isEmpty() && revision.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of("the job is pinned to the task definition '" + pinned + "', which is not a revision of "
                + "the family of algorithm '" + record.algorithm() + "' (" + family + "<revision>): dispatch runs only its "
                + "stack's own task definitions; retry it without --same-image");
    }

    /** An algorithm's record as read in this batch (a pipeline's steps are admitted on these). */
    Optional<AlgorithmRecord> algorithm(String name) {
        return algorithms.current(name);
    }

    /** Why a job may not run (or {@code null}), and its parameters' values when it may. */
    record Checked(String rejection, Map<String, String> parameters) {
        static Checked rejected(String why) {
            return new Checked(why, Map.of());
        }
    }

    /**
     * The checks every job passes before it runs, whether its input is new or its record exists; a pipeline job's
     * ({@code place} not {@code null}) say so, naming its pipeline, step and file.
     *
     * @param rest where the input lies below {@code inputs/<algorithm>/}, or for a pipeline job below its batch
     */
    static Checked check(AlgorithmRecord algorithm, String id, int attempts, StoredObject input, String rest,
                         String output, PipelinePlace place) {
        Checked checked = checkValues(algorithm, id, attempts, input, rest, output,
                place == null ? null : place.parameters());
        return place == null || checked.rejection() == null ? checked
                : Checked.rejected(PipelineAdmission.named(place, rest, checked.rejection()));
    }

    /** The checks; {@code placed} is a pipeline job's parameter values (its place's), {@code null} outside pipelines. */
    private static Checked checkValues(AlgorithmRecord algorithm, String id, int attempts, StoredObject input,
                                       String rest, String output, Map<String, String> placed) {
        String name = algorithm.name();
        if (!algorithm.active() || algorithm.taskDefinitionArn() == null) {
            return Checked.rejected("algorithm '" + name + "' was retired" + (algorithm.retiredAt() == null ? ""
                    : " at " + algorithm.retiredAt()) + ": it takes no new inputs");
        }
        Descriptor d = algorithm.definition();
        String key = input.ref().key();
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        // A gather's folder is no file: an algorithm's input filters speak of files (its members were filtered as such).
        Optional<String> filtered = TaskOverrides.isFolder(input.ref()) ? Optional.empty()
                : InputRules.filterRejection(d, fileName, rest, input.size());
        if (filtered.isPresent()) {
            return Checked.rejected(filtered.get());
        }
        Map<String, String> parameters;
        try {
            if (placed != null) {
                Optional<String> undeclared = PipelineAdmission.undeclared(d, placed);
                if (undeclared.isPresent()) {
                    return Checked.rejected(undeclared.get());
                }
            }
            parameters = InputRules.parameterValues(d, placed != null ? placed : input.metadata());
        } catch (InputRules.MissingParameterException e) {
            if (placed != null) {
                return Checked.rejected(e.getMessage() + ": a pipeline's job takes its values from its step (its "
                        + "parameters, or each of its parameter sets), never from object metadata");
            }
            return Checked.rejected(e.getMessage() + ": give " + (e.names().size() == 1 ? "it" : "them")
                    + " as S3 object metadata (" + e.names().stream().map(p -> "x-amz-meta-"
                    + p.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")");
        }
        if (d.resources().gpu() > 0) {
            return Checked.rejected("needs " + d.resources().gpu() + " GPU(s): Conveyor's launch template starts the"
                    + " standard ECS-optimized AMI, which has no GPU drivers");
        }
        String prefix = ObjectRef.parse(output).key();
        if (!BucketLayout.leavesRoomForOutputs(prefix)) {
            return Checked.rejected("the key is " + key.getBytes(StandardCharsets.UTF_8).length + " bytes: its output "
                    + "prefix would leave less than " + BucketLayout.OUTPUT_NAME_ROOM_BYTES
                    + " bytes of S3's 1024-byte key limit for output file names");
        }
        TaskStart probe = TaskOverrides.of(id, attempts, algorithm.taskDefinitionArn(), "probe", d, input.ref(),
                input.versionId(), output, parameters);
        if (TaskOverrides.length(probe) > TaskOverrides.MAX_OVERRIDE_CHARS) {
            return Checked.rejected("the job's values (key, parameters, command) exceed the "
                    + TaskOverrides.MAX_OVERRIDE_CHARS + " characters ECS allows for a task's overrides");
        }
        return new Checked(null, parameters);
    }

    private static String abbreviate(String revision) {
        return revision == null ? "none" : revision.substring(0, Math.min(12, revision.length()));
    }
}
