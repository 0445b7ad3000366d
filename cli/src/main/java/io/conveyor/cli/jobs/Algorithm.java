package io.conveyor.cli.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.conveyor.descriptor.Descriptor;
import java.util.List;

/**
 * An algorithm as {@code conveyor algorithms} shows it: what users need to pick it and feed it.
 *
 * @param name        its name (the inbox folder, the {@code inputs/<name>/} prefix)
 * @param status      ACTIVE, RETIRED, or (locally) VALID/INVALID
 * @param revision    its descriptor's SHA-256, the revision jobs run
 * @param image       the container image
 * @param description the author's words
 * @param accepts     which inputs it takes (suffixes, glob, size)
 * @param parameters  its parameters, with their defaults
 * @param then        the algorithms its outputs go to
 * @param source      the descriptor it came from
 * @param registered  when (ISO-8601), or {@code null}
 * @param errors      the last registration's errors (or the local descriptor's), with their paths
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record Algorithm(String name, String status, String revision, String image, String description, String accepts,
                 List<Descriptor.Parameter> parameters, List<String> then, String source, String registered,
                 List<String> errors) {

    static String accepts(Descriptor.Input input) {
        if (input == null) {
            return "any file";
        }
        StringBuilder text = new StringBuilder();
        if (input.suffixes() != null && !input.suffixes().isEmpty()) {
            text.append(String.join(" ", input.suffixes()));
        }
        if (input.glob() != null) {
            text.append(text.isEmpty() ? "" : ", ").append("matching ").append(input.glob());
        }
        if (input.maxSizeMiB() != null) {
            text.append(text.isEmpty() ? "" : ", ").append("up to ").append(input.maxSizeMiB()).append(" MiB");
        }
        return text.isEmpty() ? "any file" : text.toString();
    }
}
