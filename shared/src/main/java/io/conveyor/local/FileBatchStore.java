package io.conveyor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.json.Json;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Batch records as JSON files in the outbox ({@code outbox/batches/<pipeline>/<batch>.json}). As
 * {@link FileJobStore}: a record's version is the SHA-256 of its file; create and replace compare and write
 * under a lock on {@code batches/.write-lock} (and, within one JVM, a lock per folder, as file locks belong to
 * the JVM), and a write lands by an atomic move, so a reader never sees half a record.
 */
public final class FileBatchStore implements BatchStore {

    private static final ObjectMapper PRETTY = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    /** Records under {@code dir} (the outbox's {@code batches} folder). */
    public FileBatchStore(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    @Override
    public Optional<Versioned> read(String pipeline, String batch) {
        Path file = file(pipeline, batch);
        try {
            byte[] bytes = bytes(file);
            return bytes == null ? Optional.empty()
                    : Optional.of(new Versioned(Json.mapper().readValue(bytes, BatchRecord.class), Digests.sha256(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read batch record " + file, e);
        }
    }

    @Override
    public boolean create(BatchRecord record) {
        return locked(() -> {
            if (current(record) != null) {
                return false;
            }
            write(record);
            return true;
        });
    }

    @Override
    public boolean replace(BatchRecord record, String version) {
        Objects.requireNonNull(version, "version");
        return locked(() -> {
            byte[] current = current(record);
            if (current == null || !Digests.sha256(current).equals(version)) {
                return false;
            }
            write(record);
            return true;
        });
    }

    private byte[] current(BatchRecord record) {
        Path file = file(record.pipeline(), record.batch());
        try {
            return bytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read batch record " + file, e);
        }
    }

    private Path file(String pipeline, String batch) {
        // Both are single path segments: a pipeline's name is checked by its definition, a batch's by BatchRecord.open.
        if (pipeline.contains("/") || batch.contains("/") || pipeline.startsWith(".") || batch.equals("..")) {
            throw new IllegalArgumentException("not a batch of a pipeline: " + pipeline + "/" + batch);
        }
        return dir.resolve(pipeline).resolve(batch + ".json");
    }

    private static byte[] bytes(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void write(BatchRecord record) {
        Path file = file(record.pipeline(), record.batch());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(temporary, PRETTY.writeValueAsBytes(record));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write batch record " + file, e);
        }
    }

    private boolean locked(BooleanSupplier write) {
        return FolderLock.locked(dir, write);
    }
}
