package io.conveyor.dispatch;

import io.conveyor.batch.BatchChange;
import io.conveyor.batch.BatchDecision;
import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchManifest;
import io.conveyor.batch.BatchRecord;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's admission of a pipeline's file, {@code inputs/<pipeline>/<batch>/<file>}: the jobs of the pipeline's
 * first steps, made by {@link PipelineJobs} (one per parameter set of a fan-out, one per member of an archive the
 * {@code members} port unpacked), each at its place, with its output
 * under {@link BucketLayout#pipelineOutputPrefix}, told to the batch ({@code FileArrived}) and made by the batch's
 * carrier ({@link BatchDriver}) as the batch record says. A job that may not run is recorded FAILED, naming the
 * pipeline, the step and the file. A batch's {@code _manifest.json} becomes {@code ManifestArrived} (read, at most
 * {@link BatchManifest#MAX_BYTES}) and its {@code _COMPLETE} {@code MarkerArrived} with the folder's listing, each
 * listed file made a {@code FileArrived} as a notified one is. A file in a subfolder of a batch is no batch file; a
 * file directly under {@code inputs/<pipeline>/} names no batch (recorded FAILED under the pipeline's name).
 */
final class PipelineAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineAdmission.class);

    private final Function<String, Optional<AlgorithmRecord>> algorithms;
    private final ObjectStore inputs;
    private final JobUpdates updates;
    private final String outputBucket;
    private final BatchDriver batches;
    private final PipelineJobs.Members archives;
    private final Function<String, PipelineJobs.Listings> listings;
    private final Clock clock;
    /** The most files a marker's listing takes into its batch. */
    static final int MAX_LISTED = 10_000;

    PipelineAdmission(Function<String, Optional<AlgorithmRecord>> algorithms, ObjectStore inputs, JobUpdates updates,
                      String outputBucket, BatchDriver batches, PipelineJobs.Members archives,
                      Function<String, PipelineJobs.Listings> listings, Clock clock) {
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.outputBucket = Objects.requireNonNull(outputBucket, "outputBucket");
        this.batches = Objects.requireNonNull(batches, "batches");
        this.archives = Objects.requireNonNull(archives, "archives");
        this.listings = Objects.requireNonNull(listings, "listings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Tells the batch of one object under the pipeline's folder ({@link BatchDriver}): a file with the jobs it
     * becomes, the manifest, the marker with the folder's listing. Jobs refused are recorded FAILED by the carrier.
     *
     * @param below the key below {@code inputs/<pipeline>/}
     * @return the ids of the recorded jobs the batch says to make of the file, QUEUED, to be placed now (a job made
     *         before, by a delivery that did not get to start it, is among them)
     */
    List<String> admit(StorageEvent event, Pipeline pipeline, String below) {
        ObjectRef ref = event.object();
        int slash = below.indexOf('/');
        String batch = slash <= 0 ? null : below.substring(0, slash);
        String inBatch = slash <= 0 ? null : below.substring(slash + 1);
        Optional<StoredObject> described = event.eTag() == null || event.size() < 0
                ? inputs.describe(ref, event.versionId())
                : Optional.of(new StoredObject(ref, event.versionId(), event.eTag(), event.size()));
        if (described.isEmpty()) {
            LOG.info("outcome=ignored object=\"{}\" version={} reason=\"gone before its job was made\"", ref,
                    event.versionId());
            return List.of();
        }
        StoredObject input = described.get();
        if (batch == null) {
            refuseUnbatched(pipeline, new NewJob.JobInput(ref.uri(), version(input)), below);
            return List.of();
        }
        Instant now = clock.instant();
        if (inBatch.contains("/") && PipelineJobs.lists(pipeline)) {
            // What the batch's listings name: run only as they name it, never by itself.
            LOG.info("outcome=listed-object object=\"{}\" pipeline={} batch={} reason=\"a file of a batch's subfolder"
                    + " of a pipeline with listings runs only as a listing names it\"", ref, pipeline.name(), batch);
            return List.of();
        }
        if (inBatch.contains("/")) {
            return nested(pipeline, batch, inBatch, input);
        }
        if (BatchRule.MANIFEST.equals(inBatch)) {
            LOG.info("outcome=batch-control object=\"{}\" pipeline={} batch={} file={}", ref, pipeline.name(), batch,
                    inBatch);
            learnSha256(pipeline, batch, ref.bucket(), batches.apply(pipeline, batch, List.of(
                    new BatchEvent.ManifestArrived(version(input), manifestText(input), now))));
            return List.of();
        }
        List<BatchDriver.Pending> pending = new ArrayList<>();
        BatchEvent event1;
        if (BatchRule.isBatchControl(inBatch)) {
            LOG.info("outcome=batch-control object=\"{}\" pipeline={} batch={} file={}", ref, pipeline.name(), batch,
                    inBatch);
            List<BatchEvent.FileArrived> listed = new ArrayList<>();
            for (StoredObject file : listing(ref.bucket(), pipeline.name(), batch)) {
                listed.add(arrived(pipeline, batch, file, now, pending));
            }
            event1 = new BatchEvent.MarkerArrived(now, listed);
        } else {
            event1 = arrived(pipeline, batch, input, now, pending);
        }
        BatchChange change = batches.apply(pipeline, batch, List.of(event1), pending);
        learnSha256(pipeline, batch, ref.bucket(), change);
        Set<String> runnable = new HashSet<>();
        pending.stream().filter(p -> p.events().isEmpty()).forEach(p -> runnable.add(p.job().id()));
        List<String> toPlace = new ArrayList<>();
        for (BatchDecision decision : change == null ? List.<BatchDecision>of() : change.decisions()) {
            if (decision instanceof BatchDecision.MakeMembers members) {
                members.members().stream().map(BatchEvent.Member::jobId).filter(runnable::contains)
                        .forEach(toPlace::add);
            }
        }
        return toPlace;
    }

    /**
     * A file in a subfolder of a batch, as the local mode takes one: not a batch file (those lie directly in its folder,
     * and only they complete it), but its jobs are made all the same and count as the batch's members, so a gather
     * takes their outputs too. A job refused is recorded FAILED and told to the batch as ended.
     *
     * @return the ids of its jobs that may run, to be placed now (one made before is among them: placing finds it)
     */
    private List<String> nested(Pipeline pipeline, String batch, String inBatch, StoredObject input) {
        NewJob.JobInput file = new NewJob.JobInput(input.ref().uri(), version(input));
        List<BatchDriver.Pending> jobs = new ArrayList<>();
        for (Step step : pipeline.firstSteps()) {
            for (PipelineJobs.Made made : PipelineJobs.of(pipeline, step, batch, file, null, this::revision,
                    archives)) {
                jobs.add(pending(made, input, inBatch));
            }
        }
        batches.apply(pipeline, batch, jobs.stream().<BatchEvent>map(job -> new BatchEvent.MemberAdded(job.member()))
                .toList());
        List<String> toPlace = new ArrayList<>();
        for (BatchDriver.Pending job : jobs) {
            Optional<Transition> created = updates.create(job.job(), job.events());
            if (job.events().isEmpty()) {
                toPlace.add(job.job().id());
            } else {
                created.ifPresent(refused -> refused(pipeline, refused.after()));
            }
        }
        return toPlace;
    }

    /**
     * The one place a batch file becomes its {@code FileArrived}: the jobs of the pipeline's first steps
     * ({@link PipelineJobs}, one per parameter set), each with its output prefix, refused ones with their reason.
     */
    private BatchEvent.FileArrived arrived(Pipeline pipeline, String batch, StoredObject input, Instant now,
                                           List<BatchDriver.Pending> pending) {
        String key = input.ref().key();
        String inBatch = key.substring(key.lastIndexOf('/') + 1);
        NewJob.JobInput file = new NewJob.JobInput(input.ref().uri(), version(input));
        List<BatchEvent.Member> members = new ArrayList<>();
        Map<String, PipelineJobs.Listed> listed = new HashMap<>();
        PipelineJobs.Listings found = noting(listings.apply(input.ref().bucket()), listed);
        for (Step step : pipeline.firstSteps()) {
            for (PipelineJobs.Made made : PipelineJobs.of(pipeline, step, batch, file, null, this::revision,
                    archives, found)) {
                PipelineJobs.Listed object = listed.get(made.job().input().location());
                BatchDriver.Pending job = object == null ? pending(made, input, inBatch)
                        : pending(made, new StoredObject(ObjectRef.parse(object.input().location()), null,
                        PipelineJobs.batchFileETag(object.input().version()).orElseThrow(), object.size()), object.path());
                pending.add(job);
                members.add(job.member());
            }
        }
        // Arrival: when dispatch saw it (S3's notification carries no time dispatch keeps); its SHA-256 is learnt after,
        // when the manifest lists one (learnSha256).
        return new BatchEvent.FileArrived(new BatchFile(inBatch, version(input), input.size(), null, now.toString()),
                members);
    }

    /**
     * The SHA-256 of each file the batch's manifest lists with one, when the record as written has none
     * ({@link BatchRecord#awaitingSha256}), told again as its {@code FileArrived} with it: the file may come before
     * the manifest or after, and of two writers of the record the later sees both. Only those files are hashed
     * ({@link ObjectStore#sha256}: S3's kept checksum, else the object read through a digest). A file replaced
     * meanwhile is left to its new version's notification.
     */
    private void learnSha256(Pipeline pipeline, String batch, String bucket, BatchChange change) {
        if (change == null) {
            return;
        }
        String folder = BucketLayout.INPUTS_PREFIX + pipeline.name() + "/" + batch + "/";
        List<BatchEvent> learnt = new ArrayList<>();
        for (BatchFile file : change.after().awaitingSha256()) {
            Optional<String> eTag = PipelineJobs.batchFileETag(file.version());
            Optional<String> sha256 = eTag.flatMap(tag -> inputs.sha256(new StoredObject(
                    new ObjectRef(bucket, folder + file.name()), null, tag, file.size())));
            LOG.info("outcome={} pipeline={} batch={} file={} version={}", sha256.isPresent() ? "batch-file-hashed"
                    : "batch-file-replaced", pipeline.name(), batch, file.name(), file.version());
            sha256.ifPresent(hex -> learnt.add(new BatchEvent.FileArrived(file.withSha256(hex), List.of())));
        }
        if (!learnt.isEmpty()) {
            batches.apply(pipeline, batch, learnt);
        }
    }

    /** One job {@link PipelineJobs} made: to be created QUEUED, or FAILED with its reason when it may not run. */
    private BatchDriver.Pending pending(PipelineJobs.Made made, StoredObject file, String inBatch) {
        PipelinePlace place = made.job().place();
        // An archive's member lies at its own key (its size is checked when it is placed, as every input's is).
        boolean member = !made.job().input().location().equals(file.ref().uri());
        ObjectRef at = ObjectRef.parse(made.job().input().location());
        StoredObject input = member ? new StoredObject(at, null,
                PipelineJobs.batchFileETag(made.job().input().version()).orElseThrow(), 0) : file;
        String rest = member ? BucketLayout.restInBatch(at.key(), place.pipeline(), place.batch()) : inBatch;
        NewJob job = made.job().withOutput("s3://" + outputBucket + "/" + BucketLayout.pipelineOutputPrefix(
                place.pipeline(), place.batch(), place.step(), rest, made.job().id()));
        Optional<AlgorithmRecord> algorithm = algorithms.apply(job.algorithm().name());
        Admission.Checked checked = made.rejection() != null || algorithm.isEmpty()
                ? Admission.Checked.rejected(made.rejection() + (algorithm.isEmpty() ? ": no descriptor registered under"
                + " that name" : "") + " (file " + inBatch + ")")
                : Admission.check(algorithm.get(), job.id(), job.algorithm().maxAttempts(), input, rest, job.output(),
                place);
        if (checked.rejection() != null) {
            LOG.info("outcome=rejected job={} object=\"{}\" pipeline={} batch={} step={} algorithm={} reason=\"{}\"",
                    job.id(), input.ref(), place.pipeline(), place.batch(), place.step(), job.algorithm().name(),
                    checked.rejection());
            return new BatchDriver.Pending(job, List.of(new JobEvent.Rejected(checked.rejection())));
        }
        return new BatchDriver.Pending(job, List.of());
    }

    /** {@code listings}, noting each object it finds by its location: its job is checked against its size. */
    private static PipelineJobs.Listings noting(PipelineJobs.Listings listings, Map<String, PipelineJobs.Listed> found) {
        return new PipelineJobs.Listings() {
            @Override
            public byte[] read(NewJob.JobInput listing, int max) throws PipelineJobs.UnpackException {
                return listings.read(listing, max);
            }

            @Override
            public List<PipelineJobs.Listed> under(PipelinePlace place, String path, int max)
                    throws PipelineJobs.UnpackException {
                List<PipelineJobs.Listed> objects = listings.under(place, path, max);
                objects.forEach(object -> found.put(object.input().location(), object));
                return objects;
            }
        };
    }

    /** The batch folder's files as they are now (each one's current version), control files and subfolders left out. */
    private List<StoredObject> listing(String bucket, String pipeline, String batch) {
        String folder = BucketLayout.INPUTS_PREFIX + pipeline + "/" + batch + "/";
        List<StoredObject> files = new ArrayList<>();
        for (StoredObject listed : inputs.list(bucket, folder, MAX_LISTED)) {
            String name = listed.ref().key().substring(folder.length());
            if (name.isEmpty() || name.contains("/") || BatchRule.isBatchControl(name)) {
                continue;
            }
            // Its ETag is its version (version()), which the listing gives: nothing more to read.
            files.add(listed);
        }
        return files;
    }

    /** The manifest's text; one larger than a manifest may be is not read, and the batch keeps that problem. */
    private String manifestText(StoredObject manifest) {
        if (manifest.size() > BatchManifest.MAX_BYTES) {
            // BatchManifest's own size check names the problem: a text one character too long stands for it.
            return " ".repeat(BatchManifest.MAX_BYTES + 1);
        }
        return new String(inputs.read(manifest), StandardCharsets.UTF_8);
    }

    /** A batch file's version ({@link PipelineJobs#batchFileVersion}). */
    private static String version(StoredObject input) {
        return PipelineJobs.batchFileVersion(input.eTag());
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

    /**
     * A batch's member refused on its way to start (a step's job after its upstream, a gather, a job whose algorithm
     * changed): its batch hears it ended, so no gather waits for it. Told when the refusal was written now; a
     * redelivery finds the record FAILED already, and the batch told.
     */
    void refused(Pipeline pipeline, JobRecord refused) {
        PipelinePlace place = refused.pipeline();
        batches.apply(pipeline, place.batch(), List.of(new BatchEvent.MemberEnded(new BatchEvent.Member(place.step(),
                refused.id()), BatchDriver.end(refused), refused.reason(), Instant.parse(refused.endedAt()), List.of())));
    }
}
