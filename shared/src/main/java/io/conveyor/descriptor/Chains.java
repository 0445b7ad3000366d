package io.conveyor.descriptor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Chains of algorithms ({@code then}): finding a way back to where a chain started.
 */
public final class Chains {

    private Chains() {
    }

    /**
     * The names along {@code then} links from {@code from} to {@code target} (both included), or
     * {@code null} when there is no such path.
     *
     * @param thenOf the algorithms that follow a given one (empty for unknown ones)
     */
    public static List<String> path(String from, String target, Function<String, List<String>> thenOf) {
        return path(from, target, thenOf, new HashSet<>());
    }

    private static List<String> path(String from, String target, Function<String, List<String>> thenOf, Set<String> seen) {
        if (from.equals(target)) {
            return new ArrayList<>(List.of(from));
        }
        if (!seen.add(from)) {
            return null;
        }
        for (String next : thenOf.apply(from)) {
            List<String> rest = path(next, target, thenOf, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }

    /**
     * Problems of one descriptor's {@code then} that lead back to it.
     */
    public static List<Problem> leadingBack(Descriptor descriptor, Function<String, List<String>> thenOf) {
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < descriptor.then().size(); i++) {
            List<String> path = path(descriptor.then().get(i), descriptor.name(), thenOf);
            if (path != null) {
                problems.add(new Problem("/then/" + i, "leads back to '" + descriptor.name() + "' through "
                        + descriptor.name() + " → " + String.join(" → ", path)));
            }
        }
        return problems;
    }
}
