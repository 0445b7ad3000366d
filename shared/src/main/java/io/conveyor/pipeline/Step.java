package io.conveyor.pipeline;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One step of a {@link Pipeline}: an algorithm, what it takes, and over what it fans out.
 *
 * @param name       its name, unique in the pipeline
 * @param algorithm  the algorithm it runs (a registered descriptor's name)
 * @param input      what each of its jobs takes
 * @param fanOut     over what one input becomes several jobs ({@link FanOut.None} for one job per input)
 * @param parameters values it gives the algorithm's parameters for every job (a fan-out's set adds to these)
 */
public record Step(String name, String algorithm, StepInput input, FanOut fanOut, Map<String, String> parameters) {

    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(input, "input");
        fanOut = fanOut == null ? new FanOut.None() : fanOut;
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    /** Whether it runs once per batch over every output of its upstream step. */
    public boolean gathers() {
        return input instanceof StepInput.GatherOf;
    }
}
