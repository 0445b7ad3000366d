package io.conveyor.local;

import io.conveyor.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A file of the outbox kept as JSON lines and written whole: beside it first, then moved over it, so a reader finds
 * the old file or the new one, never half of one.
 */
final class JsonLinesFile {

    private JsonLinesFile() {
    }

    /** Replaces {@code file} with one JSON line for each row, in order. */
    static void replace(Path file, Stream<?> rows) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            for (Iterator<?> each = rows.iterator(); each.hasNext(); ) {
                out.write(Json.mapper().writeValueAsString(each.next()));
                out.write('\n');
            }
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
