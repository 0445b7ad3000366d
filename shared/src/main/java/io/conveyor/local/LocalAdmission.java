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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * A job to create: rejected when {@code rejection} says why; {@code earlier} when an earlier run
     * made it already (its record says how it went).
     */
    record Admitted(NewJob job, String rejection, String earlier) {

        Admitted(NewJob job, String rejection) {
            this(job, rejection, null);
        }

        /** The events that make its record. */
        List<JobEvent> events() {
            return rejection == null ? List.of() : List.of(new JobEvent.Rejected(rejection));
        }
    }

    private final LocalSettings settings;
    private Map<String, Algorithm> algorithms;
    private final LocalCapacity capacity;
    /** (input, version, algorithm) of every job that ran, whatever the revision: files are processed once. */
    private final Map<String, String> processed = new HashMap<>();
    /** The inputs of those jobs. */
    private final java.util.Set<String> ranBefore = new java.util.HashSet<>();
    /** Versions {@link #ranBefore} read, for the admission that follows at once. */
    private final Map<Path, String> versions = new HashMap<>();

    LocalAdmission(LocalSettings settings, Map<String, Algorithm> algorithms, LocalCapacity capacity) {
        this.settings = settings;
        this.algorithms = Map.copyOf(algorithms);
        this.capacity = capacity;
    }

    /** The descriptors as the algorithms folder holds them now: inputs taken from now on use these. */
    void update(Map<String, Algorithm> now) {
        this.algorithms = Map.copyOf(now);
    }

    Optional<Algorithm> algorithm(String name) {
        return Optional.ofNullable(algorithms.get(name));
    }

    /** Notes a record an earlier run left: a file it ran is not run again. */
    void remember(String input, String inputVersion, String algorithm, String id, JobState state, int attempt) {
        if ((state == JobState.SUCCEEDED || state == JobState.FAILED) && attempt > 0) {
            processed.put(key(input, inputVersion, algorithm), id);
            ranBefore.add(input);
        }
    }

    /**
     * Whether an earlier run ran this file, as it is now, for this algorithm: such a file need not wait
     * for the stability window (nothing is taken from it, and a change afterwards is new input).
     */
    boolean ranBefore(Path input, String algorithmName) {
        if (!ranBefore.contains(input.toString())) {
            return false;
        }
        try {
            String version = "sha256:" + Digests.sha256(input);
            if (!processed.containsKey(key(input.toString(), version, algorithmName))) {
                return false;
            }
            versions.put(input, version);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The job of one input for one algorithm; {@link Admitted#earlier()} names the job that had this
     * content of the file for this algorithm already (under an earlier revision too), which is not run again.
     */
    Optional<Admitted> admit(Path input, String algorithmName, String rest, String parent) throws IOException {
        Algorithm algorithm = algorithms.get(algorithmName);
        String filtered = algorithm == null ? null : InputRules.filterRejection(algorithm.descriptor(),
                input.getFileName().toString(), rest, Files.size(input)).orElse(null);
        // An input its algorithm's filter refuses is not read at all (it may be huge): its name and
        // size are all the filter looked at, so they are its version (a touch makes no new job).
        String hashed = versions.remove(input);
        String version = filtered != null ? "size=" + Files.size(input) : hashed != null ? hashed
                : "sha256:" + Digests.sha256(input);
        NewJob job = NewJob.of(new NewJob.JobInput(input.toString(), version), new NewJob.AlgorithmRevision(algorithmName,
                algorithm == null ? "unknown" : algorithm.revision(),
                algorithm == null ? 1 : 1 + algorithm.descriptor().retries())).withParent(parent);
        String earlier = processed.putIfAbsent(key(input.toString(), version, algorithmName), job.id());
        if (earlier != null) {
            // Done before: how it would be taken now does not matter (nor cost a look at its sidecar).
            return Optional.of(new Admitted(job, null, earlier));
        }
        String rejection = algorithm == null
                ? "unknown algorithm '" + algorithmName + "': no valid descriptor of that name in " + settings.algorithms()
                : filtered != null ? filtered : rejection(algorithm.descriptor(), input);
        return Optional.of(new Admitted(job, rejection, null));
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

    /** Why the algorithm does not take this input (past its filter), or {@code null}. */
    private String rejection(Descriptor descriptor, Path input) {
        try {
            InputRules.parameterValues(descriptor, LocalParameters.of(settings, input));
        } catch (InputRules.MissingParameterException e) {
            return e.getMessage() + ": give it with --param NAME=VALUE or in " + LocalParameters.sidecar(input);
        } catch (LocalParameters.BadSidecarException e) {
            return e.getMessage();
        }
        if (!capacity.couldFit(descriptor.resources())) {
            return "needs " + descriptor.resources().vcpu() + " vCPU and " + descriptor.resources().taskMemoryMiB()
                    + " MiB" + (descriptor.resources().gpu() > 0 ? " and a GPU" : "") + "; this machine offers " + capacity
                    + " (--cpus, --memory)";
        }
        return null;
    }
}
