package io.conveyor.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An attempt's log file, bounded: its first {@code head} bytes are written as they come (so a log can
 * be followed while the algorithm runs), the last {@code tail} bytes are held in memory and written at
 * {@link #close()}, after one line saying how much was cut between them. Both streams of a process
 * write here, a line at a time, as the awslogs driver of ECS mixes them into one log stream.
 */
final class BoundedLog implements AutoCloseable {

    /** The default head and tail: an attempt's log never grows past about 2 MiB. */
    static final int DEFAULT_HEAD_BYTES = 1 << 20;
    static final int DEFAULT_TAIL_BYTES = 1 << 20;

    /** A line longer than this is written in pieces. */
    private static final int LINE_BYTES = 8192;

    private final OutputStream file;
    private final int head;
    /** The most the tail holds. */
    private final int tailBytes;
    /**
     * The tail so far: it grows (from nothing) only as output passes the head, up to {@link #tailBytes}, and is a ring
     * once that full. Most attempts write less than the head and never allocate one.
     */
    private byte[] tail = new byte[0];
    private long written;
    private long cut;
    private int tailStart;
    private int tailLength;
    private boolean endsWithNewline = true;

    BoundedLog(Path path, int head, int tail) throws IOException {
        if (head < 0 || tail < 0) {
            throw new IllegalArgumentException("head and tail must be at least 0, were " + head + " and " + tail);
        }
        Files.createDirectories(path.getParent());
        this.file = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.head = head;
        this.tailBytes = tail;
    }

    /**
     * Copies a stream into the log, a line at a time, until its end; {@code also} sees every byte
     * (the process's standard error's tail, say), or is {@code null}.
     */
    void pump(InputStream in, OutputStream also) throws IOException {
        byte[] line = new byte[LINE_BYTES];
        int length = 0;
        for (int b; (b = in.read()) != -1; ) {
            line[length++] = (byte) b;
            if (b == '\n' || length == line.length) {
                write(line, length, also);
                length = 0;
            }
        }
        if (length > 0) {
            write(line, length, also);
        }
    }

    private void write(byte[] bytes, int length, OutputStream also) throws IOException {
        if (also != null) {
            also.write(bytes, 0, length);
        }
        write(bytes, length);
    }

    /** Appends bytes: to the file while the head has room, else to the tail (what falls out of it is cut). */
    synchronized void write(byte[] bytes, int length) throws IOException {
        int toHead = (int) Math.max(0, Math.min(length, head - written));
        if (toHead > 0) {
            file.write(bytes, 0, toHead);
            file.flush();
            written += toHead;
            endsWithNewline = bytes[toHead - 1] == '\n';
        }
        for (int i = toHead; i < length; i++) {
            if (tailBytes == 0) {
                cut++;
                continue;
            }
            if (tailLength == tail.length && tail.length < tailBytes) {
                grow(length - i);
            }
            if (tailLength == tail.length) {
                tailStart = (tailStart + 1) % tail.length;
                tailLength--;
                cut++;
            }
            tail[(tailStart + tailLength) % tail.length] = bytes[i];
            tailLength++;
        }
    }

    /** Makes room in the tail for {@code more} bytes, within its bound; until full it never wrapped, so it starts at 0. */
    private void grow(int more) {
        int size = (int) Math.min(tailBytes, Math.max(Math.max(2L * tail.length, 8192), (long) tailLength + more));
        tail = java.util.Arrays.copyOf(tail, size);
    }

    /** Writes the tail (from its first whole line, after the line saying what was cut) and closes the file. */
    @Override
    public synchronized void close() throws IOException {
        try (file) {
            byte[] kept = new byte[tailLength];
            for (int i = 0; i < tailLength; i++) {
                kept[i] = tail[(tailStart + i) % tail.length];
            }
            int from = 0;
            if (cut > 0) {
                // The tail starts at its first whole line.
                while (from < kept.length && kept[from] != '\n') {
                    from++;
                }
                from = Math.min(kept.length, from + 1);
                String note = (endsWithNewline ? "" : "\n") + "[conveyor: " + (cut + from) + " bytes cut here; this log keeps"
                        + " the first " + head + " and the last " + tailBytes + " bytes of an attempt's output]\n";
                file.write(note.getBytes(StandardCharsets.UTF_8));
                endsWithNewline = true;
            }
            if (from < kept.length) {
                file.write(kept, from, kept.length - from);
                endsWithNewline = kept[kept.length - 1] == '\n';
            }
            if (!endsWithNewline) {
                // A reader pages whole lines: the last one gets its end too.
                file.write('\n');
            }
        }
    }
}
