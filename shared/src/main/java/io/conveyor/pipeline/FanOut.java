package io.conveyor.pipeline;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Over what one input of a {@link Step} becomes several jobs. */
public sealed interface FanOut {

    /** One job per input. */
    record None() implements FanOut {
    }

    /** One job per parameter set: each set's values are given to the algorithm's parameters. */
    record ParameterSets(List<Map<String, String>> sets) implements FanOut {
        public ParameterSets {
            sets = sets.stream().map(set -> Collections.unmodifiableMap(new TreeMap<>(set))).toList();
        }
    }

    /** One job per member of the input when it is an archive (zip, tar, tar.gz). */
    record ArchiveMembers() implements FanOut {
    }

    /** One job per object listed under the prefix the input (a text file) names, one key or prefix a line. */
    record ListedPrefix() implements FanOut {
    }
}
