package io.conveyor.dispatch;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.jobs.Transition;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.pipeline.Step;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.jobs.JobUpdates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's admission of a pipeline's file, {@code inputs/<pipeline>/<batch>/<file>}: the jobs of the pipeline's
 * first steps, made by {@link PipelineJobs} (one per parameter set of a fan-out), each at its place, with its output
 * under {@link BucketLayout#pipelineOutputPrefix}. A job that may not run is recorded FAILED, naming the pipeline, the
 * step and the file. A batch's {@code _manifest.json} and {@code _COMPLETE} are no step's input, nor is a file
 * directly under {@code inputs/<pipeline>/} (it names no batch: recorded FAILED under the pipeline's name).
 */
final class PipelineAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineAdmission.class);

    private final Function<String, Optional<AlgorithmRecord>> algorithms;
    private final ObjectStore inputs;
    private final JobUpdates updates;
    private final String outputBucket;

    PipelineAdmission(Function<String, Optional<AlgorithmRecord>> algorithms, ObjectStore inputs, JobUpdates updates,
                      String outputBucket) {
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.outputBucket = Objects.requireNonNull(outputBucket, "outputBucket");
    }

    /**
     * The jobs of one object under the pipeline's folder that are to run; rejections are recorded here.
     *
     * @param below the key below {@code inputs/<pipeline>/}
     */
    List<Candidate> admit(StorageEvent event, Pipeline pipeline, String below) {
        ObjectRef ref = event.object();
        int slash = below.indexOf('/');
        String batch = slash <= 0 ? null : below.substring(0, slash);
        String inBatch = slash <= 0 ? null : below.substring(slash + 1);
        if (batch != null && !inBatch.contains("/") && BatchRule.isBatchControl(inBatch)) {
            // Seam (batch wiring): a control file becomes ManifestArrived (the object read, at most 1 MiB) or
            // MarkerArrived (with the batch folder's listing) for BatchUpdates; no job is made of it.
            LOG.info("outcome=batch-control object=\"{}\" pipeline={} batch={} file={}", ref, pipeline.name(), batch,
                    inBatch);
            return List.of();
        }
        Optional<StoredObject> described = event.eTag() == null || event.size() < 0
                ? inputs.describe(ref, event.versionId())
                : Optional.of(new StoredObject(ref, event.versionId(), event.eTag(), event.size()));
        if (described.isEmpty()) {
            LOG.info("outcome=ignored object=\"{}\" version={} reason=\"gone before its job was made\"", ref,
                    event.versionId());
            return List.of();
        }
        StoredObject input = described.get();
        NewJob.JobInput file = new NewJob.JobInput(ref.uri(), input.version().orElse("etag:" + input.eTag()));
        if (batch == null) {
            refuseUnbatched(pipeline, file, below);
            return List.of();
        }
        List<Candidate> admitted = new ArrayList<>();
        for (Step step : pipeline.firstSteps()) {
            for (PipelineJobs.Made made : PipelineJobs.of(pipeline, step, batch, file, null, this::revision)) {
                admit(made, input, inBatch).ifPresent(admitted::add);
            }
        }
        // Seam (batch wiring): FileArrived(file, the ids of every job made here, run or refused) goes to BatchUpdates
        // here, and MakeMembers then creates them; until then each is created as it is admitted.
        return admitted;
    }

    /** One job {@link PipelineJobs} made: recorded FAILED when it may not run, else a candidate to place. */
    private Optional<Candidate> admit(PipelineJobs.Made made, StoredObject input, String inBatch) {
        PipelinePlace place = made.job().place();
        NewJob job = made.job().withOutput("s3://" + outputBucket + "/" + BucketLayout.pipelineOutputPrefix(
                place.pipeline(), place.batch(), place.step(), inBatch, made.job().id()));
        Optional<AlgorithmRecord> algorithm = algorithms.apply(job.algorithm().name());
        Admission.Checked checked = made.rejection() != null || algorithm.isEmpty()
                ? Admission.Checked.rejected(made.rejection() + (algorithm.isEmpty() ? ": no descriptor registered under"
                + " that name" : "") + " (file " + inBatch + ")")
                : Admission.check(algorithm.get(), job.id(), job.algorithm().maxAttempts(), input, inBatch, job.output(),
                place);
        if (checked.rejection() != null) {
            Optional<Transition> created = updates.create(job, List.of(new JobEvent.Rejected(checked.rejection())));
            LOG.info("outcome={} job={} object=\"{}\" pipeline={} batch={} step={} algorithm={} reason=\"{}\"",
                    created.isPresent() ? "rejected" : "duplicate", job.id(), input.ref(), place.pipeline(),
                    place.batch(), place.step(), job.algorithm().name(), checked.rejection());
            return Optional.empty();
        }
        return Optional.of(Candidate.of(job, algorithm.get(), input, checked.parameters()));
    }

    /** A file directly under {@code inputs/<pipeline>/}: recorded FAILED under the pipeline's name, saying where it goes. */
    private void refuseUnbatched(Pipeline pipeline, NewJob.JobInput file, String name) {
        NewJob job = NewJob.of(file, new NewJob.AlgorithmRevision(pipeline.name(), PipelineJobs.UNKNOWN_REVISION, 1));
        String reason = "pipeline " + pipeline.name() + ", file " + name + ": it lies directly under "
                + BucketLayout.INPUTS_PREFIX + pipeline.name() + "/, so it names no batch; upload it to "
                + BucketLayout.INPUTS_PREFIX + pipeline.name() + "/<batch>/" + name;
        Optional<Transition> created = updates.create(job, List.of(new JobEvent.Rejected(reason)));
        LOG.info("outcome={} job={} object=\"{}\" pipeline={} reason=\"{}\"", created.isPresent() ? "rejected"
                : "duplicate", job.id(), file.location(), pipeline.name(), reason);
    }

    private Optional<NewJob.AlgorithmRevision> revision(String name) {
        return algorithms.apply(name).map(a -> new NewJob.AlgorithmRevision(name, Objects.requireNonNullElse(a.sha256(), "none"),
                1 + a.definition().retries()));
    }

    /** A pipeline job's reason, naming its pipeline, step and file; {@code reason} as it is outside pipelines. */
    static String named(PipelinePlace place, String rest, String reason) {
        if (place == null || reason.startsWith("pipeline " + place.pipeline() + ", step " + place.step())) {
            return reason;
        }
        return "pipeline " + place.pipeline() + ", step " + place.step() + ", file " + rest + ": " + reason;
    }

    /** Why a step's values cannot be given to its algorithm: a name it does not declare. */
    static Optional<String> undeclared(Descriptor descriptor, Map<String, String> values) {
        return values.keySet().stream()
                .filter(name -> descriptor.parameters().stream().noneMatch(p -> p.name().equalsIgnoreCase(name)))
                .findFirst()
                .map(name -> "the step gives parameter '" + name + "', which " + descriptor.name() + " does not declare");
    }
}
