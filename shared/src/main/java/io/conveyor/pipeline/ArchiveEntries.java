package io.conveyor.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The members of an archive a step fans out over ({@link FanOut.ArchiveMembers}), read the same way by every driver
 * (the local mode's folder, S3 on AWS): a zip (the JDK's), tar or tar.gz (Apache Commons Compress) is streamed once,
 * and each regular member is handed over with its path, in the archive's order.
 *
 * <p>Refused, naming the archive and the member: an absolute name or one with a {@code ..} part, a link or special
 * file, a name twice (after {@code .} parts and repeated slashes are dropped); refused whole: more than
 * {@code maxMembers} members, more than {@code maxBytes} unpacked (counted as they are read, whatever the headers say).
 */
public final class ArchiveEntries {

    /** How many members one archive may have. */
    public static final int MAX_MEMBERS = PipelineJobs.MAX_MEMBERS;
    /** How many bytes one archive may unpack to, in all. */
    public static final long MAX_BYTES = 4L * 1024 * 1024 * 1024;

    /** The archive formats a step's members are read from. */
    public enum Kind { ZIP, TAR, TAR_GZ }

    /** Takes one member: its path below the archive (relative, {@code /}-separated, no navigation) and its content. */
    @FunctionalInterface
    public interface Sink {
        void take(String path, InputStream content) throws IOException, PipelineJobs.UnpackException;
    }

    private final String archive;
    private final int maxMembers;
    private final long maxBytes;

    /** @param archive the archive's name, as its refusals name it */
    public ArchiveEntries(String archive, int maxMembers, long maxBytes) {
        this.archive = archive;
        this.maxMembers = maxMembers;
        this.maxBytes = maxBytes;
    }

    /** The kind of archive a file name says, or empty for a name no driver unpacks. */
    public static Optional<Kind> kind(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".zip") ? Optional.of(Kind.ZIP) : lower.endsWith(".tar") ? Optional.of(Kind.TAR)
                : lower.endsWith(".tar.gz") || lower.endsWith(".tgz") ? Optional.of(Kind.TAR_GZ) : Optional.empty();
    }

    /** The refusal of a file whose name is no archive's. */
    public static PipelineJobs.UnpackException notAnArchive(String fileName) {
        return new PipelineJobs.UnpackException("'" + fileName + "' is no archive a step unpacks (.zip, .tar, .tar.gz,"
                + " .tgz)");
    }

    /**
     * Streams the archive, handing each regular member to {@code sink} within the bounds.
     *
     * @return the members' paths, in the archive's order
     * @throws PipelineJobs.UnpackException at the first member refused, or when a bound is passed
     */
    public List<String> read(InputStream raw, Kind kind, Sink sink) throws IOException, PipelineJobs.UnpackException {
        Counted counted = new Counted();
        if (kind == Kind.ZIP) {
            ZipInputStream zip = new ZipInputStream(raw);
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    take(zip, entry.getName(), counted, sink);
                }
            }
        } else {
            TarArchiveInputStream tar = new TarArchiveInputStream(kind == Kind.TAR ? raw : new GZIPInputStream(raw));
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isDirectory()) {
                    continue;
                }
                // Not isFile(): it holds every entry but a folder for a file, links included.
                byte flag = entry.getLinkFlag();
                if (flag != TarArchiveEntry.LF_NORMAL && flag != TarArchiveEntry.LF_OLDNORM
                        && flag != TarArchiveEntry.LF_CONTIG) {
                    throw new PipelineJobs.UnpackException("'" + archive + "': member '" + entry.getName() + "' is a "
                            + (entry.isSymbolicLink() || entry.isLink() ? "link" : "special file")
                            + ": only regular files are unpacked");
                }
                take(tar, entry.getName(), counted, sink);
            }
        }
        return List.copyOf(counted.paths);
    }

    /** What has been read so far: the members' paths and their bytes. */
    private static final class Counted {
        final List<String> paths = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long bytes;
    }

    private void take(InputStream member, String name, Counted counted, Sink sink)
            throws IOException, PipelineJobs.UnpackException {
        String path = path(archive, name);
        if (!counted.seen.add(path)) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' appears twice");
        }
        if (counted.paths.size() >= maxMembers) {
            throw new PipelineJobs.UnpackException("'" + archive + "' holds more than " + maxMembers + " members");
        }
        counted.paths.add(path);
        try {
            sink.take(path, new Bounded(member, counted));
        } catch (OverBoundException e) {
            throw new PipelineJobs.UnpackException(e.getMessage());
        }
    }

    /** A member's content, counted against the archive's bound as it is read; never closes the archive's stream. */
    private final class Bounded extends InputStream {
        private final InputStream member;
        private final Counted counted;

        Bounded(InputStream member, Counted counted) {
            this.member = member;
            this.counted = counted;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = member.read(buffer, offset, length);
            if (read > 0) {
                counted.bytes += read;
                if (counted.bytes > maxBytes) {
                    throw new OverBoundException("'" + archive + "' unpacks to more than " + maxBytes + " bytes");
                }
            }
            return read;
        }

        @Override
        public void close() {
            // The archive's stream goes on to the next member.
        }
    }

    /** Thrown from inside a member's stream when the archive passes its byte bound; turned into the refusal. */
    private static final class OverBoundException extends IOException {
        OverBoundException(String message) {
            super(message);
        }
    }

    /**
     * A member's name as a path below its archive's folder ({@code /}-separated; {@code .} parts and empty parts
     * dropped), or why it may not be one.
     */
    public static String path(String archive, String name) throws PipelineJobs.UnpackException {
        String unified = name.replace('\\', '/');
        boolean absolute = unified.startsWith("/") || unified.matches("^[A-Za-z]:.*");
        boolean climbs = List.of(unified.split("/")).contains("..");
        if (unified.isBlank() || absolute || climbs || unified.indexOf('\0') >= 0) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' has "
                    + (absolute ? "an absolute name" : climbs ? "'..' in its name" : "no usable name")
                    + ": the archive is not unpacked");
        }
        List<String> parts = new ArrayList<>();
        for (String part : unified.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' has no usable name");
        }
        return String.join("/", parts);
    }
}
