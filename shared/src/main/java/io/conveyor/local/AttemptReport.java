package io.conveyor.local;

/**
 * What an attempt's thread tells the deciding thread of the local mode. Each is about one attempt of
 * one job; the lifecycle ignores one about an attempt the record has moved past.
 */
sealed interface AttemptReport {

    String jobId();

    int attempt();

    /** The algorithm's process exists. */
    record Started(String jobId, int attempt, long pid, String processStart) implements AttemptReport {
    }

    /** The process ended (by itself, or killed at its timeout). */
    record Exited(String jobId, int attempt, LocalProcessRunner.Result result) implements AttemptReport {
    }

    /**
     * The algorithm never ran.
     *
     * @param inputChanged whether that is because the input file changed after it was taken (its new
     *                     content is new input, to be taken again)
     */
    record NotStarted(String jobId, int attempt, String reason, boolean inputChanged) implements AttemptReport {
    }

    /** Conveyor itself failed around a process that did run (its output could not be read, say). */
    record Broke(String jobId, int attempt, String reason) implements AttemptReport {
    }
}
