package io.conveyor.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A compact copy of the job records in one file ({@code jobs/.index}): a line per record written,
 * {@code <size> <modified> <record as one line of JSON>}, where size and time of change are those of the
 * record's file just after the write. A run over many finished records reads this one file instead of
 * every record; an entry counts only while its record's file still has that size and time of change
 * (anything else, a record written by hand, one missing from the index, is read from its file).
 */
final class RecordIndex {

    /** One record as indexed: its file's size and time of change (nanoseconds), and the record. */
    record Entry(long size, long modified, String json) {

        static Entry of(BasicFileAttributes file, String json) {
            return new Entry(file.size(), file.lastModifiedTime().to(TimeUnit.NANOSECONDS), json);
        }

        boolean describes(BasicFileAttributes file) {
            return file.size() == size && file.lastModifiedTime().to(TimeUnit.NANOSECONDS) == modified;
        }
    }

    /** What the index file held: the last entry of each record, and how many lines it took. */
    record Loaded(Map<String, Entry> entries, int lines) {
    }

    private final Path file;

    RecordIndex(Path file) {
        this.file = file;
    }

    /** The entry of a record whose file was just written with {@code json} (the record as one line). */
    static Entry entry(Path recordFile, String json) throws IOException {
        return Entry.of(Files.readAttributes(recordFile, BasicFileAttributes.class), json);
    }

    /** Appends an entry (one write with O_APPEND: lines of several writers never mix). */
    void append(Entry entry) throws IOException {
        Files.write(file, line(entry).getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The last entry of each record id; none when the file is absent. A line that does not parse is left out. */
    Loaded load() {
        Map<String, Entry> entries = new LinkedHashMap<>();
        int lines = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; lines++) {
                int first = line.indexOf(' ');
                int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
                String id = second < 0 ? null : idOf(line, second + 1);
                if (id == null) {
                    continue;
                }
                try {
                    entries.put(id, new Entry(Long.parseLong(line.substring(0, first)),
                            Long.parseLong(line.substring(first + 1, second)), line.substring(second + 1)));
                } catch (NumberFormatException e) {
                    // A torn or foreign line: its record is read from its file.
                }
            }
        } catch (NoSuchFileException e) {
            return new Loaded(Map.of(), 0);
        } catch (IOException | UncheckedIOException e) {
            // Unreadable (or not UTF-8): every record is read from its file, and the index written anew.
            return new Loaded(Map.of(), -1);
        }
        return new Loaded(entries, lines);
    }

    /** Replaces the index with these entries, one line each (a new file moved over the old one). */
    void rewrite(Map<String, Entry> entries) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (var out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (Entry entry : entries.values()) {
                    out.write(line(entry));
                }
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String line(Entry entry) {
        return entry.size() + " " + entry.modified() + " " + entry.json() + "\n";
    }

    /** The record id a JSON line starts with ({@code {"id":"job-..."}}, as Jackson writes a record), or null. */
    private static String idOf(String line, int from) {
        String prefix = "{\"id\":\"";
        if (!line.startsWith(prefix, from)) {
            return null;
        }
        int end = line.indexOf('"', from + prefix.length());
        return end < 0 ? null : line.substring(from + prefix.length(), end);
    }
}
