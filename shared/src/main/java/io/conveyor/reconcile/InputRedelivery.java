package io.conveyor.reconcile;

import java.util.List;

/**
 * Hands inputs to dispatch as their S3 notification would have (the jobs queue on AWS), so that dispatch's
 * admission stays the one place jobs are made: sending one twice makes one job.
 */
public interface InputRedelivery {

    /**
     * Sends one notification per input.
     *
     * @throws RuntimeException when any could not be sent (sending again is harmless)
     */
    void redeliver(List<InputObject> inputs);
}
