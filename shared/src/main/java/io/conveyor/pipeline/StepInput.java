package io.conveyor.pipeline;

/** What each job of a {@link Step} takes. */
public sealed interface StepInput {

    /** The step it is fed by, or {@code null} for the batch's own files. */
    String upstream();

    /** Each file of the batch (the pipeline's first steps): one job per file. */
    record BatchFiles() implements StepInput {
        @Override
        public String upstream() {
            return null;
        }
    }

    /** Each output file of each job of {@code step}, as soon as that job succeeds: one job per output (as {@code then}). */
    record OutputsOf(String step) implements StepInput {
        @Override
        public String upstream() {
            return step;
        }
    }

    /**
     * Every output of every job of {@code step} for one batch, once the batch is complete and all
     * of them have ended: one job per batch, its input a folder ({@code CONVEYOR_INPUT_DIR}).
     */
    record GatherOf(String step) implements StepInput {
        @Override
        public String upstream() {
            return step;
        }
    }
}
