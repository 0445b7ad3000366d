package io.conveyor.local;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code conveyor submit FILE --algorithm A --param K=V} does locally: the file is copied into
 * {@code inbox/<algorithm>/} with its parameters in its sidecar beside it, the sidecar first and each
 * by an atomic move, so a running {@code conveyor local} never takes the input without its parameters.
 */
public final class LocalSubmission {

    /** What a submission put into the inbox. */
    public record Submitted(Path input, Path sidecar) {
    }

    private LocalSubmission() {
    }

    /**
     * Drops a copy of {@code file} into the inbox for {@code algorithm}.
     *
     * @param parameters its parameters' values; none writes no sidecar (and removes an old one)
     * @return where the input (and its sidecar, or {@code null}) now lie
     * @throws IOException              naming the file or folder at fault
     * @throws IllegalArgumentException naming the algorithm or parameter at fault
     */
    public static Submitted submit(Path inbox, String algorithm, Path file, Map<String, String> parameters)
            throws IOException {
        if (algorithm == null || algorithm.isEmpty() || algorithm.contains("/") || algorithm.startsWith(".")) {
            throw new IllegalArgumentException("--algorithm '" + algorithm + "' is not an algorithm's name");
        }
        parameters.keySet().forEach(LocalParameters::checkName);
        if (!Files.isDirectory(inbox)) {
            throw new NoSuchFileException(inbox.toString(), null, "no inbox folder there");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (LocalParameters.isSidecar(file)) {
            throw new IllegalArgumentException(file + ": a name ending in " + LocalParameters.SIDECAR_SUFFIX
                    + " is a sidecar, never an input; rename it");
        }
        Path folder = Files.createDirectories(inbox.resolve(algorithm));
        Path input = folder.resolve(file.getFileName().toString());
        Path sidecar = LocalParameters.sidecar(input);
        if (parameters.isEmpty()) {
            Files.deleteIfExists(sidecar);
        } else {
            byte[] json = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(new TreeMap<>(parameters));
            moveIn(folder, sidecar, temporary -> Files.write(temporary, json));
        }
        moveIn(folder, input, temporary -> Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING));
        return new Submitted(input, parameters.isEmpty() ? null : sidecar);
    }

    private interface Writer {
        void write(Path temporary) throws IOException;
    }

    /** Writes a hidden file beside the target (the scanner skips hidden files), then moves it in at once. */
    private static void moveIn(Path folder, Path target, Writer writer) throws IOException {
        Path temporary = Files.createTempFile(folder, ".submit-", ".tmp");
        try {
            writer.write(temporary);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
