package io.conveyor.pipeline;

import io.conveyor.descriptor.Descriptor;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The algorithms a pipeline may name, as the caller knows them: the registry on AWS, the algorithms
 * folder locally, the descriptors given to {@code conveyor validate}.
 */
public interface AlgorithmLookup {

    /** The valid algorithm of that name, as it would run now. */
    Optional<Descriptor> algorithm(String name);

    /** Why there is no valid algorithm of that name, in the caller's words (not registered, not given...). */
    String whyNot(String name);

    /** A lookup in {@code algorithms} by name; {@code whyNot} says why a name is not among them. */
    static AlgorithmLookup of(Map<String, Descriptor> algorithms, Function<String, String> whyNot) {
        Map<String, Descriptor> copy = Map.copyOf(algorithms);
        return new AlgorithmLookup() {
            @Override
            public Optional<Descriptor> algorithm(String name) {
                return Optional.ofNullable(copy.get(name));
            }

            @Override
            public String whyNot(String name) {
                return whyNot.apply(name);
            }
        };
    }
}
