package io.conveyor.local;

import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The local mode's job logs: one file per attempt, {@code outbox/logs/<job>/<attempt>/algorithm.log},
 * standard output and error mixed a line at a time (as ECS's awslogs driver mixes them), bounded (see
 * {@link BoundedLog}). Only the algorithm has a log: locally there is no stage-in or stage-out
 * container. The cursor is the byte offset after the last whole line read; a line still being written
 * waits for the next page.
 */
public final class LocalJobLogs implements JobLogs {

    /** How many bytes a page reads at most (a page holds at least one line, however long). */
    static final int PAGE_BYTES = 64 * 1024;

    private final LocalSettings settings;
    private final int pageBytes;

    public LocalJobLogs(LocalSettings settings) {
        this(settings, PAGE_BYTES);
    }

    LocalJobLogs(LocalSettings settings, int pageBytes) {
        this.settings = settings;
        this.pageBytes = pageBytes;
    }

    @Override
    public Page read(JobRecord job, int attempt, String container, String cursor) {
        if (!"algorithm".equals(container) || attempt < 1) {
            return Page.missing();
        }
        long from = offset(cursor);
        Path file = LocalOutputs.logFile(settings, job.id(), attempt);
        if (!Files.isRegularFile(file)) {
            return Page.missing();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (from >= length) {
                return new Page(List.of(), Long.toString(Math.min(from, length)), true);
            }
            byte[] bytes = new byte[(int) Math.min(pageBytes, length - from)];
            in.seek(from);
            in.readFully(bytes);
            int end = lastNewline(bytes);
            if (end < 0 && bytes.length == pageBytes) {
                // One line longer than a page: it comes whole, however long.
                bytes = readLine(in, from, length);
                end = lastNewline(bytes);
            }
            if (end < 0) {
                return new Page(List.of(), Long.toString(from), true);
            }
            List<String> lines = List.of(new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1));
            return new Page(lines, Long.toString(from + end + 1), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long offset(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            long offset = Long.parseLong(cursor);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("cursor '" + cursor + "' is no cursor of a local log (a byte offset)");
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] readLine(RandomAccessFile in, long from, long length) throws IOException {
        in.seek(from);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (long at = from; at < length; at++) {
            int b = in.read();
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }
}
