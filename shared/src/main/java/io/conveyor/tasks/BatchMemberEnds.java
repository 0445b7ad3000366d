package io.conveyor.tasks;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.batch.GatherFolders;
import io.conveyor.jobs.JobQueue;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.registration.AlgorithmRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline job's end told to its batch ({@code MemberEnded}, with the jobs made of its outputs), after its record is
 * written: the batch's carrier ({@link BatchDriver}) then fills and makes a gather the batch decides, sends it to the
 * jobs queue, and sends a look again when the batch is still open. Told again for a redelivered end (nothing is made
 * twice: the batch record does not change, the gather is made by id).
 */
public final class BatchMemberEnds {

    private static final Logger LOG = LoggerFactory.getLogger(BatchMemberEnds.class);

    /**
     * How task-events keeps pipelines' batches: their records, gathers' folders, where a look again goes, where a
     * later step's archive members are unpacked ({@link PipelineJobs.Members#NONE}: its jobs are refused), and where
     * the objects a later step's listing names are found, below its batch's folder of the input bucket
     * ({@link PipelineJobs.Listings#NONE}: its jobs are refused).
     */
    public record Wiring(BatchStore store, GatherFolders folders, BatchDriver.LookAgainLater later,
                         PipelineJobs.Members members, PipelineJobs.Listings listings) {
        public Wiring {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(folders, "folders");
            Objects.requireNonNull(later, "later");
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(listings, "listings");
        }

        /** Wiring that unpacks no archive and lists no prefix. */
        public Wiring(BatchStore store, GatherFolders folders, BatchDriver.LookAgainLater later) {
            this(store, folders, later, PipelineJobs.Members.NONE, PipelineJobs.Listings.NONE);
        }
    }

    private final PipelineCatalog pipelines;
    private final JobStore jobs;
    private final BatchDriver driver;

    BatchMemberEnds(Wiring wiring, PipelineCatalog pipelines, AlgorithmRegistry registry, JobUpdates updates,
                    JobQueue queue, Clock clock) {
        this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
        this.jobs = updates.store();
        this.driver = driver(wiring, registry, updates, queue, clock);
    }

    /**
     * The batch carrier of task-events and the reconciler: gathers made are sent to the jobs queue, each runs its
     * algorithm's current revision, looks again go to {@code wiring.later()}.
     */
    public static BatchDriver driver(Wiring wiring, AlgorithmRegistry registry, JobUpdates updates, JobQueue queue,
                                     Clock clock) {
        return new BatchDriver(new BatchUpdates(wiring.store(), clock), updates, wiring.folders(),
                name -> registry.algorithm(name).map(a -> new NewJob.AlgorithmRevision(name,
                        Objects.requireNonNullElse(a.sha256(), "none"), 1 + a.definition().retries())),
                created -> {
                    if (created.after().state() == JobState.QUEUED) {
                        queue.submit(List.of(created.after().id()));
                    }
                }, wiring.later());
    }

    /**
     * Tells the batch how {@code ended} ended.
     *
     * @param made the records of the jobs its outputs became, as made now (empty: read from its record's children)
     */
    void ended(JobRecord ended, List<JobRecord> made) {
        PipelinePlace place = ended.pipeline();
        if (place == null || !ended.state().terminal()) {
            return;
        }
        Optional<Pipeline> pipeline = pipelines.pipeline(place.pipeline());
        if (pipeline.isEmpty()) {
            LOG.warn("outcome=no-batch job={} pipeline={} batch={} reason=\"no active pipeline of that name now\"",
                    ended.id(), place.pipeline(), place.batch());
            return;
        }
        Map<String, JobRecord> byId = made.stream().collect(Collectors.toMap(JobRecord::id, Function.identity(),
                (a, b) -> a));
        List<BatchEvent.Member> children = new ArrayList<>();
        List<BatchEvent> childEnds = new ArrayList<>();
        for (String id : ended.children()) {
            JobRecord child = byId.containsKey(id) ? byId.get(id) : jobs.get(id).orElse(null);
            if (child != null && child.pipeline() != null) {
                children.add(new BatchEvent.Member(child.pipeline().step(), id));
                if (child.state().terminal()) {
                    // refused at creation (its algorithm unknown, say): it ends as it is made, and no gather waits for it
                    childEnds.add(memberEnded(child, List.of()));
                }
            }
        }
        List<BatchEvent> events = new ArrayList<>();
        events.add(memberEnded(ended, children));
        events.addAll(childEnds);
        driver.apply(pipeline.get(), place.batch(), events);
    }

    private static BatchEvent.MemberEnded memberEnded(JobRecord job, List<BatchEvent.Member> children) {
        return new BatchEvent.MemberEnded(new BatchEvent.Member(job.pipeline().step(), job.id()), BatchDriver.end(job),
                job.reason(), endedAt(job), children);
    }

    private static Instant endedAt(JobRecord job) {
        return Instant.parse(job.endedAt() != null ? job.endedAt() : job.queuedAt());
    }
}
