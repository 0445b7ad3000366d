package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.dispatch.InputRules;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.JobCommand;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine: the inbox plays the input bucket, the outbox the output bucket,
 * local processes the ECS tasks. The same descriptors, validation, job ids, job records, placement
 * rule (CPUs and memory), retries, timeouts and container contract as in the cloud.
 *
 * <p>One thread decides (scans, admits, places, records); each attempt waits for its process on a
 * virtual thread of its own and reports back. A file is taken once it has stopped changing; its job
 * id comes from its content, so a rescan or a restart finds the job it made before.
 */
public final class LocalPipeline {

    /** Hears what the pipeline does, for progress and reports. */
    public interface Listener {
        default void descriptorLoaded(String name, Path file) {
        }

        default void descriptorRejected(Path file, List<Problem> errors) {
        }

        default void ignored(Path file, String reason) {
        }

        default void jobChanged(JobRecord record) {
        }
    }

    /** What a run did: every job it touched, in the order they were first seen. */
    public record Summary(List<JobRecord> jobs) {

        /** Whether any of them failed. */
        public boolean anyFailed() {
            return jobs.stream().anyMatch(job -> job.state() == JobState.FAILED);
        }
    }

    private record Algorithm(Descriptor descriptor, String revision) {
    }

    private record Observation(long size, long modified, long since) {
    }

    private sealed interface Event permits Started, Finished {
    }

    private record Started(String jobId, int attempt, long pid, String processStart) implements Event {
    }

    private record Finished(String jobId, int attempt, LocalProcessRunner.Result result, String startFailure)
            implements Event {

        boolean succeeded() {
            return result != null && !result.timedOut() && result.exitCode() == 0;
        }
    }

