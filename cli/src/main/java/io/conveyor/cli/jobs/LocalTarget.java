package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Validation;
import io.conveyor.jobs.JobStore;
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
    public List<String> containers() {
        return List.of("algorithm");
    }

    @Override
    public List<Algorithm> algorithms() throws UsageException {
        List<Algorithm> found = new ArrayList<>();
        if (!Files.isDirectory(algorithms)) {
            return found;
        }
        DescriptorValidator validator = new DescriptorValidator();
        try (Stream<Path> files = Files.list(algorithms)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Validation validation = validator.validate(file.toString(), Files.readAllBytes(file));
                Descriptor d = validation.accepted().orElse(null);
                found.add(d == null
                        ? new Algorithm(file.getFileName().toString().replaceFirst("\\.json$", ""), "INVALID", null,
                                null, null, null, List.of(), List.of(), file.toString(), null,
                                StackTarget.problems(validation.errors()))
                        : new Algorithm(d.name(), "VALID", validation.sha256(), d.image(), d.description(),
                                Algorithm.accepts(d.input()), d.parameters() == null ? List.of() : d.parameters(),
                                d.then() == null ? List.of() : d.then(), file.toString(), null, List.of()));
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + algorithms + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public Submitted submit(Path file, String algorithm, Map<String, String> parameters) throws UsageException {
        Path folder = inbox.resolve(algorithm);
        Path target = folder.resolve(file.getFileName());
        try {
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, "." + file.getFileName(), ".part");
            Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot copy into " + folder + ": " + e.getMessage(), e);
        }
        return new Submitted(file.toString(), target.toString(), null,
                "conveyor local runs it (its job id is known once it is picked up)");
    }

    @Override
    public List<Registered> register(List<Path> descriptors, Duration wait) throws UsageException {
        List<Registered> results = new ArrayList<>();
        DescriptorValidator validator = new DescriptorValidator();
        for (Path descriptor : descriptors) {
            Validation validation;
            try {
                validation = validator.validate(descriptor.toString(), Files.readAllBytes(descriptor));
            } catch (IOException e) {
                throw new UsageException("cannot read " + descriptor + ": " + e.getMessage(), e);
            }
            List<String> warnings = StackTarget.problems(validation.warnings());
            if (validation.accepted().isEmpty()) {
                results.add(new Registered(descriptor.toString(), "REJECTED", null,
                        StackTarget.problems(validation.errors()), warnings));
                continue;
            }
            try {
                Files.createDirectories(algorithms);
                Files.copy(descriptor, algorithms.resolve(descriptor.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UsageException("cannot copy " + descriptor + " into " + algorithms + ": " + e.getMessage(), e);
            }
            results.add(new Registered(descriptor.toString(), "ACCEPTED", validation.accepted().get().name(), List.of(),
                    warnings));
        }
        return results;
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
