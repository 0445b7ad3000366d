package io.conveyor.local;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conveyor.json.Json;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SHA-256 of inbox files, remembered from run to run ({@code outbox/.input-digests.jsonl}) so that a run over an
 * inbox of many files it ran before does not read them all again. A remembered digest is used while the file's size,
 * time of change, time of status change and inode are the ones it was computed with, and only when the file had not
 * changed for {@link #RACY} before it was read: a write in the same tick of the file system's clock could leave
 * its times alike. Any write to a file changes its status time, which no user can set back.
 *
 * <p>One line a file: {@code [path, size, modified, changed, inode, sha256, hashedAt]} (times in nanoseconds, hashedAt
 * in milliseconds). A file that cannot be read is ignored (every input is then hashed); the digests of the files this
 * run looked at are written when it ends ({@link #save}).
 */
final class InputDigests {

    /** How long a file must have been unchanged when read for its digest to be used again. */
    static final java.time.Duration RACY = java.time.Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(InputDigests.class);
    private static final ObjectMapper JSON = Json.mapper();
    /**
     * What one look reads of a file: its kind comes from the type bits of its mode (fewer names asked, a smaller map
     * built for each of a large inbox's files: the JDK parses the names and fills a map on every call).
     */
    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,mode";
    /** The file type bits of a mode, and the types a {@link Stat} tells apart (POSIX's values). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /**
     * A file's kind, size, times and inode as one look read them: the inbox's scan reads each new file once so, and
     * its remembered digest is then found by them without another look. {@code changed} and {@code inode} are
     * {@code -1} on a file system that does not give them (no digest is remembered there). Its time of last access
     * and of creation are not read: the time of change stands in for both.
     */
    record Stat(long size, FileTime lastModifiedTime, long changed, long inode, boolean isDirectory,
                boolean isSymbolicLink, boolean isRegularFile, boolean isOther)
            implements java.nio.file.attribute.BasicFileAttributes {

        /** The file at {@code path} now (with {@link java.nio.file.LinkOption#NOFOLLOW_LINKS}, a link itself). */
        static Stat of(Path path, java.nio.file.LinkOption... options) throws IOException {
            try {
                Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, options);
                int type = ((Integer) a.get("mode")) & S_IFMT;
                return new Stat((Long) a.get("size"), (FileTime) a.get("lastModifiedTime"),
                        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), ((Number) a.get("ino")).longValue(),
                        type == S_IFDIR, type == S_IFLNK, type == S_IFREG,
                        type != S_IFDIR && type != S_IFLNK && type != S_IFREG);
            } catch (UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                java.nio.file.attribute.BasicFileAttributes b = Files.readAttributes(path,
                        java.nio.file.attribute.BasicFileAttributes.class, options);
                return new Stat(b.size(), b.lastModifiedTime(), -1, -1, b.isDirectory(), b.isSymbolicLink(),
                        b.isRegularFile(), b.isOther());
            }
        }

        /** What a remembered digest is compared with, or {@code null} when this file system does not say it all. */
        Entry state() {
            return changed < 0 || inode < 0 ? null
                    : new Entry(size, lastModifiedTime.to(TimeUnit.NANOSECONDS), changed, inode, null, 0);
        }

        @Override
        public FileTime lastAccessTime() {
            return lastModifiedTime;
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime;
        }

        @Override
        public Object fileKey() {
            return null;
        }
    }

    /** A file as it was when hashed, and its digest. */
    record Entry(long size, long modified, long changed, long inode, String sha256, long hashedAt) {

        boolean sameFile(Entry now) {
            return size == now.size && modified == now.modified && changed == now.changed && inode == now.inode;
        }

        /** Whether it had stayed unchanged for {@link #RACY} when it was read. */
        boolean settledWhenHashed() {
            return TimeUnit.NANOSECONDS.toMillis(Math.max(modified, changed)) < hashedAt - RACY.toMillis();
        }
    }

    /** A remembered entry, and whether this run used it (then it is written again). */
    private static final class Known {
        final Entry entry;
        boolean used;

        Known(Entry entry) {
            this.entry = entry;
        }
    }

    private final Path file;
    /** The file's digests, read on a thread of their own from the start: a run's start reads its records meanwhile. */
    private final java.util.concurrent.FutureTask<Map<String, Known>> reading = new java.util.concurrent.FutureTask<>(
            this::read);
    private Map<String, Known> known;
    /** How many remembered entries this run used: each is marked, not copied into another map. */
    private int usedCount;
    /** The digests this run worked out. */
    private final Map<String, Entry> worked = new HashMap<>();
    /** Whether a digest was worked out (not remembered) since the start: then the file is written again. */
    private boolean hashedAny;

    InputDigests(Path outbox) {
        this.file = outbox.resolve(".input-digests.jsonl");
        Thread.ofPlatform().daemon().name("input-digests").start(reading);
    }

    /** The file's SHA-256 (lowercase hex): the one remembered for it as it is now, else read now. */
    String sha256(Path input) throws IOException {
        return sha256(input, null);
    }

    /**
     * The file's SHA-256: the one remembered for it as {@code seen} (its {@link Stat#state()} when the inbox's scan
     * looked at it; {@code null}: as it is now), else read now.
     */
    String sha256(Path input, Entry seen) throws IOException {
        String key = input.toString();
        Known known = known().get(key);
        Entry remembered = known == null ? null : known.entry;
        Entry now = seen != null && remembered != null ? seen : attributes(input);
        if (now != null && remembered != null && remembered.sameFile(now) && remembered.settledWhenHashed()) {
            // Written again at the end, unless a digest worked out since for the same path is (that one is newer).
            if (!known.used && worked.get(key) == null) {
                known.used = true;
                usedCount++;
            }
            return remembered.sha256();
        }
        if (seen != null && now == seen) {
            // Read now: the digest is kept with the file as it is when read, not as the scan saw it.
            now = attributes(input);
        }
        long hashedAt = System.currentTimeMillis();
        String sha256 = Digests.sha256(input);
        if (now != null) {
            worked.put(key, new Entry(now.size(), now.modified(), now.changed(), now.inode(), sha256, hashedAt));
            if (known != null && known.used) {
                known.used = false;
                usedCount--;
            }
            hashedAny = true;
        }
        return sha256;
    }

    /** Writes the digests of the files looked at since the start, for the next run; a failure is only said. */
    void save() {
        // Only remembered digests used, as many as remembered: the same as the file holds (compared without a look
        // at each of them).
        if (usedCount == 0 && worked.isEmpty() || !hashedAny && known != null && usedCount == known.size()) {
            return;
        }
        java.util.stream.Stream<Map.Entry<String, Entry>> used = known == null ? java.util.stream.Stream.empty()
                : known.entrySet().stream().filter(entry -> entry.getValue().used)
                        .map(entry -> Map.entry(entry.getKey(), entry.getValue().entry));
        try {
            JsonLinesFile.replace(file, java.util.stream.Stream.concat(used, worked.entrySet().stream()).map(entry -> {
                Entry e = entry.getValue();
                return new Object[] {entry.getKey(), e.size(), e.modified(), e.changed(), e.inode(), e.sha256(),
                        e.hashedAt()};
            }));
        } catch (IOException | RuntimeException e) {
            LOG.warn("outcome=input-digests-not-written file=\"{}\" reason=\"{}\"", file, e.toString());
        }
    }

    private Map<String, Known> known() {
        if (known == null) {
            try {
                known = reading.get();
            } catch (java.util.concurrent.ExecutionException e) {
                // read() says what it cannot read and returns what it has: only an Error lands here.
                throw new IllegalStateException("cannot read " + file, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                known = new HashMap<>();
            }
        }
        return known;
    }

    private Map<String, Known> read() {
        Map<String, Known> entries = new HashMap<>();
        // One parser over the whole file, token by token: a rerun over 50,000 inputs reads it at its start.
        // Streamed: the whole file in one array (megabytes for a large outbox) would go straight to the old generation.
        try (com.fasterxml.jackson.core.JsonParser in = JSON.getFactory().createParser(Files.newInputStream(file))) {
            for (JsonToken token; (token = in.nextToken()) != null; ) {
                if (token != JsonToken.START_ARRAY) {
                    throw new IOException("line " + in.currentLocation().getLineNr() + " of " + file.getFileName()
                            + " is no array");
                }
                String path = text(in);
                long size = number(in);
                long modified = number(in);
                long changed = number(in);
                long inode = number(in);
                String sha256 = text(in);
                long hashedAt = number(in);
                if (in.nextToken() != JsonToken.END_ARRAY) {
                    throw new IOException("line " + in.currentLocation().getLineNr() + " of " + file.getFileName()
                            + " has more than 7 values");
                }
                entries.put(path, new Known(new Entry(size, modified, changed, inode, sha256, hashedAt)));
            }
            return entries;
        } catch (NoSuchFileException e) {
            return entries;
        } catch (IOException | RuntimeException e) {
            LOG.info("outcome=input-digests-ignored file=\"{}\" reason=\"{}\"", file, e.toString());
            return new HashMap<>();
        }
    }

    private String text(com.fasterxml.jackson.core.JsonParser in) throws IOException {
        if (in.nextToken() != JsonToken.VALUE_STRING) {
            throw new IOException("line " + in.currentLocation().getLineNr() + " of " + file.getFileName()
                    + ": a text expected");
        }
        return in.getText();
    }

    private long number(com.fasterxml.jackson.core.JsonParser in) throws IOException {
        if (in.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("line " + in.currentLocation().getLineNr() + " of " + file.getFileName()
                    + ": a whole number expected");
        }
        return in.getLongValue();
    }

    /** The file's size, times and inode now (through a link, its target's), or null when they cannot be read. */
    private static Entry attributes(Path input) {
        try {
            return Stat.of(input).state();
        } catch (IOException e) {
            return null;
        }
    }
}
