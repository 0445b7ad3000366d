package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Validation;
import io.conveyor.pipeline.AlgorithmLookup;
import io.conveyor.pipeline.PipelineFiles;
import io.conveyor.pipeline.PipelineValidation;
import io.conveyor.pipeline.PipelineValidator;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.PinnedTaskDefinitions;
import io.conveyor.local.LocalJobLogs;
import io.conveyor.local.LocalRuntime;
import io.conveyor.local.LocalSettings;
import io.conveyor.local.LocalSubmission;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.RegistrationOutcome;
import java.time.Clock;
import java.util.Optional;
import io.conveyor.local.FileJobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A local mode's folders: the outbox given, with the inbox and the algorithms folder beside it
 * ({@code ./inbox}, {@code ./outbox}, {@code ./algorithms}, as {@code conveyor local} uses them by
 * default). Job records are the outbox's {@code jobs/}; a running {@code conveyor local} sees what
 * these commands change.
 */
final class LocalTarget implements Target {

    private final Path outbox;
    private final Path inbox;
    private final Path algorithms;
    private final FileJobStore jobs;

    private LocalTarget(Path outbox) {
        this.outbox = outbox;
        Path parent = outbox.toAbsolutePath().getParent();
        this.inbox = parent.resolve("inbox");
        this.algorithms = parent.resolve("algorithms");
        this.jobs = new FileJobStore(outbox.resolve("jobs"));
    }

    static LocalTarget open(Path outbox, Path home) throws UsageException {
        if (!Files.isDirectory(outbox.resolve("jobs"))) {
            throw new UsageException("--outbox " + outbox + ": no jobs/ folder there; is it a local mode's outbox "
                    + "(conveyor local --outbox " + outbox + ")? Or give --stack or --env-file for a stack");
        }
        return new LocalTarget(outbox);
    }

    Path outbox() {
        return outbox;
    }

    Path inbox() {
        return inbox;
    }

