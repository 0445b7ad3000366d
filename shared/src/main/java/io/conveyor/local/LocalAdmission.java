package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.dispatch.InputRules;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.NewJob;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which local inputs become which jobs, by the same rules as dispatch: the algorithm's input filter,
 * its required parameters, and whether this machine could ever give it what it needs. A file is
 * processed once per algorithm: its job id comes from its content, and a file an algorithm had
 * already (under an earlier revision too) is not run again.
 */
final class LocalAdmission {

    /** A valid descriptor and its revision. */
    record Algorithm(Descriptor descriptor, String revision) {
    }

    /** A job to create: rejected when {@code rejection} says why. */
    record Admitted(NewJob job, String rejection) {

        /** The events that make its record. */
        List<JobEvent> events() {
            return rejection == null ? List.of() : List.of(new JobEvent.Rejected(rejection));
        }
    }

    private final LocalSettings settings;
    private final Map<String, Algorithm> algorithms;
    private final LocalCapacity capacity;
    /** (input, version, algorithm) of every job that ran, whatever the revision: files are processed once. */
    private final Set<String> processed = new HashSet<>();

    LocalAdmission(LocalSettings settings, Map<String, Algorithm> algorithms, LocalCapacity capacity) {
        this.settings = settings;
        this.algorithms = Map.copyOf(algorithms);
        this.capacity = capacity;
    }

    Optional<Algorithm> algorithm(String name) {
        return Optional.ofNullable(algorithms.get(name));
    }

    /** Notes a record an earlier run left: a file it ran is not run again. */
    void remember(JobRecord record) {
        if ((record.state() == JobState.SUCCEEDED || record.state() == JobState.FAILED) && record.attempt() > 0) {
            processed.add(key(record.input(), record.inputVersion(), record.algorithm()));
        }
    }

    /**
     * The job of one input for one algorithm, or empty when this algorithm had this content of the
     * file already.
     */
    Optional<Admitted> admit(Path input, String algorithmName, String rest, String parent) throws IOException {
        Algorithm algorithm = algorithms.get(algorithmName);
        String rejection = algorithm == null
                ? "unknown algorithm '" + algorithmName + "': no valid descriptor of that name in " + settings.algorithms()
                : rejection(algorithm.descriptor(), input, rest);
        // A rejected input is not read at all (it may be huge); its version is what the file system says.
        String version = rejection == null ? "sha256:" + Digests.sha256(input)
                : "size=" + Files.size(input) + ",modified=" + Files.getLastModifiedTime(input).toMillis();
        if (!processed.add(key(input.toString(), version, algorithmName))) {
            return Optional.empty();
        }
        NewJob job = NewJob.of(new NewJob.JobInput(input.toString(), version), new NewJob.AlgorithmRevision(algorithmName,
                algorithm == null ? "unknown" : algorithm.revision(),
                algorithm == null ? 1 : 1 + algorithm.descriptor().retries())).withParent(parent);
        return Optional.of(new Admitted(job, rejection));
    }

    /** Why a job left by an earlier run may not run now (its algorithm changed or is gone), or {@code null}. */
    String stillRuns(JobRecord record) {
        Algorithm algorithm = algorithms.get(record.algorithm());
        return algorithm == null || !algorithm.revision().equals(record.revision())
                ? "its algorithm changed or is gone since it was queued" : null;
    }

    private static String key(String input, String version, String algorithm) {
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
}
