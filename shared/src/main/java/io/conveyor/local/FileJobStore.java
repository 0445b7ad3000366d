package io.conveyor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Job records as JSON files in a folder ({@code outbox/jobs/<id>.json}). Creation is atomic and
 * happens once per id (the file system's create-exclusive); a replace writes a new file and moves it
 * over the old one atomically, so a reader never sees half a record, even after a crash. A record's
 * version is the SHA-256 of its file: a replace compares it with the file as it is, which is exact
 * for the one run that holds the outbox's lock (the only writer).
 */
public final class FileJobStore implements JobStore {

    private static final ObjectMapper PRETTY = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public FileJobStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private Path file(String id) {
        return dir.resolve(id + ".json");
    }

    @Override
    public Optional<JobRecord> get(String id) {
        return read(id).map(Versioned::record);
    }

    @Override
    public Optional<Versioned> read(String id) {
        Path file = file(id);
        try {
            byte[] bytes = bytes(file);
            if (bytes == null) {
                return Optional.empty();
            }
            return Optional.of(new Versioned(Json.mapper().readValue(bytes, JobRecord.class), Digests.sha256(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job record " + file, e);
        }
    }

    @Override
    public synchronized boolean replace(JobRecord record, String version) {
        Objects.requireNonNull(version, "version");
        byte[] current;
        try {
            current = bytes(file(record.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job record " + file(record.id()), e);
        }
        if (current == null || !Digests.sha256(current).equals(version)) {
            return false;
        }
        write(record);
        return true;
    }

    /** A file's bytes, or {@code null} when it does not exist or is empty (a create that crashed). */
    private static byte[] bytes(Path file) throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return bytes.length == 0 ? null : bytes;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public synchronized boolean create(JobRecord record) {
        Path file = file(record.id());
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // A crash between creating and writing leaves an empty file: that job was never recorded.
            if (get(record.id()).isPresent()) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create job record " + file, e);
        }
        write(record);
        return true;
    }

    private void write(JobRecord record) {
        Path file = file(record.id());
        Path temporary = dir.resolve("." + record.id() + ".json.tmp");
        try {
            Files.write(temporary, PRETTY.writeValueAsBytes(record));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job record " + file, e);
        }
    }

    @Override
    public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
        return query.select(all());
    }

    @Override
    public List<JobRecord> all() {
        List<JobRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            // Only regular files are records: a folder that happens to end in .json is not one.
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).sorted().toList()) {
                get(file.getFileName().toString().replaceFirst("\\.json$", "")).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return records;
    }
}
