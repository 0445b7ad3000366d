package io.conveyor.jobs;

import java.util.List;

/**
 * Where jobs that already have a record go to be placed (the jobs queue on AWS): a retry, or the
 * next step of a chain. Dispatch reads each one's record and places it like a new input's job.
 */
public interface JobQueue {

    /**
     * Sends one message per job.
     *
     * @throws RuntimeException when any of them could not be sent (sending again is harmless: dispatch
     *                          starts a job once)
     */
    void submit(List<String> jobIds);
}