    @Override
    public String describe() {
        return "outbox " + outbox;
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public JobLogs logs() {
        return new LocalJobLogs(settings());
    }

    /**
     * Cancel and retry on the outbox's records. Nothing is sent and nothing stopped from here: a running
     * {@code conveyor local} reads what changed (its {@code jobs/.changes}) each poll, stops a cancelled
     * job's process and queues a retried job; one started later resumes them.
     */
    @Override
    public JobOperations operations() {
        return new JobOperations(jobs, ids -> { }, (attempt, taskArn, reason) -> 0, new FolderRegistry(),
                PinnedTaskDefinitions.refusing("the local mode runs no container images, so there is no image digest "
                        + "to run again; retry without --same-image"), Clock.systemUTC());
    }

    /** The folders as {@code conveyor local} would use them, for the local mode's own readers. */
    private LocalSettings settings() {
        return new LocalSettings(inbox, outbox, algorithms, 1, 1, Duration.ofSeconds(1), Duration.ofMillis(200),
                LocalRuntime.PROCESS);
    }

    /**
     * The algorithms folder as a registry: each valid descriptor is an active algorithm whose revision is
     * its SHA-256, as the local mode runs it. Read only: locally, registering is copying a descriptor in.
     */
    private final class FolderRegistry implements AlgorithmRegistry {

        @Override
        public Optional<AlgorithmRecord> algorithm(String name) {
            try {
                return descriptors().stream().filter(v -> v.accepted().map(d -> d.name().equals(name)).orElse(false))
                        .findFirst().map(v -> new AlgorithmRecord(name, AlgorithmRecord.Status.ACTIVE,
                                algorithms.resolve(name + ".json").toUri().toString(), null, v.sha256(), null, null, null,
                                v.descriptor()));
            } catch (UsageException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void save(AlgorithmRecord record) {
            throw new UnsupportedOperationException("the local mode's registry is its algorithms folder");
        }

        @Override
        public Entry entry(String name) {
            return new Entry(algorithm(name), null);
        }

        @Override
        public boolean saveIfUnchanged(AlgorithmRecord record, Entry read) {
            throw new UnsupportedOperationException("the local mode's registry is its algorithms folder");
        }

        @Override
        public Optional<RegistrationOutcome> outcome(String descriptorKey) {
            return Optional.empty();
        }

        @Override
        public void save(String descriptorKey, RegistrationOutcome outcome) {
            throw new UnsupportedOperationException("the local mode's registry is its algorithms folder");
        }
    }

    @Override
    public List<String> containers() {
        return List.of("algorithm");
    }

    @Override
    public List<Algorithm> algorithms() throws UsageException {
        List<Algorithm> found = new ArrayList<>();
        for (Validation validation : descriptors()) {
            Descriptor d = validation.accepted().orElse(null);
            String file = validation.source();
            found.add(d == null
                    ? new Algorithm(Path.of(file).getFileName().toString().replaceFirst("\\.json$", ""), "INVALID", null,
                            null, null, null, List.of(), List.of(), file, null, StackTarget.problems(validation.errors()))
                    : new Algorithm(d.name(), "VALID", validation.sha256(), d.image(), d.description(),
                            Algorithm.accepts(d.input()), d.parameters() == null ? List.of() : d.parameters(),
                            d.then() == null ? List.of() : d.then(), file, null, List.of()));
        }
        return found;
    }

    @Override
    public Optional<Algorithm> usable(String name) throws UsageException {
        return algorithms().stream().filter(a -> a.name().equals(name) && a.status().equals("VALID")).findFirst();
    }

    /** Every descriptor of the algorithms folder (not its pipelines), validated. */
    private List<Validation> descriptors() throws UsageException {
        List<Validation> found = new ArrayList<>();
        if (!Files.isDirectory(algorithms)) {
            return found;
        }
        DescriptorValidator validator = new DescriptorValidator();
        try (Stream<Path> files = Files.list(algorithms)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (!PipelineFiles.isPipeline(bytes)) {
                    found.add(validator.validate(file.toString(), bytes));
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + algorithms + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public Submitted submit(Path file, String algorithm, Map<String, String> parameters) throws UsageException {
        LocalSubmission.Submitted submitted;
        try {
            submitted = LocalSubmission.submit(inbox, algorithm, file, parameters);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot hand it to " + inbox + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return new Submitted(file.toString(), submitted.input().toString(), null,
                "conveyor local runs it (its job id is known once it is picked up)");
    }

    @Override
    public List<Registered> register(List<Path> descriptors, Duration wait) throws UsageException {
        List<Registered> results = new ArrayList<>();
        DescriptorValidator validator = new DescriptorValidator();
        for (Path descriptor : descriptors) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(descriptor);
            } catch (IOException e) {
                throw new UsageException("cannot read " + descriptor + ": " + e.getMessage(), e);
            }
            String name;
            List<String> warnings;
            if (PipelineFiles.isPipeline(bytes)) {
                PipelineValidation validation = new PipelineValidator().validate(descriptor.toString(), bytes, folderAlgorithms());
                warnings = StackTarget.problems(validation.warnings());
                if (!validation.valid()) {
                    results.add(new Registered(descriptor.toString(), "REJECTED", null,
                            StackTarget.problems(validation.errors()), warnings));
                    continue;
                }
                name = validation.pipeline().name();
            } else {
                Validation validation = validator.validate(descriptor.toString(), bytes);
                warnings = StackTarget.problems(validation.warnings());
                if (validation.accepted().isEmpty()) {
                    results.add(new Registered(descriptor.toString(), "REJECTED", null,
                            StackTarget.problems(validation.errors()), warnings));
                    continue;
                }
                name = validation.accepted().get().name();
            }
            try {
                Files.createDirectories(algorithms);
                Files.copy(descriptor, algorithms.resolve(descriptor.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UsageException("cannot copy " + descriptor + " into " + algorithms + ": " + e.getMessage(), e);
            }
            results.add(new Registered(descriptor.toString(), "ACCEPTED", name, List.of(), warnings));
        }
        return results;
    }

    /** The algorithms folder's valid descriptors, as a pipeline copied into it may name them. */
    private AlgorithmLookup folderAlgorithms() throws UsageException {
        Map<String, Descriptor> byName = new java.util.HashMap<>();
        descriptors().forEach(v -> v.accepted().ifPresent(d -> byName.putIfAbsent(d.name(), d)));
        return AlgorithmLookup.of(byName, name -> "'" + name + "' is no valid descriptor in " + algorithms
                + "; register its descriptor first");
    }

    @Override
    public Fleet fleet() {
        return null;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
