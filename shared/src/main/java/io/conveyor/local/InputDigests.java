package io.conveyor.local;

import io.conveyor.json.Json;
import io.conveyor.storage.Digests;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SHA-256 of inbox files, remembered in the outbox ({@code .inputs}) with what each file looked like
 * when it was read: size, time of change, time of status change and inode. A file that still looks so
 * is not read again (a rerun over many inputs hashes none); any write to it moves its time of status
 * change, which no tool can set back, so a changed file is read anew. A digest is remembered only
 * when the file had not changed for a second before it was read (a write in the same clock tick could
 * leave its times alike). Where the system has no such times (not a Unix file system) every call reads.
 */
final class InputDigests {

    /** How long a file must have been unchanged before its digest is remembered. */
    static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Look(long size, long modified, long changed, long inode) {
    }

    private record Known(Look look, String sha256) {
    }

    private final Path file;
    private final long settledNanos;
    private Map<String, Known> known;

    InputDigests(Path file) {
        this(file, SETTLED_NANOS);
    }

    /** Digests remembered once a file was unchanged for {@code settledNanos} before it was read. */
    InputDigests(Path file, long settledNanos) {
        this.file = file;
        this.settledNanos = settledNanos;
    }

    /** The hex SHA-256 of the file's content, read now unless it looks as when it was last read. */
    String sha256(Path input) throws IOException {
        if (known == null) {
            known = load();
        }
        Look before = look(input);
        Known was = before == null ? null : known.get(input.toString());
        if (was != null && was.look().equals(before)) {
            return was.sha256();
        }
        String digest = Digests.sha256(input);
        long now = FileTime.from(java.time.Instant.now()).to(TimeUnit.NANOSECONDS);
        if (before != null && before.equals(look(input)) && now - Math.max(before.changed(), before.modified()) >= settledNanos) {
            Known entry = new Known(before, digest);
            known.put(input.toString(), entry);
            try {
                Files.write(file, line(input.toString(), entry).getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // Not remembered (no outbox yet, a full disk): the next run reads the file again.
            }
        }
        return digest;
    }

    /** What a file looks like, or {@code null} where the system does not say its inode and status change. */
    private static Look look(Path input) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(input, "unix:size,lastModifiedTime,ctime,ino");
            return new Look((Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), (Long) a.get("ino"));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String line(String path, Known entry) throws IOException {
        Look l = entry.look();
        return l.size() + " " + l.modified() + " " + l.changed() + " " + l.inode() + " " + entry.sha256() + " "
                + Json.mapper().writeValueAsString(path) + "\n";
    }

    /** The remembered digests (the last line of each file wins); a line that does not parse is left out. */
    private Map<String, Known> load() throws IOException {
        Map<String, Known> loaded = new HashMap<>();
        int lines = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; lines++) {
                String[] f = line.split(" ", 6);
                try {
                    loaded.put(Json.mapper().readValue(f[5], String.class), new Known(new Look(Long.parseLong(f[0]),
                            Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])), f[4]));
                } catch (RuntimeException | IOException e) {
                    // A torn line: that file is read again.
                }
            }
        } catch (NoSuchFileException e) {
            return loaded;
        } catch (IOException e) {
            // Unreadable: every file is read again, and the list written anew.
            lines = -1;
        }
        if (lines != loaded.size()) {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, Known> entry : loaded.entrySet()) {
                text.append(line(entry.getKey(), entry.getValue()));
            }
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return loaded;
    }
}
