package io.conveyor.descriptor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What validating one descriptor found: the normalized descriptor, or every error.
 *
 * @param source     the file or object it came from, as errors name it
 * @param format     the format it was written in, or {@code null} when it is not even JSON
 * @param descriptor the normalized descriptor, {@code null} when there are errors
 * @param sha256     the SHA-256 of the descriptor's bytes, as hex
 * @param errors     every error, ordered by path
 * @param warnings   things that work but deserve a look
 */
public record Validation(String source, DescriptorFormat format, Descriptor descriptor, String sha256,
                         List<Problem> errors, List<Problem> warnings) {

    public Validation {
        Objects.requireNonNull(source, "source");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if ((descriptor == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a validation has a descriptor exactly when it has no errors");
        }
    }

    /** Whether the descriptor is valid. */
    public boolean valid() {
        return errors.isEmpty();
    }

    /** The descriptor, when valid. */
    public Optional<Descriptor> accepted() {
        return Optional.ofNullable(descriptor);
    }
}