    /** Another run uses the same outbox. */
    public static final class OutboxBusyException extends IOException {
        public OutboxBusyException(Path outbox) {
            super("another conveyor local is using " + outbox + " (it holds " + outbox.resolve(".lock") + ")");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    private final LocalSettings settings;
    private final JobStore jobs;
    private final LocalProcessRunner runner;
    private final Listener listener;
    private final Clock clock;
    private final LocalCapacity capacity;
    private final Map<String, Algorithm> algorithms = new LinkedHashMap<>();
    private final List<String> queue = new ArrayList<>();
    private final Map<Path, Observation> observed = new HashMap<>();
    /** Files taken, with what they looked like then: a file that changes afterwards is new input. */
    private final Map<Path, Observation> settled = new HashMap<>();
    private final Map<String, Descriptor.Resources> running = new HashMap<>();
    private final LinkedBlockingDeque<Event> events = new LinkedBlockingDeque<>();
    private final Set<String> touched = new LinkedHashSet<>();
    /** (input, version, algorithm) of every job ever made, whatever the revision: files are processed once. */
    private final Set<String> processed = new java.util.HashSet<>();

    public LocalPipeline(LocalSettings settings, JobStore jobs, LocalProcessRunner runner, Listener listener, Clock clock) {
        this.settings = settings;
        this.jobs = jobs;
        this.runner = runner;
        this.listener = listener;
        this.clock = clock;
        this.capacity = new LocalCapacity(settings.cpus(), settings.memoryMiB());
    }

    /**
     * Runs until {@code stop} says so, or, with {@code once}, until everything in the inbox (and every
     * job it leads to) is done.
     */
    public Summary run(boolean once, BooleanSupplier stop) throws IOException, InterruptedException {
        loadDescriptors();
        Files.createDirectories(settings.inbox());
        Files.createDirectories(settings.outputs());
        try (FileChannel lockFile = FileChannel.open(settings.outbox().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockFile)) {
            if (lock == null) {
                throw new OutboxBusyException(settings.outbox());
            }
            recover();
            ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
            try {
                loop(once, stop, attempts);
            } finally {
                // Stopped (or broken): running attempts are ended now, not waited for; their jobs stay
                // RUNNING and are resumed by the next run. Results that arrived meanwhile are kept if
                // they are successes; anything else after a stop counts as interrupted.
                attempts.shutdownNow();
                attempts.awaitTermination(30, TimeUnit.SECONDS);
                for (Event event; (event = events.poll()) != null; ) {
                    if (event instanceof Finished finished && finished.succeeded()) {
                        apply(event);
                    }
                }
            }
        }
        List<JobRecord> summary = new ArrayList<>();
        touched.forEach(id -> jobs.get(id).ifPresent(summary::add));
        return new Summary(summary);
    }

    /** The outbox's lock, or null when another run (in this JVM or another process) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private void loop(boolean once, BooleanSupplier stop, ExecutorService attempts) throws IOException,
            InterruptedException {
        while (!stop.getAsBoolean()) {
            boolean pendingFiles = scan();
            handleEvents(stop);
            if (stop.getAsBoolean()) {
                return;
            }
            place(attempts);
            if (once && !pendingFiles && queue.isEmpty() && running.isEmpty() && events.isEmpty()) {
                return;
            }
            // Wake at once when an attempt reports, else look at the inbox again after the poll interval.
            Event next = events.poll(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
            if (next != null) {
                events.addFirst(next);
            }
        }
    }

    private void loadDescriptors() throws IOException {
        DescriptorValidator validator = new DescriptorValidator();
        if (!Files.isDirectory(settings.algorithms())) {
            throw new IOException("no algorithms folder at " + settings.algorithms());
        }
        try (Stream<Path> files = Files.list(settings.algorithms())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList()) {
                Validation validation = validator.validate(file.toString(), Files.readAllBytes(file));
                if (!validation.valid()) {
                    listener.descriptorRejected(file, validation.errors());
                } else if (algorithms.containsKey(validation.descriptor().name())) {
                    listener.descriptorRejected(file, List.of(new Problem("/name", "'" + validation.descriptor().name()
                            + "' is also the name of another descriptor in " + settings.algorithms())));
                } else {
                    algorithms.put(validation.descriptor().name(), new Algorithm(validation.descriptor(), validation.sha256()));
                    listener.descriptorLoaded(validation.descriptor().name(), file);
                }
            }
        }
    }

    /** Jobs a previous run left unfinished: queued again; a process it left behind is ended first. */
    private void recover() {
        for (JobRecord record : jobs.all()) {
            if ((record.state() == JobState.SUCCEEDED || record.state() == JobState.FAILED) && record.attempt() > 0) {
                processed.add(processedKey(record.input(), record.inputVersion(), record.algorithm()));
            }
            if (record.state().terminal()) {
                continue;
            }
            Algorithm algorithm = algorithms.get(record.algorithm());
            if (algorithm == null || !algorithm.revision().equals(record.revision())) {
                save(record.moveTo(JobState.CANCELLED, "its algorithm changed or is gone since it was queued"));
                continue;
            }
            JobRecord resumed = record;
            if (record.state() == JobState.STARTING || record.state() == JobState.RUNNING) {
                if (record.pid() != null) {
                    LocalProcessRunner.killStale(record.pid(), record.processStart());
                }
                if (settings.runtime() == LocalRuntime.DOCKER) {
                    DockerInvocation.remove(DockerInvocation.containerName(record.id(), record.attempt()));
                }
                resumed = record.resumed("resumed: the previous run stopped while this job ran");
                save(resumed);
            }
            touched.add(record.id());
            queue.add(record.id());
        }
    }

    /** Admits files that have stopped changing; true while some are still changing. */
    private boolean scan() throws IOException {
        boolean pending = false;
        long now = System.nanoTime();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(settings.inbox())) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            if (file.getFileName().toString().startsWith(".")) {
                continue;
            }
            long size;
            long modified;
            try {
                size = Files.size(file);
                modified = Files.getLastModifiedTime(file).toMillis();
            } catch (IOException e) {
                continue;
            }
            Observation taken = settled.get(file);
            if (taken != null) {
                if (taken.size() == size && taken.modified() == modified) {
                    continue;
                }
                settled.remove(file);
            }
            Path relative = settings.inbox().relativize(file);
            if (relative.getNameCount() < 2) {
                settled.put(file, new Observation(size, modified, now));
                listener.ignored(file, "inputs go under " + settings.inbox() + "/<algorithm>/");
                continue;
            }
            Observation before = observed.get(file);
            if (before == null || before.size() != size || before.modified() != modified) {
                observed.put(file, new Observation(size, modified, now));
                pending = true;
                continue;
            }
            if (Duration.ofNanos(now - before.since()).compareTo(settings.stable()) < 0) {
                pending = true;
                continue;
            }
            settled.put(file, before);
            observed.remove(file);
            try {
                admit(file, relative.getName(0).toString(), relative.subpath(1, relative.getNameCount()).toString(), null);
            } catch (IOException | RuntimeException e) {
                // One odd file never stops the others.
                LOG.warn("outcome=input-skipped file=\"{}\" reason=\"{}\"", file, e.toString());
                listener.ignored(file, "cannot be taken: " + e);
            }
        }
        return pending;
    }

