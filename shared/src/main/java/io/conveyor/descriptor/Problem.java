package io.conveyor.descriptor;

import java.util.Objects;

/**
 * One thing wrong (or worth a warning) in a descriptor.
 *
 * @param path    the JSON pointer of the value at fault, {@code ""} for the whole document
 * @param message what rule it breaks, in words
 */
public record Problem(String path, String message) {

    public Problem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code /json/path: message}, or {@code /: message} for the whole document. */
    @Override
    public String toString() {
        return (path.isEmpty() ? "/" : path) + ": " + message;
    }
}
