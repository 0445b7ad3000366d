package io.conveyor.batch;

import io.conveyor.jobs.JobRecord;
import java.util.List;

/**
 * Where a gather job finds its input: a folder ({@link io.conveyor.storage.BucketLayout#gatherFolderKey}) holding
 * the output files of every member the gather takes, each at {@code <member job id>/<output path>}. The driver that
 * carries out a {@link BatchDecision.MakeGather} fills it before it makes the gather's job; the gather's stage-in
 * copies the folder whole into {@code CONVEYOR_INPUT_DIR}. Adapters: the output bucket (copies within it) and the
 * outbox (file copies).
 */
public interface GatherFolders {

    /**
     * Puts each taken member's output files (as its record lists them) in the gather's folder; filling it again
     * with the same members changes nothing (a redelivered decision may fill it twice).
     *
     * @return the folder's location as a job's input names it: an S3 URI or a path, ending with {@code /}
     */
    String fill(String pipeline, String batch, String step, List<JobRecord> taken);

    /**
     * Where the gather job's own output is to lie ({@code outputs/<pipeline>/<batch>/<step>/<job>/} of the output
     * bucket on AWS, where dispatch needs it before the job starts), or {@code null} where the driver decides it as the
     * job runs (the local mode, which places every output under its outbox itself).
     */
    default String output(String pipeline, String batch, String step, String jobId) {
        return null;
    }
}