    /** Makes (or finds) the job of one input for one algorithm. */
    private void admit(Path input, String algorithmName, String rest, String parent) throws IOException {
        Algorithm algorithm = algorithms.get(algorithmName);
        String rejection = algorithm == null
                ? "unknown algorithm '" + algorithmName + "': no valid descriptor of that name in " + settings.algorithms()
                : rejection(algorithm.descriptor(), input, rest);
        // A rejected input is not read at all (it may be huge); its version is what the file system says.
        String version = rejection == null ? contentHash(input)
                : "size=" + Files.size(input) + ",modified=" + Files.getLastModifiedTime(input).toMillis();
        String revision = algorithm == null ? "unknown" : algorithm.revision();
        String id = JobId.of(input.toString(), version, algorithmName, revision);
        // A file this algorithm had already (an earlier revision of it included) is not run again.
        if (!processed.add(processedKey(input.toString(), version, algorithmName)) || jobs.get(id).isPresent()) {
            return;
        }
        int maxAttempts = algorithm == null ? 1 : 1 + algorithm.descriptor().retries();
        JobRecord record = JobRecord.queued(id, algorithmName, revision, input.toString(), version, parent, maxAttempts,
                now());
        if (!jobs.create(rejection == null ? record : record.ended(JobState.FAILED, null, rejection, null, null, List.of(),
                now()))) {
            return;
        }
        touched.add(id);
        JobRecord created = jobs.get(id).orElseThrow();
        listener.jobChanged(created);
        if (rejection == null) {
            queue.add(id);
        }
    }

    private static String processedKey(String input, String version, String algorithm) {
        return input + "\n" + version + "\n" + algorithm;
    }

    /** Why the algorithm does not take this input, or {@code null}. */
    private String rejection(Descriptor descriptor, Path input, String rest) throws IOException {
        Optional<String> filtered = InputRules.filterRejection(descriptor, input.getFileName().toString(), rest,
                Files.size(input));
        if (filtered.isPresent()) {
            return filtered.get();
        }
        try {
            InputRules.parameterValues(descriptor, Map.of());
        } catch (InputRules.MissingParameterException e) {
            return e.getMessage() + ": the local mode gives none";
        }
        if (!capacity.couldFit(descriptor.resources())) {
            return "needs " + descriptor.resources().vcpu() + " vCPU and " + descriptor.resources().taskMemoryMiB()
                    + " MiB" + (descriptor.resources().gpu() > 0 ? " and a GPU" : "") + "; this machine offers " + capacity
                    + " (--cpus, --memory)";
        }
        return null;
    }

    /** Starts every queued job that fits now, first come first served, smaller ones passing larger. */
    private void place(ExecutorService attempts) {
        for (String id : List.copyOf(queue)) {
            JobRecord record = jobs.get(id).orElseThrow();
            Algorithm algorithm = algorithms.get(record.algorithm());
            if (!Files.isRegularFile(Path.of(record.input()))) {
                queue.remove(id);
                save(record.moveTo(JobState.FAILED, "the input " + record.input() + " is gone: deleted before the job started"));
                continue;
            }
            if (!capacity.tryReserve(algorithm.descriptor().resources())) {
                if (record.state() == JobState.QUEUED) {
                    save(record.moveTo(JobState.WAITING_FOR_CAPACITY, "waiting for " + algorithm.descriptor().resources()
                            .vcpu() + " vCPU and " + algorithm.descriptor().resources().taskMemoryMiB() + " MiB"));
                }
                continue;
            }
            queue.remove(id);
            JobRecord starting = record.starting(now());
            save(starting);
            running.put(id, algorithm.descriptor().resources());
            attempts.submit(() -> attempt(starting, algorithm.descriptor(), record.inputVersion()));
        }
    }

