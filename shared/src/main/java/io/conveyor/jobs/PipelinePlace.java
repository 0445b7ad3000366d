package io.conveyor.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a job stands in a pipeline run: which pipeline (at which revision), which batch of inputs,
 * which step, and the parameter values the step gives it (a fan-out's parameter set, a step's fixed
 * values, a {@code user_request.json}'s variables). A job outside any pipeline has none.
 *
 * <p>It is part of the job's identity ({@link JobId#of(String, String, String, String, PipelinePlace)}):
 * the same input run by two steps, or by one step with two parameter sets, is two jobs.
 *
 * @param pipeline   the pipeline's name
 * @param revision   the pipeline definition's revision (its SHA-256)
 * @param batch      the batch's name (the folder under {@code inputs/<pipeline>/})
 * @param step       the step's name
 * @param parameters the values the step gives the algorithm's parameters, by name (empty when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePlace(String pipeline, String revision, String batch, String step,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> parameters) {

    public PipelinePlace {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(revision, "pipeline revision");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(step, "step");
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    /** The same place with other parameter values (one set of a fan-out). */
    public PipelinePlace withParameters(Map<String, String> values) {
        return new PipelinePlace(pipeline, revision, batch, step, values);
    }

    /** The text its identity is made of: every field, parameters sorted by name, one per line. */
    String identity() {
        StringBuilder text = new StringBuilder(String.join("\n", "pipeline", pipeline, revision, batch, step));
        parameters.forEach((name, value) -> text.append('\n').append(name).append('=').append(value));
        return text.toString();
    }
}
