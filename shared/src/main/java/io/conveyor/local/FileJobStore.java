package io.conveyor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Job records as JSON files in a folder ({@code outbox/jobs/<id>.json}). Every write, a creation (once per id) or a
 * replace, writes a new file and moves it where the record lies atomically, so a reader never sees half a record,
 * even after a crash. A record's version is the SHA-256 of its file: a write compares the file as it is with what the
 * writer expects (no file, or that version) under a lock on {@code jobs/.write-lock}, so the compare and the move are
 * one step for every writer, the running {@code conveyor local} and the job commands alike.
 *
 * <p>Every write also appends the record's id to {@code jobs/.changes}, tagged with the writing
 * instance: {@link #changesSince} tells a reader which records others changed, without reading them all.
 * The run that owns the outbox reads the records of its unfinished jobs through {@link #held}: as this
 * store last wrote or read them, until {@link #changesSince} names them as changed by another. Its store keeps the
 * journal and the lock file open, takes in the journal's new lines under the lock before each write, and replaces a
 * record it holds at the version the writer names without reading the record again: any other writer's change would
 * have named it in the journal.
 */
public final class FileJobStore implements JobStore {

    private static final ObjectMapper PRETTY = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    /** The ids of records others changed, and where to read on from. */
    public record Changes(java.util.Set<String> ids, long next) {
    }

    private final Path dir;
    private final String writer = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    /** Unfinished records as this store last wrote or read them through {@link #held}; finished ones leave. */
    private final java.util.concurrent.ConcurrentMap<String, Versioned> held = new java.util.concurrent.ConcurrentHashMap<>();
    private final BriefIndex briefIndex;
    private final FolderLock lock;
    /**
     * Whether this store is the run's that owns the folder (it cleared the journal, {@link #clearChanges}). Its
     * journal is then kept open, and {@link #journalSeen} says how far every line in it was taken in under the lock
     * (others' records evicted from {@link #held}): a replace of a record held at the version it names needs no read of
     * the record.
     */
    private boolean owner;
    private FileChannel journal;
    private Object journalKey;
    private long journalSeen;

    public FileJobStore(Path dir) {
        this.dir = dir;
        this.briefIndex = new BriefIndex(dir);
        this.lock = new FolderLock(dir);
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
        Path file = file(id);
        try {
            byte[] bytes = bytes(file);
            return bytes == null ? Optional.empty() : Optional.of(Json.mapper().readValue(bytes, JobRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job record " + file, e);
        }
    }

    /** Whether a record of that id lies in the folder (whole or not): one look, nothing read. */
    public boolean exists(String id) {
        return Files.exists(file(id));
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

    /**
     * A record as this store last wrote it (or read it through here), else as read now. It is the record
     * on disk unless another writer changed it and {@link #changesSince} has not named it yet: a replace of
     * that version then fails, as with any record read before a change.
     */
    public Optional<Versioned> held(String id) {
        Versioned known = held.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Versioned> read = read(id);
        read.ifPresent(this::hold);
        return read;
    }

    private void hold(Versioned versioned) {
        if (versioned.record().state().terminal()) {
            held.remove(versioned.record().id());
        } else {
            held.put(versioned.record().id(), versioned);
        }
    }

    @Override
    public boolean replace(JobRecord record, String version) {
        Objects.requireNonNull(version, "version");
        return locked(() -> replaceLocked(record, version));
    }

    private boolean replaceLocked(JobRecord record, String version) {
        if (owner) {
            Versioned known = held.get(record.id());
            if (known != null && known.version().equals(version)) {
                // Nobody else wrote it since this store last wrote or read it: every write says so in the journal.
                write(record);
                return true;
            }
        }
        byte[] current;
        try {
            current = bytes(file(record.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job record " + file(record.id()), e);
        }
        if (current == null || !Digests.sha256(current).equals(version)) {
            held.remove(record.id());
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
    public boolean create(JobRecord record) {
        return locked(() -> createLocked(record));
    }

    private boolean createLocked(JobRecord record) {
        // Every writer takes the folder's lock, so "not there yet" stays true until the move below: the record is
        // created whole, once per id, with one new file (an empty file first would be a second, freed at once).
        Path file = file(record.id());
        try {
            // A crash between creating and writing (of an earlier version, which created the file empty first)
            // leaves an empty file: that job was never recorded.
            if (bytes(file) != null) {
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read job record " + file, e);
        }
        write(record);
        return true;
    }

    private void write(JobRecord record) {
        Path file = file(record.id());
        Path temporary = dir.resolve("." + record.id() + ".json.tmp");
        try {
            byte[] bytes = PRETTY.writeValueAsBytes(record);
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // One short append is one write(2) with O_APPEND: lines of several writers never mix.
            byte[] line = (writer + " " + record.id() + "\n").getBytes(StandardCharsets.US_ASCII);
            if (owner) {
                journal.write(java.nio.ByteBuffer.wrap(line), journalSeen);
                journalSeen += line.length;
            } else {
                Files.write(dir.resolve(".changes"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            hold(new Versioned(record, Digests.sha256(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job record " + file, e);
        }
    }

    private boolean locked(java.util.function.BooleanSupplier write) {
        return lock.locked(() -> {
            if (owner) {
                catchUp();
            }
            return write.getAsBoolean();
        });
    }

    /**
     * The ids of the journal's lines (whole ones, {@code "<writer> <id>"}) that other writers wrote, each given to
     * {@code each} once it is no longer held as this store knew it.
     */
    private void othersIn(String lines, java.util.function.Consumer<String> each) {
        for (String line : lines.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && !line.substring(0, space).equals(writer)) {
                String id = line.substring(space + 1);
                held.remove(id);
                each.accept(id);
            }
        }
    }

    /**
     * Takes in the journal's lines since {@link #journalSeen}, under the lock, before each of the owner's writes: a
     * record another writer changed is no longer held as this store knew it.
     */
    private void catchUp() {
        try {
            Path path = dir.resolve(".changes");
            Object key;
            try {
                key = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            } catch (java.nio.file.NoSuchFileException e) {
                key = null;
            }
            if (journal == null || !journal.isOpen() || key == null || !key.equals(journalKey)) {
                // Replaced or removed by hand, or closed by an interrupt: what is held may be stale, so it is read again.
                if (journal != null) {
                    journal.close();
                }
                held.clear();
                journal = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                journalKey = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                journalSeen = journal.size();
                return;
            }
            long size = journal.size();
            if (size == journalSeen) {
                return;
            }
            if (size < journalSeen) {
                // Cut short by hand: what is held may be stale, so it is read again; lines go on at the end.
                held.clear();
                journalSeen = size;
                return;
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - journalSeen));
            while (buffer.hasRemaining() && journal.read(buffer, journalSeen + buffer.position()) >= 0) {
                // read on to the end
            }
            othersIn(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII), id -> { });
            journalSeen = size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(".changes"), e);
        }
    }

    /**
     * The records that other instances (another process, the job commands) wrote since {@code offset}
     * of the change journal ({@code 0}: since it was last cleared).
     */
    public Changes changesSince(long offset) {
        Path journal = dir.resolve(".changes");
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= offset) {
                return new Changes(ids, Math.min(offset, size));
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            channel.read(buffer, offset);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return new Changes(ids, offset);
            }
            othersIn(text.substring(0, end), ids::add);
            return new Changes(ids, offset + end + 1);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Changes(ids, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + journal, e);
        }
    }

    /**
     * Empties the change journal: for the one run that holds the outbox, as it starts. This store then keeps the
     * journal open, and replaces the records it holds without reading them first.
     */
    public void clearChanges() {
        locked(() -> {
            try {
                Files.deleteIfExists(dir.resolve(".changes"));
                owner = true;
                // Opened anew by the next write.
                if (journal != null) {
                    journal.close();
                    journal = null;
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir.resolve(".changes"), e);
            }
        });
    }

    /**
     * What a record says of its job's input, state and place in a pipeline ({@code null} outside pipelines): enough
     * to know whether it is done, without reading it all.
     */
    public record Brief(String id, String algorithm, String input, String inputVersion, io.conveyor.jobs.JobState state,
                        int attempt, io.conveyor.jobs.PipelinePlace pipeline, String queuedAt) {

        /** The brief of a job outside pipelines. */
        public Brief(String id, String algorithm, String input, String inputVersion, io.conveyor.jobs.JobState state,
                     int attempt, String queuedAt) {
            this(id, algorithm, input, inputVersion, state, attempt, null, queuedAt);
        }

        /** What a listing sees of the job before its record is read: enough to match a query and to order by. */
        io.conveyor.jobs.JobSummary summary() {
            return new io.conveyor.jobs.JobSummary(id, algorithm == null ? "" : algorithm, input, state, attempt,
                    queuedAt, null, null, null, pipeline == null ? null : pipeline.pipeline(),
                    pipeline == null ? null : pipeline.batch(), pipeline == null ? null : pipeline.step());
        }
    }

    /**
     * Each record's {@link Brief}, read as a stream of JSON tokens (no record built, no digest): for a run
     * that starts over an outbox of many finished jobs. A record that cannot be read fails the call, as in {@link #all}.
     * While no record was written since they were last read so, they come from {@link BriefIndex}, one file.
     */
    public void briefs(java.util.function.Consumer<Brief> each) {
        java.nio.file.attribute.FileTime folderTime = folderTime();
        Optional<List<Brief>> indexed = briefIndex.read(folderTime);
        if (indexed.isPresent()) {
            indexed.get().forEach(each);
            return;
        }
        List<Brief> briefs = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Path file : recordFiles()) {
            byte[] bytes;
            try {
                bytes = bytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read job record " + file, e);
            }
            if (bytes != null) {
                Brief brief = brief(file, bytes, names);
                briefs.add(brief);
                each.accept(brief);
            }
        }
        if (folderTime.equals(folderTime())) {
            briefIndex.write(folderTime, briefs);
        }
    }

    /** The records folder's time of change: any record created or replaced changes it. */
    private java.nio.file.attribute.FileTime folderTime() {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the time of change of " + dir, e);
        }
    }

    private static Brief brief(Path file, byte[] bytes, Map<String, String> names) {
        try (com.fasterxml.jackson.core.JsonParser parser = Json.mapper().getFactory().createParser(bytes)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return brief(parser, names);
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("cannot read job record " + file, e instanceof IOException io ? io
                    : new IOException(e.toString(), e));
        }
    }

    /**
     * The brief of the record (or of a {@link Brief} as JSON) whose object the parser is at, read to its end: its
     * other fields skipped, no record built. Its algorithm's name is taken from {@code names} when that holds an equal
     * one (and added when not): briefs read together share the few names, not one copy each.
     */
    static Brief brief(com.fasterxml.jackson.core.JsonParser parser, Map<String, String> names) throws IOException {
        String id = null;
        String algorithm = null;
        String input = null;
        String inputVersion = null;
        String state = null;
        String attempt = "0";
        String queuedAt = null;
        io.conveyor.jobs.PipelinePlace place = null;
        while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            com.fasterxml.jackson.core.JsonToken value = parser.nextToken();
            if (!value.isScalarValue()) {
                if ("pipeline".equals(name) && value == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    place = Json.mapper().readValue(parser, io.conveyor.jobs.PipelinePlace.class);
                } else {
                    parser.skipChildren();
                }
                continue;
            }
            switch (name) {
                case "id" -> id = parser.getValueAsString();
                case "algorithm" -> algorithm = parser.getValueAsString();
                case "input" -> input = parser.getValueAsString();
                case "inputVersion" -> inputVersion = parser.getValueAsString();
                case "state" -> state = parser.getValueAsString();
                case "attempt" -> attempt = parser.getValueAsString();
                case "queuedAt" -> queuedAt = parser.getValueAsString();
                default -> { }
            }
        }
        if (state == null) {
            throw new IOException("no state");
        }
        if (algorithm != null) {
            algorithm = names.computeIfAbsent(algorithm, name -> name);
        }
        return new Brief(id, algorithm, input, inputVersion, io.conveyor.jobs.JobState.valueOf(state),
                Integer.parseInt(attempt == null ? "0" : attempt), place, queuedAt);
    }

    private List<Path> recordFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            // Only regular files are records: a folder that happens to end in .json is not one.
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * The jobs the query wants, newest first: chosen and ordered by the records' {@link Brief}s (from
     * {@link BriefIndex} while it holds), then only the records listed read whole, and matched again as they are now.
     */
    @Override
    public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
        List<io.conveyor.jobs.JobSummary> candidates = new ArrayList<>();
        briefs(brief -> {
            if (brief.id() != null) {
                io.conveyor.jobs.JobSummary seen = brief.summary();
                if (query.matches(seen)) {
                    candidates.add(seen);
                }
            }
        });
        candidates.sort(io.conveyor.jobs.JobQuery.NEWEST_FIRST);
        List<JobRecord> listed = new ArrayList<>();
        for (int i = 0; i < candidates.size() && listed.size() < query.limit(); i++) {
            get(candidates.get(i).id()).filter(record -> query.matches(io.conveyor.jobs.JobSummary.of(record)))
                    .ifPresent(listed::add);
        }
        return query.select(listed);
    }

    @Override
    public List<JobRecord> all() {
        List<JobRecord> records = new ArrayList<>();
        for (Path file : recordFiles()) {
            get(file.getFileName().toString().replaceFirst("\\.json$", "")).ifPresent(records::add);
        }
        return records;
    }
}
