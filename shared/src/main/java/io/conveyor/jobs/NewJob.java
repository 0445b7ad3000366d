package io.conveyor.jobs;

import java.util.Objects;

/**
 * What a job is made of, before it has a record: one input version and one algorithm revision
 * (which together are its id), and where its output is to lie. Every driver makes jobs from this
 * (a new input, a chain's next step, the local inbox), through {@link JobLifecycle#admit}.
 *
 * @param input     the input and its version
 * @param algorithm the algorithm revision it runs, with its attempts
 * @param parent    the job whose output the input is, or {@code null}
 * @param output    where its output is to lie, or {@code null} where that is decided when it ends
 * @param place     where it stands in a pipeline run, or {@code null} outside pipelines
 */
public record NewJob(JobInput input, AlgorithmRevision algorithm, String parent, String output, PipelinePlace place) {

    /** The input version of a gather job: its input is the folder of a batch's upstream outputs. */
    public static final String GATHER_INPUT_VERSION = "batch";

    /**
     * An input object (or file) at one version.
     *
     * @param location where it lies (an S3 URI, a file path)
     * @param version  its version id, {@code etag:<eTag>} or {@code sha256:<content hash>}
     */
    public record JobInput(String location, String version) {
        public JobInput {
            Objects.requireNonNull(location, "input location");
            Objects.requireNonNull(version, "input version");
        }
    }

    /**
     * The algorithm a job runs.
     *
     * @param name        its name
     * @param revision    its descriptor's SHA-256, or a word saying there is none ({@code none}, {@code unknown})
     * @param maxAttempts 1 + its descriptor's retries
     */
    public record AlgorithmRevision(String name, String revision, int maxAttempts) {
        public AlgorithmRevision {
            Objects.requireNonNull(name, "algorithm name");
            Objects.requireNonNull(revision, "algorithm revision");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
        }
    }

    public NewJob {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(algorithm, "algorithm");
    }

    /** A job of an input that nobody's output made. */
    public static NewJob of(JobInput input, AlgorithmRevision algorithm) {
        return new NewJob(input, algorithm, null, null, null);
    }

    /** The same job made from the output of {@code parentId}. */
    public NewJob withParent(String parentId) {
        return new NewJob(input, algorithm, parentId, output, place);
    }

    /** The same job with its output location. */
    public NewJob withOutput(String outputLocation) {
        return new NewJob(input, algorithm, parent, outputLocation, place);
    }

    /** The same job at a place in a pipeline run. */
    public NewJob withPlace(PipelinePlace pipelinePlace) {
        return new NewJob(input, algorithm, parent, output, pipelinePlace);
    }

    /**
     * Its id: the same input version, algorithm revision (and place in a pipeline) always give the same one. A
     * gather job (a place, and its input at version {@link #GATHER_INPUT_VERSION}) has the id of its place alone
     * ({@link JobId#ofGather}).
     */
    public String id() {
        if (place != null && GATHER_INPUT_VERSION.equals(input.version())) {
            return JobId.ofGather(place);
        }
        return JobId.of(input.location(), input.version(), algorithm.name(), algorithm.revision(), place);
    }
}
