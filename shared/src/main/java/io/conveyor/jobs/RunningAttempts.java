package io.conveyor.jobs;

/**
 * Stops what runs a job's attempt (ECS tasks on AWS). The job commands call it once a cancel is
 * written; the local mode needs none, as each run stops its own process when it sees its record
 * CANCELLED.
 */
public interface RunningAttempts {

    /**
     * Asks the task of an attempt to stop, if it still runs.
     *
     * @param attempt the job's attempt
     * @param taskArn its task, when the record knows it; {@code null} to find it by its {@code startedBy}
     * @param reason  why, kept by the scheduler (ECS keeps 255 characters of a stop's reason)
     * @return how many tasks were asked to stop (0: none ran any more, or none had started yet)
     */
    int stop(JobTask attempt, String taskArn, String reason);
}
