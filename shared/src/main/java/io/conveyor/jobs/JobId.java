package io.conveyor.jobs;

import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;

/**
 * Job identity: one input object version with one algorithm revision. The same pair always yields
 * the same id, so a duplicate event (S3 delivers at least once) or a rescan finds the job it
 * already made.
 */
public final class JobId {

    private JobId() {
    }

    /**
     * @param input        where the input lies (an S3 URI, a file path)
     * @param inputVersion its version id, eTag or content hash
     * @param algorithm    the algorithm's name
     * @param revision     the algorithm's revision (its descriptor's SHA-256)
     */
    public static String of(String input, String inputVersion, String algorithm, String revision) {
        String identity = String.join("\n", input, inputVersion, algorithm, revision);
        return "job-" + Digests.sha256(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    /**
     * The id of a job at a place in a pipeline run; with no place ({@code null}) the same as
     * {@link #of(String, String, String, String)}, so jobs outside pipelines keep their ids.
     */
    public static String of(String input, String inputVersion, String algorithm, String revision, PipelinePlace place) {
        return place == null ? of(input, inputVersion, algorithm, revision)
                : of(input, inputVersion, algorithm, revision + "\n" + place.identity());
    }

    /**
     * The id of a gather job: from its place alone (pipeline, revision, batch, step), not from its algorithm's
     * revision nor where its input folder lies, so every driver that decides the gather, whenever it does,
     * names the same job, and the job store's create-if-absent makes it once.
     */
    public static String ofGather(PipelinePlace place) {
        return "job-" + Digests.sha256((place.identity() + "\ngather").getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }
}
