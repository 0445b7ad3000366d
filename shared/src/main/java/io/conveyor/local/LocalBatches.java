package io.conveyor.local;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchLifecycle;
import io.conveyor.batch.BatchManifest;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mode's batch driver: inbox files of a batch's folder become {@link BatchEvent}s, a member job's end
 * becomes {@code MemberEnded}, and {@link BatchDriver} writes the record ({@code outbox/batches/<p>/<b>.json}) and
 * carries out its decisions; its {@code LookAgain}s wait in an in-memory timer that the loop runs out
 * ({@link #tick}). A file arrives when this run first takes it (or as the batch's record has that version of it
 * already: a rerun tells the same instants, and changes nothing). One thread calls it.
 */
final class LocalBatches {

    private static final Logger LOG = LoggerFactory.getLogger(LocalBatches.class);

    /** A batch of a pipeline. */
    record Key(String pipeline, String batch) {
    }

    private final LocalAdmission admission;
    private final FileBatchStore store;
    private final BatchDriver driver;
    private final Clock clock;
    private final Map<Key, Instant> timers = new TreeMap<>(java.util.Comparator.comparing(Key::pipeline)
            .thenComparing(Key::batch));

    LocalBatches(LocalAdmission admission, JobUpdates jobs, Clock clock, BatchDriver.JobsMade made) {
        this.admission = admission;
        this.clock = clock;
        Path batches = admission.settings().outbox().resolve("batches");
        this.store = new FileBatchStore(batches);
        this.driver = new BatchDriver(new BatchUpdates(store, clock), jobs, new OutboxGatherFolders(batches),
                admission::revision, made, (pipeline, batch, at) -> timers.put(new Key(pipeline, batch), at));
    }

    /**
     * A file of a batch's folder: a control file its event; a batch file {@code FileArrived} with the jobs it
     * became (made by the driver once the record names them); a file of a subfolder its jobs as members.
     *
     * @return the ids of jobs an earlier run made of it
     */
    List<String> arrived(InBatch in, List<LocalAdmission.Admitted> jobs) throws IOException {
        Pipeline pipeline = in.pipeline();
        Optional<BatchRecord> record = store.read(pipeline.name(), in.batch()).map(BatchStore.Versioned::record);
        List<BatchDriver.Pending> pending = new ArrayList<>();
        List<BatchEvent.Member> members = new ArrayList<>();
        List<String> earlier = new ArrayList<>();
        for (LocalAdmission.Admitted job : jobs) {
            members.add(member(job, pending, earlier));
        }
        BatchEvent event;
        if (in.nested()) {
            // Not a batch file (those lie directly in its folder): its jobs count as members all the same.
            List<BatchEvent> added = members.stream().<BatchEvent>map(BatchEvent.MemberAdded::new).toList();
            driver.apply(pipeline, in.batch(), added, pending);
            return earlier;
        } else if (in.name().equals(BatchRule.MANIFEST)) {
            byte[] bytes = Files.readAllBytes(in.file());
            String text = bytes.length > BatchManifest.MAX_BYTES ? "" : new String(bytes, StandardCharsets.UTF_8);
            String version = "sha256:" + Digests.sha256(bytes);
            Instant at = record.map(BatchRecord::manifest).filter(m -> m.version().equals(version))
                    .map(m -> Instant.parse(m.arrivedAt())).orElseGet(clock::instant);
            event = new BatchEvent.ManifestArrived(version, text, at);
        } else if (in.control()) {
            Instant at = record.map(BatchRecord::markerAt).map(Instant::parse).orElseGet(clock::instant);
            event = new BatchEvent.MarkerArrived(at, listing(in, record, pending, earlier));
        } else {
            event = new BatchEvent.FileArrived(file(in.name(), in.file(), record), members);
        }
        driver.apply(pipeline, in.batch(), List.of(event), pending);
        return earlier;
    }

    /**
     * The batch folder's files when the marker is seen, those the scanner has not taken yet included, each with
     * the jobs it becomes (made now; taken later, the file finds them made).
     */
    private List<BatchEvent.FileArrived> listing(InBatch in, Optional<BatchRecord> record,
                                                 List<BatchDriver.Pending> pending, List<String> earlier)
            throws IOException {
        List<BatchEvent.FileArrived> listed = new ArrayList<>();
        try (Stream<Path> files = Files.list(in.file().getParent())) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!BatchRule.isBatchControl(name) && !LocalParameters.isSidecar(file)
                        && BatchManifest.fileNameProblem(name) == null) {
                    List<BatchEvent.Member> members = new ArrayList<>();
                    for (LocalAdmission.Admitted job : admission.admitBatchFile(file, in.pipeline(), in.batch(), name)) {
                        members.add(member(job, pending, earlier));
                    }
                    listed.add(new BatchEvent.FileArrived(file(name, file, record), members));
                }
            }
        }
        return listed;
    }

    /** A job a file became, as a member: to be made (pending), or made by an earlier run or an earlier look. */
    private static BatchEvent.Member member(LocalAdmission.Admitted job, List<BatchDriver.Pending> pending,
                                            List<String> earlier) {
        if (job.earlier() != null) {
            earlier.add(job.earlier());
        } else {
            pending.add(new BatchDriver.Pending(job.job(), job.events()));
        }
        return new BatchEvent.Member(job.job().place().step(), job.earlier() != null ? job.earlier() : job.job().id());
    }

    /** A batch file as it is now, arrived when the record says this version did, else now. */
    private BatchFile file(String name, Path file, Optional<BatchRecord> record) throws IOException {
        String sha = Digests.sha256(file);
        String version = "sha256:" + sha;
        String at = record.map(r -> r.files().get(name)).filter(f -> f.version().equals(version))
                .map(BatchFile::arrivedAt).orElseGet(() -> clock.instant().toString());
        return new BatchFile(name, version, Files.size(file), sha, at);
    }

    /**
     * A job's record was written (its children made first): a pipeline job that ended now is told to its batch
     * with its children, and so is each child created ended (refused). A batch that cannot be written never fails
     * the job: the next run's recovery tells it again.
     */
    void written(io.conveyor.jobs.Transition transition) {
        JobRecord after = transition.after();
        if (after.pipeline() == null || !after.state().terminal()) {
            return;
        }
        tell(after, transition.creates());
        transition.creates().stream().filter(c -> c.state().terminal() && c.pipeline() != null)
                .forEach(c -> tell(c, List.of()));
    }

    /** A record another process changed (a job command's cancel): an end is told to its batch. */
    void changedElsewhere(JobRecord record) {
        if (record.pipeline() != null && record.state().terminal()) {
            tell(record, List.of());
        }
    }

    private void tell(JobRecord job, List<JobRecord> children) {
        try {
            ended(job, children);
        } catch (RuntimeException e) {
            LOG.error("outcome=batch-error job={} batch={} reason=\"{}\"", job.id(), job.pipeline().batch(),
                    e.toString(), e);
        }
    }

    /** A pipeline job ended (its record written, its children made): the batch hears of it, children included. */
    void ended(JobRecord job, List<JobRecord> children) {
        Optional<Pipeline> pipeline = admission.pipeline(job.pipeline().pipeline());
        if (pipeline.isEmpty()) {
            LOG.warn("outcome=batch-untold job={} pipeline={} reason=\"no valid pipeline of that name now\"", job.id(),
                    job.pipeline().pipeline());
            return;
        }
        List<BatchEvent.Member> made = children.stream().filter(c -> c.pipeline() != null)
                .map(c -> new BatchEvent.Member(c.pipeline().step(), c.id())).toList();
        driver.apply(pipeline.get(), job.pipeline().batch(), List.of(new BatchEvent.MemberEnded(
                new BatchEvent.Member(job.pipeline().step(), job.id()), BatchDriver.end(job), job.reason(),
                Instant.parse(job.endedAt() != null ? job.endedAt() : clock.instant().toString()), made)));
    }

    /**
     * What a crashed or stopped run left: every batch not FAILED is looked at again (a tick), members whose
     * records ended are told, and gathers decided but not made are made (by id).
     */
    void recover(java.util.function.Function<String, Optional<JobRecord>> records) {
        Path root = admission.settings().outbox().resolve("batches");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root, 2)) {
            files = walk.filter(f -> f.getNameCount() == root.getNameCount() + 2 && f.toString().endsWith(".json"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the batches in " + root + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            String pipelineName = file.getParent().getFileName().toString();
            String batch = file.getFileName().toString().replaceFirst("\\.json$", "");
            Optional<Pipeline> pipeline = admission.pipeline(pipelineName);
            Optional<BatchRecord> record = store.read(pipelineName, batch).map(BatchStore.Versioned::record);
            if (pipeline.isEmpty() || record.isEmpty() || record.get().state() == BatchRecord.State.FAILED) {
                continue;
            }
            List<BatchEvent> events = new ArrayList<>();
            events.add(new BatchEvent.Tick());
            record.get().unended().forEach((step, ids) -> ids.forEach(id -> records.apply(id)
                    .filter(r -> r.state().terminal()).ifPresent(r -> events.add(new BatchEvent.MemberEnded(
                            new BatchEvent.Member(step, id), BatchDriver.end(r), r.reason(),
                            Instant.parse(r.endedAt() != null ? r.endedAt() : clock.instant().toString()), List.of())))));
            driver.apply(pipeline.get(), batch, events);
            BatchRecord now = store.read(pipelineName, batch).orElseThrow().record();
            driver.remake(pipeline.get(), batch, BatchLifecycle.outstanding(now, pipeline.get()));
            // The look the stopped run had asked for is this run's to bring (its timer died with that run).
            if (now.state() == BatchRecord.State.OPEN && now.lookAt() != null) {
                timers.putIfAbsent(new Key(pipelineName, batch), Instant.parse(now.lookAt()));
            }
        }
    }

    /** Applies a tick to every batch whose timer is due. */
    void tick() {
        Instant now = clock.instant();
        List<Key> due = timers.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey)
                .toList();
        for (Key key : due) {
            Instant look = timers.remove(key);
            admission.pipeline(key.pipeline()).ifPresent(p -> driver.apply(p, key.batch(),
                    List.of(new BatchEvent.Tick(look))));
        }
    }

    /** When the next timer of an open batch is due, if any. */
    Optional<Instant> nextLook() {
        forgetEnded();
        return timers.values().stream().min(Instant::compareTo);
    }

    /** The open batches still waiting for a timer, and when. */
    Map<Key, Instant> waiting() {
        forgetEnded();
        return Map.copyOf(timers);
    }

    /**
     * Drops the timers of batches that completed or failed since: a deadline looked for no longer matters (a
     * gather waits for its members' ends, not for a timer), so nothing waits for it nor reports it open.
     */
    private void forgetEnded() {
        timers.keySet().removeIf(key -> record(key).map(r -> r.state() != BatchRecord.State.OPEN).orElse(false));
    }

    /** A batch's record as stored. */
    Optional<BatchRecord> record(Key key) {
        return store.read(key.pipeline(), key.batch()).map(BatchStore.Versioned::record);
    }
}
