package io.conveyor.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a listing (the input of a step fanning out over a listed prefix) names: each non-blank line is a key, or a
 * prefix ending in {@code /}, relative to the batch's own folder, and always in a subfolder of it (a file directly in
 * the folder is a batch file of its own, and so are the listing, the manifest and the marker). Spaces around a line
 * and a line's {@code \r} are ignored. A pure function: the driver reads the file, and lists what the lines name.
 *
 * <p>Refused, naming the line: invalid UTF-8, a control or format character (tab, bidirectional override), more than {@link #MAX_LINE_BYTES} bytes, an
 * absolute path, a backslash, an empty, {@code .} or {@code ..} part, a key directly in the batch's folder. Refused
 * whole: more than {@link #MAX_BYTES} bytes, more non-blank lines than {@link PipelineJobs#MAX_MEMBERS}, none.
 */
public final class ListingLines {

    /** How large a listing may be. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** How long one line may be, in UTF-8 bytes (an S3 key's limit is 1024 bytes, the batch's folder included). */
    public static final int MAX_LINE_BYTES = 900;

    /** One line's path below the batch's folder: a key, or a prefix when it ends with {@code /}. */
    public record Line(int number, String path) {
        public boolean prefix() {
            return path.endsWith("/");
        }

        /** Whether an object at {@code below} (its path below the batch's folder) is what this line names. */
        public boolean names(String below) {
            return prefix() ? below.startsWith(path) && below.length() > path.length() : below.equals(path);
        }
    }

    private ListingLines() {
    }

    /**
     * The lines of a listing, in order.
     *
     * @param bytes the listing's bytes (more than {@link #MAX_BYTES} are refused)
     * @throws PipelineJobs.UnpackException naming the line (1-based) and why, or why the whole listing is refused
     */
    public static List<Line> parse(byte[] bytes) throws PipelineJobs.UnpackException {
        if (bytes.length > MAX_BYTES) {
            throw new PipelineJobs.UnpackException("the listing is larger than " + MAX_BYTES + " bytes");
        }
        List<Line> lines = new ArrayList<>();
        int number = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            String path = line(bytes, start, end, number);
            start = end + 1;
            if (!path.isEmpty()) {
                lines.add(new Line(number, path));
                if (lines.size() > PipelineJobs.MAX_MEMBERS) {
                    throw new PipelineJobs.UnpackException("the listing has more than " + PipelineJobs.MAX_MEMBERS
                            + " lines");
                }
            }
        }
        if (lines.isEmpty()) {
            throw new PipelineJobs.UnpackException("the listing names nothing (no line but blank ones)");
        }
        return List.copyOf(lines);
    }

    /** One line's path, spaces and a {@code \r} around it removed; empty when blank. */
    private static String line(byte[] bytes, int start, int end, int number) throws PipelineJobs.UnpackException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, end - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw refused(number, "is not valid UTF-8");
        }
        if (number == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        text = text.strip();
        if (text.isEmpty()) {
            return text;
        }
        if (text.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.FORMAT)) {
            throw refused(number, "holds a control or format character");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
            throw refused(number, "is longer than " + MAX_LINE_BYTES + " bytes");
        }
        return path(text, number);
    }

    private static String path(String text, int number) throws PipelineJobs.UnpackException {
        if (text.startsWith("/") || text.matches("^[A-Za-z]:.*")) {
            throw refused(number, "'" + text + "' is absolute: a line names a key or prefix below the batch's folder");
        }
        if (text.indexOf('\\') >= 0) {
            throw refused(number, "'" + text + "' holds a backslash: parts are separated by '/'");
        }
        String[] parts = (text.endsWith("/") ? text.substring(0, text.length() - 1) : text).split("/", -1);
        if (Stream.of(parts).anyMatch(".."::equals)) {
            throw refused(number, "'" + text + "' has a '..' part: a listing names only objects below its batch's"
                    + " folder");
        }
        if (Stream.of(parts).anyMatch(p -> p.isEmpty() || p.equals("."))) {
            throw refused(number, "'" + text + "' has an empty or '.' part");
        }
        if (!text.contains("/")) {
            throw refused(number, "'" + text + "' is a file directly in the batch's folder, which is a batch file of"
                    + " its own: a listing names objects in the batch's subfolders ('<folder>/...')");
        }
        return text;
    }

    private static PipelineJobs.UnpackException refused(int number, String why) {
        return new PipelineJobs.UnpackException("line " + number + " of the listing " + why);
    }
}
