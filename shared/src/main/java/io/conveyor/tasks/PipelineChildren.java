package io.conveyor.tasks;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
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
 * The jobs a succeeded pipeline job's outputs become: each output object is an input of every step its step feeds
 * per output ({@link PipelineJobs#next}; gathers are not made here), at the pipeline as the catalog defines it now; a
 * step fanning out over archive members has each output archive unpacked by {@code members}, one job per member; a
 * step fanning out over a listed prefix has each output read as a listing, one job per object it names below the
 * batch's folder of the input bucket ({@code listings}), as the local mode lists below the batch's inbox folder.
 * Every child's output lies in the parent's output bucket, whichever bucket its input is in.
 * The job's descriptor's {@code then} is ignored: the pipeline says what follows. A job {@link PipelineJobs} refuses
 * (an unknown algorithm, a fan-out over no set) is made FAILED with its reason, naming pipeline, step and file; the
 * others QUEUED, for dispatch to check and place like any chain child.
 */
final class PipelineChildren {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineChildren.class);

    private final PipelineCatalog pipelines;
    private final AlgorithmRegistry registry;
    private final PipelineJobs.Members members;
    private final PipelineJobs.Listings listings;

    PipelineChildren(PipelineCatalog pipelines, AlgorithmRegistry registry, PipelineJobs.Members members,
                     PipelineJobs.Listings listings) {
        this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.members = Objects.requireNonNull(members, "members");
        this.listings = Objects.requireNonNull(listings, "listings");
    }

    /** The records of the jobs {@code parent}'s outputs lead to, to be created before the parent names them. */
    List<JobRecord> of(JobRecord parent, List<StoredObject> produced, Instant now) {
        PipelinePlace place = parent.pipeline();
        Optional<Pipeline> pipeline = pipelines.pipeline(place.pipeline());
        if (pipeline.isEmpty()) {
            LOG.warn("outcome=no-next-steps job={} pipeline={} reason=\"no active pipeline of that name now\"",
                    parent.id(), place.pipeline());
            return List.of();
        }
        List<NewJob.JobInput> outputs = produced.stream().map(object -> new NewJob.JobInput(object.ref().uri(),
                object.version().orElse("etag:" + object.eTag()))).toList();
        // A listed object's input lies in the input bucket; its output, as every child's, beside its parent's.
        String outputBucket = ObjectRef.parse(parent.output()).bucket();
        Map<String, Optional<AlgorithmRecord>> read = new HashMap<>();
        List<JobRecord> children = new ArrayList<>();
        for (PipelineJobs.Made made : PipelineJobs.next(pipeline.get(), parent.id(), place, outputs,
                name -> read.computeIfAbsent(name, registry::algorithm).map(a -> new NewJob.AlgorithmRevision(name,
                        Objects.requireNonNullElse(a.sha256(), "none"), 1 + a.definition().retries())), members,
                listings)) {
            children.add(record(made, outputBucket, now));
        }
        // Seam (batch wiring): these children go with the parent's MemberEnded(SUCCEEDED, children) to BatchUpdates,
        // once the parent's record (naming them) is written.
        return children;
    }

    private static JobRecord record(PipelineJobs.Made made, String outputBucket, Instant now) {
        PipelinePlace at = made.job().place();
        ObjectRef input = ObjectRef.parse(made.job().input().location());
        String rest = BucketLayout.restInBatch(input.key(), at.pipeline(), at.batch());
        NewJob job = made.job().withOutput("s3://" + outputBucket + "/" + BucketLayout.pipelineOutputPrefix(at.pipeline(),
                at.batch(), at.step(), rest, made.job().id()));
        if (made.rejection() == null) {
            return JobLifecycle.admit(job, now);
        }
        return JobLifecycle.admit(job, List.of(new JobEvent.Rejected(made.rejection() + " (file " + rest + ")")), now)
                .after();
    }
}
