package io.conveyor.storage;

import java.nio.charset.StandardCharsets;

/**
 * Where things lie in Conveyor's buckets. The template's notification filters and IAM resources use
 * the same prefixes.
 */
public final class BucketLayout {

    /** Algorithm descriptors, in the input bucket. */
    public static final String ALGORITHMS_PREFIX = "algorithms/";
    /** Input files, in the input bucket: {@code inputs/<algorithm>/...}, a pipeline's {@code inputs/<pipeline>/<batch>/...}. */
    public static final String INPUTS_PREFIX = "inputs/";
    /**
     * Job outputs, in the output bucket: {@code outputs/<algorithm>/<input key below the algorithm>/<job id>/}; a
     * pipeline job's {@code outputs/<pipeline>/<batch>/<step>/<input path below the batch>/<job id>/}.
     */
    public static final String OUTPUTS_PREFIX = "outputs/";
    /** Job records, in the output bucket: {@code jobs/<job id>.json}. */
    public static final String JOBS_PREFIX = "jobs/";
    /** Batch records, in the output bucket: {@code batches/<pipeline>/<batch>.json}. */
    public static final String BATCHES_PREFIX = "batches/";
    /**
     * The open batches' index, in the output bucket: an empty object {@code open-batches/<pipeline>/<batch>} from when
     * a batch's record is created until it is settled, which the reconciler lists. Apart from {@code batches/}, whose
     * gather folders a pipeline named {@code open} would share.
     */
    public static final String OPEN_BATCHES_PREFIX = "open-batches/";
    /** S3's longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** What an output prefix leaves at least for the names of the files a job writes. */
    public static final int OUTPUT_NAME_ROOM_BYTES = 128;

    private BucketLayout() {
    }

    /**
     * The output prefix of a job: the input's key below {@code inputs/<algorithm>/}, then the job id, so two
     * inputs, two versions of one input or two algorithms never share one. Path segments that a file
     * system or the AWS CLI would read as navigation ({@code .}, {@code ..}, empty) are prefixed with
     * {@code _}; everything else is kept as the user wrote it.
     */
    public static String outputPrefix(String algorithm, String rest, String jobId) {
        StringBuilder prefix = new StringBuilder(OUTPUTS_PREFIX).append(algorithm).append('/');
        for (String segment : rest.split("/", -1)) {
            prefix.append(segment.isEmpty() || segment.equals(".") || segment.equals("..") ? "_" + segment : segment)
                    .append('/');
        }
        return prefix.append(jobId).append('/').toString();
    }

    /**
     * The output prefix of a pipeline job, the same in the bucket and below the local outbox:
     * {@code outputs/<pipeline>/<batch>/<step>/<input path below the batch>/<job id>/}. A first step's input path is
     * its file's below {@code inputs/<pipeline>/<batch>/}; a later step's, its upstream output's below
     * {@code outputs/<pipeline>/<batch>/} ({@link #restInBatch}). Segments are kept as in {@link #outputPrefix}.
     */
    public static String pipelineOutputPrefix(String pipeline, String batch, String step, String restInBatch,
                                              String jobId) {
        return outputPrefix(pipeline, batch + "/" + step + "/" + restInBatch, jobId);
    }

    /**
     * Where the members of an archive a step fans out over lie, the same in the bucket and below the local outbox:
     * {@code outputs/<pipeline>/<batch>/<step>.members/<archive path below the batch>/<version, 16>/}, each member at
     * its path below. {@code version} is the archive's ({@code etag:…}, {@code sha256:…}); its first 16 characters
     * after the {@code :} tell two versions apart. Segments are kept as in {@link #outputPrefix}.
     */
    public static String archiveMembersPrefix(String pipeline, String batch, String step, String archiveRestInBatch,
                                              String version) {
        String hash = version.substring(version.indexOf(':') + 1).replace("\"", "");
        return outputPrefix(pipeline, batch + "/" + step + ".members/" + archiveRestInBatch,
                hash.substring(0, Math.min(16, hash.length())));
    }

    /**
     * Where a pipeline job's input lies below its batch: below {@code inputs/<pipeline>/<batch>/} for a file of the
     * batch, below {@code outputs/<pipeline>/<batch>/} for an upstream job's output; else its file name.
     */
    public static String restInBatch(String key, String pipeline, String batch) {
        for (String root : new String[] {INPUTS_PREFIX, OUTPUTS_PREFIX}) {
            String folder = root + pipeline + "/" + batch + "/";
            if (key.startsWith(folder) && key.length() > folder.length()) {
                return key.substring(folder.length());
            }
        }
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /**
     * The part of an input's key that its output prefix repeats: below {@code inputs/<algorithm>/} for
     * an uploaded input, below {@code outputs/} for an earlier job's output (a chain's next step).
     */
    public static String restOf(String key) {
        if (key.startsWith(INPUTS_PREFIX)) {
            String below = key.substring(INPUTS_PREFIX.length());
            return below.substring(below.indexOf('/') + 1);
        }
        return key.startsWith(OUTPUTS_PREFIX) ? key.substring(OUTPUTS_PREFIX.length()) : key;
    }

    /** Whether an output prefix leaves room for output file names within S3's key limit. */
    public static boolean leavesRoomForOutputs(String outputPrefix) {
        return outputPrefix.getBytes(StandardCharsets.UTF_8).length + OUTPUT_NAME_ROOM_BYTES <= MAX_KEY_BYTES;
    }

    /** The key of a job's record. */
    public static String jobRecordKey(String jobId) {
        return JOBS_PREFIX + jobId + ".json";
    }

    /** The key of a batch's record. */
    public static String batchRecordKey(String pipeline, String batch) {
        return BATCHES_PREFIX + pipeline + "/" + batch + ".json";
    }

    /** The key of a batch's entry in the open batches' index. */
    public static String openBatchKey(String pipeline, String batch) {
        return OPEN_BATCHES_PREFIX + pipeline + "/" + batch;
    }

    /**
     * The folder a gather job of {@code step} takes as its input ({@code CONVEYOR_INPUT_DIR}): each member it
     * takes has its output files at {@code <member job id>/<output path>} below it. The same below the outbox.
     */
    public static String gatherFolderKey(String pipeline, String batch, String step) {
        return BATCHES_PREFIX + pipeline + "/" + batch + "/" + step + "/";
    }
}
