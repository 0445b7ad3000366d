package io.conveyor.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where configuration comes from: the process environment on Lambda, a merged map under
 * {@code conveyor invoke}, a recording map in tests.
 *
 * <p>This is the only place in Conveyor that reads environment variables, so that every
 * variable a function needs is visible to the template contract test.
 */
public interface Environment {

    /**
     * The value of a variable, or empty when it is unset or blank.
     */
    Optional<String> optional(String name);

    /**
     * The value of a variable the caller cannot work without.
     *
     * @throws MissingConfigurationException naming the variable, when it is unset or blank
     */
    default String required(String name) {
        return optional(name).orElseThrow(() -> new MissingConfigurationException(name));
    }

    /**
     * The process environment.
     */
    static Environment system() {
        return of(System.getenv());
    }

    /**
     * A fixed map of variables; blank values count as unset.
     */
    static Environment of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return name -> Optional.ofNullable(copy.get(name)).filter(value -> !value.isBlank());
    }
}
