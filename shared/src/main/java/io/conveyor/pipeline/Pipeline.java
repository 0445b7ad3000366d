package io.conveyor.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline definition, parsed and valid: steps that run algorithms over the files of a batch
 * (the inputs uploaded under {@code inputs/<pipeline>/<batch>/}), joined by edges per output (as a
 * descriptor's {@code then}), fanned out over parameter sets or members, and gathered once per
 * batch when the batch is complete.
 *
 * @param name        its name (lowercase letters, digits, dashes: the folder under {@code inputs/})
 * @param revision    its definition's SHA-256 (a changed definition is a new revision)
 * @param description what it is for, or {@code null}
 * @param steps       its steps, in the order written
 * @param batches     when a batch is complete and what a failed member does
 */
public record Pipeline(String name, String revision, String description, List<Step> steps, BatchRule batches) {

    public Pipeline {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(revision, "revision");
        steps = List.copyOf(steps);
        Objects.requireNonNull(batches, "batches");
    }

    /** The step of that name. */
    public Optional<Step> step(String stepName) {
        return steps.stream().filter(s -> s.name().equals(stepName)).findFirst();
    }

    /** The steps that take the batch's own files (no upstream step). */
    public List<Step> firstSteps() {
        return steps.stream().filter(s -> s.input() instanceof StepInput.BatchFiles).toList();
    }

    /** The steps fed by {@code upstream}: per output ({@link StepInput.OutputsOf}) or gathered ({@link StepInput.GatherOf}). */
    public List<Step> after(String upstream) {
        return steps.stream().filter(s -> upstream.equals(s.input().upstream())).toList();
    }
}
