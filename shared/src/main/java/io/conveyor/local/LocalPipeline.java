package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
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
import java.nio.file.FileSystems;
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
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    private record Started(String jobId, long pid) implements Event {
    }

    private record Finished(String jobId, LocalProcessRunner.Result result, String startFailure) implements Event {
    }

    private final LocalSettings settings;
    private final JobStore jobs;
    private final LocalProcessRunner runner;
    private final Listener listener;
    private final Clock clock;
    private final LocalCapacity capacity;
    private final Map<String, Algorithm> algorithms = new LinkedHashMap<>();
    private final List<String> queue = new ArrayList<>();
    private final Map<Path, Observation> observed = new HashMap<>();
    private final Set<Path> settled = new java.util.HashSet<>();
    private final Map<String, Descriptor.Resources> running = new HashMap<>();
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
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
        recover();
        try (ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor()) {
            while (!stop.getAsBoolean()) {
                boolean pendingFiles = scan();
                handleEvents();
                place(attempts);
                if (once && !pendingFiles && queue.isEmpty() && running.isEmpty() && events.isEmpty()) {
                    break;
                }
                Thread.sleep(settings.poll().toMillis());
            }
            if (!running.isEmpty()) {
                attempts.shutdownNow();
            }
        }
        List<JobRecord> summary = new ArrayList<>();
        touched.forEach(id -> jobs.get(id).ifPresent(summary::add));
        return new Summary(summary);
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
            processed.add(processedKey(record.input(), record.inputVersion(), record.algorithm()));
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
                    LocalProcessRunner.killStale(record.pid());
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
            if (settled.contains(file)) {
                continue;
            }
            if (file.getFileName().toString().startsWith(".")) {
                continue;
            }
            Path relative = settings.inbox().relativize(file);
            if (relative.getNameCount() < 2) {
                settled.add(file);
                listener.ignored(file, "inputs go under " + settings.inbox() + "/<algorithm>/");
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
            settled.add(file);
            admit(file, relative.getName(0).toString(), relative.subpath(1, relative.getNameCount()).toString(), null);
        }
        return pending;
    }

    /** Makes (or finds) the job of one input for one algorithm. */
    private void admit(Path input, String algorithmName, String rest, String parent) throws IOException {
        String version = contentHash(input);
        Algorithm algorithm = algorithms.get(algorithmName);
        String revision = algorithm == null ? "unknown" : algorithm.revision();
        String id = JobId.of(input.toString(), version, algorithmName, revision);
        // A file this algorithm had already (an earlier revision of it included) is not run again.
        if (!processed.add(processedKey(input.toString(), version, algorithmName)) || jobs.get(id).isPresent()) {
            return;
        }
        int maxAttempts = algorithm == null ? 1 : 1 + algorithm.descriptor().retries();
        JobRecord record = JobRecord.queued(id, algorithmName, revision, input.toString(), version, parent, maxAttempts,
                now());
        String rejection = algorithm == null
                ? "unknown algorithm '" + algorithmName + "': no valid descriptor of that name in " + settings.algorithms()
                : rejection(algorithm.descriptor(), input, rest);
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
        Descriptor.Input filter = descriptor.input();
        String name = input.getFileName().toString();
        if (filter.suffixes() != null && filter.suffixes().stream().noneMatch(name::endsWith)) {
            return "'" + name + "' does not end in one of " + filter.suffixes() + " (input.suffixes of " + descriptor.name() + ")";
        }
        if (filter.glob() != null && !FileSystems.getDefault().getPathMatcher("glob:" + filter.glob()).matches(Path.of(rest))) {
            return "'" + rest + "' does not match input.glob '" + filter.glob() + "' of " + descriptor.name();
        }
        long size = Files.size(input);
        if (filter.maxSizeMiB() != null && size > filter.maxSizeMiB() * 1024L * 1024L) {
            return "is " + size + " bytes, over input.maxSizeMiB (" + filter.maxSizeMiB() + " MiB) of " + descriptor.name();
        }
        for (Descriptor.Parameter parameter : descriptor.parameters()) {
            if (parameter.required()) {
                return "required parameter " + parameter.name() + " has no value: the local mode gives none";
            }
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
            attempts.submit(() -> attempt(starting, algorithm.descriptor()));
        }
    }

    /** One attempt, on its own virtual thread: reports its start and its end as events. */
    private void attempt(JobRecord job, Descriptor descriptor) {
        Path dir = attemptDir(job);
        try {
            Files.createDirectories(dir.resolve("output"));
            Map<String, String> values = new HashMap<>();
            for (Descriptor.Parameter parameter : descriptor.parameters()) {
                if (parameter.defaultValue() != null) {
                    values.put(parameter.name(), parameter.defaultValue());
                }
            }
            boolean docker = settings.runtime() == LocalRuntime.DOCKER;
            if (docker) {
                // The container sees only the attempt's folder: the input is copied into it.
                Path staged = dir.resolve("input").resolve(Path.of(job.input()).getFileName());
                Files.createDirectories(staged.getParent());
                Files.copy(Path.of(job.input()), staged, StandardCopyOption.REPLACE_EXISTING);
                values.put(Placeholders.INPUT, DockerInvocation.WORK_DIR + "/input/" + staged.getFileName());
                values.put(Placeholders.OUTPUT_DIR, DockerInvocation.WORK_DIR + "/output");
            } else {
                values.put(Placeholders.INPUT, job.input());
                values.put(Placeholders.OUTPUT_DIR, dir.resolve("output").toString());
            }
            values.put(Placeholders.JOB_ID, job.id());
            values.put(Placeholders.ATTEMPT, Integer.toString(job.attempt()));
            List<String> template = descriptor.local() != null && descriptor.local().command() != null
                    ? descriptor.local().command() : descriptor.command();
            List<String> command = template.stream().map(word -> Placeholders.substitute(word, values)).toList();
            Map<String, String> environment = new HashMap<>();
            descriptor.environment().forEach((name, value) -> environment.put(name, Placeholders.substitute(value, values)));
            if (descriptor.local() != null && descriptor.local().environment() != null) {
                descriptor.local().environment().forEach((name, value) -> environment.put(name,
                        Placeholders.substitute(value, values)));
            }
            environment.putAll(values);
            String container = DockerInvocation.containerName(job.id(), job.attempt());
            List<String> processCommand = docker ? DockerInvocation.command(descriptor, container, dir, environment,
                    command, DockerInvocation.currentUser()) : command;
            Map<String, String> processEnvironment = docker ? Map.of() : environment;
            LocalProcessRunner.Result result = runner.run(processCommand, processEnvironment, dir,
                    Duration.ofSeconds(descriptor.timeoutSeconds()), dir.resolve("stdout.log"), dir.resolve("stderr.log"),
                    pid -> events.add(new Started(job.id(), pid)));
            if (docker && result.timedOut()) {
                DockerInvocation.remove(container);
            }
            events.add(new Finished(job.id(), result, null));
        } catch (IOException e) {
            events.add(new Finished(job.id(), null, "cannot start " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handleEvents() throws IOException {
        for (Event event; (event = events.poll()) != null; ) {
            JobRecord record = jobs.get(eventJob(event)).orElseThrow();
            switch (event) {
                case Started started -> save(record.running(started.pid()));
                case Finished finished -> finish(record, finished);
            }
        }
    }

    private static String eventJob(Event event) {
        return switch (event) {
            case Started started -> started.jobId();
            case Finished finished -> finished.jobId();
        };
    }

    private void finish(JobRecord record, Finished finished) throws IOException {
        Algorithm algorithm = algorithms.get(record.algorithm());
        capacity.release(running.remove(record.id()));
        if (record.state() == JobState.STARTING && finished.result() != null) {
            record = record.running(-1);
        }
        LocalProcessRunner.Result result = finished.result();
        if (result != null && !result.timedOut() && result.exitCode() == 0) {
            Path output = keepOutput(record);
            save(record.ended(JobState.SUCCEEDED, 0, null, null, output.toString(), files(output), now()));
            chain(record, algorithm.descriptor(), output);
            return;
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
            Files.move(produced, target, StandardCopyOption.ATOMIC_MOVE);
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