    /** One attempt, on its own virtual thread: reports its start and its end as events. */
    private void attempt(JobRecord job, Descriptor descriptor, String expectedVersion) {
        Path dir = attemptDir(job);
        try {
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            Files.createDirectories(dir.resolve("output"));
            // The input is staged into the attempt, as stage-in does on ECS: the algorithm works on a
            // copy, and a file changed since it was taken is noticed here.
            Path staged = dir.resolve("input").resolve(Path.of(job.input()).getFileName());
            Files.createDirectories(staged.getParent());
            if (!copyWithHash(Path.of(job.input()), staged).equals(expectedVersion)) {
                events.add(new Finished(job.id(), job.attempt(), null,
                        "the input changed after it was taken; its new content is taken as a new job"));
                return;
            }
            boolean docker = settings.runtime() == LocalRuntime.DOCKER;
            Map<String, String> values = new HashMap<>();
            for (Descriptor.Parameter parameter : descriptor.parameters()) {
                if (parameter.defaultValue() != null) {
                    values.put(parameter.name(), parameter.defaultValue());
                }
            }
            values.put(Placeholders.INPUT, docker ? DockerInvocation.WORK_DIR + "/input/" + staged.getFileName()
                    : staged.toString());
            values.put(Placeholders.OUTPUT_DIR, docker ? DockerInvocation.WORK_DIR + "/output" : dir.resolve("output").toString());
            values.put(Placeholders.JOB_ID, job.id());
            values.put(Placeholders.ATTEMPT, Integer.toString(job.attempt()));
            // The local section is for this machine's own tools; in Docker the image runs as on ECS.
            boolean local = !docker && descriptor.local() != null;
            List<String> template = local && descriptor.local().command() != null ? descriptor.local().command()
                    : descriptor.command();
            Map<String, String> written = new HashMap<>(descriptor.environment());
            if (local && descriptor.local().environment() != null) {
                written.putAll(descriptor.local().environment());
            }
            JobCommand run = JobCommand.of(template, written, values);
            List<String> command = run.command();
            Map<String, String> environment = run.environment();
            String container = DockerInvocation.containerName(job.id(), job.attempt());
            List<String> processCommand = docker ? DockerInvocation.command(descriptor, container, dir, environment,
                    command, DockerInvocation.currentUser()) : command;
            Map<String, String> processEnvironment = docker ? Map.of() : environment;
            LocalProcessRunner.Result result = runner.run(processCommand, processEnvironment, dir,
                    Duration.ofSeconds(descriptor.timeoutSeconds()), dir.resolve("stdout.log"), dir.resolve("stderr.log"),
                    (pid, started) -> events.add(new Started(job.id(), job.attempt(), pid, started)));
            if (docker && result.timedOut()) {
                DockerInvocation.remove(container);
            }
            events.add(new Finished(job.id(), job.attempt(), result, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            events.add(new Finished(job.id(), job.attempt(), null, "cannot start: " + e));
        }
    }

    private void handleEvents(BooleanSupplier stop) throws IOException {
        for (Event event; !stop.getAsBoolean() && (event = events.poll()) != null; ) {
            apply(event);
        }
    }

    /** Applies one report of an attempt, unless it is about an attempt the record has moved past. */
    private void apply(Event event) throws IOException {
        String id = switch (event) {
            case Started started -> started.jobId();
            case Finished finished -> finished.jobId();
        };
        int attempt = switch (event) {
            case Started started -> started.attempt();
            case Finished finished -> finished.attempt();
        };
        JobRecord record = jobs.get(id).orElse(null);
        if (record == null || record.attempt() != attempt || record.state().terminal()) {
            LOG.warn("outcome=report-ignored job={} attempt={} reason=\"the record moved on\"", id, attempt);
            return;
        }
        try {
            switch (event) {
                case Started started -> {
                    if (record.state() == JobState.STARTING) {
                        save(record.running(started.pid(), started.processStart()));
                    }
                }
                case Finished finished -> finish(record, finished);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("outcome=job-error job={} reason=\"{}\"", id, e.toString(), e);
            Descriptor.Resources held = running.remove(id);
            if (held != null) {
                capacity.release(held);
            }
            JobRecord current = jobs.get(id).orElseThrow();
            if (!current.state().terminal() && current.state().canMoveTo(JobState.FAILED)) {
                save(current.ended(JobState.FAILED, null, "Conveyor could not finish this job: " + e, null,
                        current.output(), current.outputs(), now()));
            }
        }
    }

    private void finish(JobRecord record, Finished finished) throws IOException {
        Algorithm algorithm = algorithms.get(record.algorithm());
        Descriptor.Resources held = running.remove(record.id());
        if (held != null) {
            capacity.release(held);
        }
        if (record.state() == JobState.STARTING && finished.result() != null) {
            record = record.running(-1, null);
        }
        LocalProcessRunner.Result result = finished.result();
        if (finished.succeeded()) {
            Path output = keepOutput(record);
            // Children first: a crash before the next line re-runs this job, whose children exist by id.
            chain(record, algorithm.descriptor(), output);
            save(record.ended(JobState.SUCCEEDED, 0, null, null, output.toString(), files(output), now()));
            cleanUp(record);
            return;
        }
        if (finished.startFailure() != null && finished.startFailure().startsWith("the input changed")) {
            settled.remove(Path.of(record.input()));
        }
        String reason = finished.startFailure() != null ? finished.startFailure()
                : result.timedOut() ? "timed out after " + algorithm.descriptor().timeoutSeconds() + " s (timeoutSeconds)"
                : "exit code " + result.exitCode();
        String tail = result == null ? null : result.stderrTail();
        Integer code = result == null || result.timedOut() ? null : result.exitCode();
        if (finished.startFailure() == null && record.mayRetry()) {
            save(record.ended(JobState.QUEUED, code, reason + "; trying again (attempt " + (record.attempt() + 1) + " of "
                    + record.maxAttempts() + ")", tail, null, List.of(), now()));
            queue.add(record.id());
            return;
        }
        Path output = keepOutput(record);
        save(record.ended(JobState.FAILED, code, reason, tail, output.toString(), files(output), now()));
        cleanUp(record);
    }

    /** A finished job's attempts are not needed any more: their output has moved. */
    private void cleanUp(JobRecord record) throws IOException {
        Path dir = settings.work().resolve(record.id());
        if (Files.exists(dir)) {
            deleteTree(dir);
        }
    }

    /** Moves the last attempt's output where the job's output lies; partial output survives a failure. */
    private Path keepOutput(JobRecord record) throws IOException {
        Path target = settings.outputs().resolve(record.algorithm()).resolve(rest(record)).resolve(record.id());
        Path produced = attemptDir(record).resolve("output");
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            deleteTree(target);
        }
        if (Files.exists(produced)) {
            try {
                Files.move(produced, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // outputs/ lies on another file system than .work/: copy, then remove.
                copyTree(produced, target);
                deleteTree(produced);
            }
        } else {
            Files.createDirectories(target);
        }
        return target;
    }

    /** Each output file becomes an input of every algorithm this one leads to, where it lies. */
    private void chain(JobRecord parent, Descriptor descriptor, Path output) throws IOException {
        if (descriptor.then().isEmpty()) {
            return;
        }
        List<Path> produced;
        try (Stream<Path> walk = Files.walk(output)) {
            produced = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (String next : descriptor.then()) {
            for (Path file : produced) {
                admit(file, next, settings.outputs().relativize(file).toString(), parent.id());
            }
        }
    }

    private String rest(JobRecord record) {
        Path input = Path.of(record.input());
        if (input.startsWith(settings.inbox())) {
            Path relative = settings.inbox().relativize(input);
            return relative.subpath(1, relative.getNameCount()).toString();
        }
        if (input.startsWith(settings.outputs())) {
            return settings.outputs().relativize(input).toString();
        }
        return input.getFileName().toString();
    }

    private Path attemptDir(JobRecord record) {
        return settings.work().resolve(record.id()).resolve("attempt-" + record.attempt());
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(file -> dir.relativize(file).toString()).sorted().toList();
        }
    }

    private void save(JobRecord record) {
        jobs.update(record);
        touched.add(record.id());
        listener.jobChanged(record);
    }

    private String now() {
        return clock.instant().toString();
    }

    private static String contentHash(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a file and returns the content hash of what was copied. */
    private static String copyWithHash(Path from, Path to) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), MessageDigest.getInstance("SHA-256"));
             java.io.OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
