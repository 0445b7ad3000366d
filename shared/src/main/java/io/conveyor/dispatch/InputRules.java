package io.conveyor.dispatch;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an algorithm takes an input: its {@code input} filter and its required parameters. The
 * same rules decide on S3 (dispatch) and in the local mode.
 */
public final class InputRules {

    private InputRules() {
    }

    /**
     * Why {@code descriptor} does not take this input, or empty when it does.
     *
     * @param name the input's file name (the last part of its key)
     * @param rest its key below {@code inputs/<algorithm>/}
     * @param size its size in bytes
     */
    public static Optional<String> filterRejection(Descriptor descriptor, String name, String rest, long size) {
        Descriptor.Input filter = descriptor.input();
        if (filter.suffixes() != null && filter.suffixes().stream().noneMatch(name::endsWith)) {
            return Optional.of("'" + name + "' does not end in one of " + filter.suffixes() + " (input.suffixes of "
                    + descriptor.name() + ")");
        }
        if (filter.glob() != null && !Glob.compile(filter.glob()).matches(rest)) {
            return Optional.of("'" + rest + "' does not match input.glob '" + filter.glob() + "' of " + descriptor.name());
        }
        if (filter.maxSizeMiB() != null && size > filter.maxSizeMiB() * 1024L * 1024L) {
            return Optional.of("is " + size + " bytes, over input.maxSizeMiB (" + filter.maxSizeMiB() + " MiB) of "
                    + descriptor.name());
        }
        return Optional.empty();
    }

    /**
     * The values of the descriptor's parameters for one input: what {@code given} holds (names match
     * case-insensitively, as S3 metadata keys are lowercase), else the default.
     *
     * @throws MissingParameterException when a required parameter has no value
     */
    public static Map<String, String> parameterValues(Descriptor descriptor, Map<String, String> given) {
        Map<String, String> byLowerName = new java.util.HashMap<>();
        given.forEach((name, value) -> byLowerName.put(name.toLowerCase(Locale.ROOT), value));
        Map<String, String> values = new java.util.TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (Descriptor.Parameter parameter : descriptor.parameters()) {
            String value = byLowerName.get(parameter.name().toLowerCase(Locale.ROOT));
            if (value == null) {
                value = parameter.defaultValue();
            }
            if (value == null && parameter.required()) {
                missing.add(parameter.name());
            } else if (value != null) {
                values.put(parameter.name(), value);
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingParameterException(missing);
        }
        return Map.copyOf(values);
    }

    /** Required parameters without a value. */
    public static final class MissingParameterException extends RuntimeException {
        private final List<String> names;

        MissingParameterException(List<String> names) {
            super("required parameter" + (names.size() == 1 ? " " : "s ") + String.join(", ", names) + " ha"
                    + (names.size() == 1 ? "s" : "ve") + " no value");
            this.names = List.copyOf(names);
        }

        /** The parameters without a value. */
        public List<String> names() {
            return names;
        }
    }
}
