package io.conveyor.local;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.Digests;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The local mode's archive members ({@link PipelineJobs.Members}): a zip (the JDK's), tar or tar.gz (Apache
 * Commons Compress) archive is unpacked once into
 * {@code outputs/<pipeline>/<batch>/<step>.members/<archive path below the batch>/<archive's SHA-256, 16>/}, and
 * each regular file there is a member, an input of its own. The folder appears whole or not at all (unpacked
 * beside it, then moved), so a rerun finds the same members (same paths, same contents, same job ids).
 *
 * <p>Refused, naming the member: an absolute name or one with a {@code ..} part, a link or special file, a name
 * twice; refused whole: more than {@code maxMembers} members, more than {@code maxBytes} unpacked.
 */
final class ArchiveUnpacker implements PipelineJobs.Members {

    /** How many members one archive may have: as many as any fan-out over members ({@link PipelineJobs#MAX_MEMBERS}). */
    static final int MAX_MEMBERS = PipelineJobs.MAX_MEMBERS;
    /** How many bytes one archive may unpack to, in all. */
    static final long MAX_BYTES = 4L * 1024 * 1024 * 1024;

    private final LocalSettings settings;
    private final int maxMembers;
    private final long maxBytes;

    ArchiveUnpacker(LocalSettings settings) {
        this(settings, MAX_MEMBERS, MAX_BYTES);
    }

    ArchiveUnpacker(LocalSettings settings, int maxMembers, long maxBytes) {
        this.settings = settings;
        this.maxMembers = maxMembers;
        this.maxBytes = maxBytes;
    }

    @Override
    public List<NewJob.JobInput> of(PipelinePlace place, NewJob.JobInput archive) throws PipelineJobs.UnpackException {
        Path file = Path.of(archive.location());
        String name = file.getFileName().toString();
        String kind = kind(name);
        if (kind == null) {
            throw new PipelineJobs.UnpackException("'" + name + "' is no archive the local mode unpacks (.zip, .tar,"
                    + " .tar.gz, .tgz)");
        }
        Path into = folder(place, archive);
        try {
            if (!Files.isDirectory(into)) {
                unpack(file, kind, into);
            }
            return members(into);
        } catch (PipelineJobs.UnpackException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PipelineJobs.UnpackException("'" + name + "' cannot be unpacked: " + e.getMessage());
        }
    }

    /** Where an archive's members lie. */
    Path folder(PipelinePlace place, NewJob.JobInput archive) {
        Path batch = settings.outputs().resolve(place.pipeline()).resolve(place.batch());
        Path file = Path.of(archive.location());
        Path inbox = settings.inbox().resolve(place.pipeline()).resolve(place.batch());
        String below = file.startsWith(inbox) ? inbox.relativize(file).toString()
                : file.startsWith(batch) ? batch.relativize(file).toString() : file.getFileName().toString();
        String hash = archive.version().substring(archive.version().indexOf(':') + 1);
        return batch.resolve(place.step() + ".members").resolve(below).resolve(hash.substring(0, Math.min(16,
                hash.length())));
    }

    private static String kind(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".zip") ? "zip" : lower.endsWith(".tar") ? "tar"
                : lower.endsWith(".tar.gz") || lower.endsWith(".tgz") ? "tar.gz" : null;
    }

    private void unpack(Path archive, String kind, Path into) throws IOException, PipelineJobs.UnpackException {
        Files.createDirectories(into.getParent());
        Path partial = Files.createTempDirectory(into.getParent(), ".unpacking-");
        try {
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
                if (kind.equals("zip")) {
                    unzip(raw, partial, archive.getFileName().toString());
                } else {
                    untar(kind.equals("tar") ? raw : new GZIPInputStream(raw), partial, archive.getFileName().toString());
                }
            }
            Files.move(partial, into, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(partial)) {
                LocalOutputs.deleteTree(partial);
            }
        }
    }

    private void unzip(InputStream raw, Path into, String archive) throws IOException, PipelineJobs.UnpackException {
        long[] budget = {0, 0};
        try (ZipInputStream zip = new ZipInputStream(raw)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    write(zip, into, entry.getName(), archive, budget);
                }
            }
        }
    }

    private void untar(InputStream raw, Path into, String archive) throws IOException, PipelineJobs.UnpackException {
        long[] budget = {0, 0};
        try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
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
                write(tar, into, entry.getName(), archive, budget);
            }
        }
    }

    /** Writes one member where its name says, within the bounds ({@code budget}: members, bytes so far). */
    private void write(InputStream member, Path into, String name, String archive, long[] budget)
            throws IOException, PipelineJobs.UnpackException {
        Path relative = safe(name, archive);
        if (++budget[0] > maxMembers) {
            throw new PipelineJobs.UnpackException("'" + archive + "' holds more than " + maxMembers + " members");
        }
        Path target = into.resolve(relative.toString());
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = member.read(buffer)) > 0; ) {
                budget[1] += read;
                if (budget[1] > maxBytes) {
                    throw new PipelineJobs.UnpackException("'" + archive + "' unpacks to more than " + maxBytes + " bytes");
                }
                out.write(buffer, 0, read);
            }
        } catch (FileAlreadyExistsException e) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' appears twice");
        }
    }

    /** A member's name as a path below the folder, or why it may not be one. */
    private static Path safe(String name, String archive) throws PipelineJobs.UnpackException {
        String unified = name.replace('\\', '/');
        boolean absolute = unified.startsWith("/") || unified.matches("^[A-Za-z]:.*");
        boolean climbs = Stream.of(unified.split("/")).anyMatch(".."::equals);
        if (unified.isBlank() || absolute || climbs || unified.indexOf('\0') >= 0) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' has "
                    + (absolute ? "an absolute name" : climbs ? "'..' in its name" : "no usable name")
                    + ": the archive is not unpacked");
        }
        Path relative = Path.of(unified).normalize();
        if (relative.getNameCount() == 0 || relative.toString().isEmpty()) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + name + "' has no usable name");
        }
        return relative;
    }

    /** The regular files of an unpacked folder, in order, each with its content's version. */
    private static List<NewJob.JobInput> members(Path into) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(into)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<NewJob.JobInput> members = new ArrayList<>();
        for (Path file : files) {
            members.add(new NewJob.JobInput(file.toString(), "sha256:" + Digests.sha256(file)));
        }
        return members;
    }
}
