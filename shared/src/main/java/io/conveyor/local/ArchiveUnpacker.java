package io.conveyor.local;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.ArchiveEntries;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.Digests;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local mode's archive members ({@link PipelineJobs.Members}): a zip, tar or tar.gz archive, read by
 * {@link ArchiveEntries} (the rules every driver shares), is unpacked once into
 * {@code outputs/<pipeline>/<batch>/<step>.members/<archive path below the batch>/<archive's SHA-256, 16>/}, and
 * each regular file there is a member, an input of its own. The folder appears whole or not at all (unpacked
 * beside it, then moved), so a rerun finds the same members (same paths, same contents, same job ids).
 *
 * <p>Refused as {@link ArchiveEntries} says, naming the archive and the member; nothing is left behind then.
 */
final class ArchiveUnpacker implements PipelineJobs.Members {

    private final LocalSettings settings;
    private final int maxMembers;
    private final long maxBytes;

    ArchiveUnpacker(LocalSettings settings) {
        this(settings, ArchiveEntries.MAX_MEMBERS, ArchiveEntries.MAX_BYTES);
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
        ArchiveEntries.Kind kind = ArchiveEntries.kind(name).orElseThrow(() -> ArchiveEntries.notAnArchive(name));
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

    private void unpack(Path archive, ArchiveEntries.Kind kind, Path into)
            throws IOException, PipelineJobs.UnpackException {
        Files.createDirectories(into.getParent());
        Path partial = Files.createTempDirectory(into.getParent(), ".unpacking-");
        try {
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive))) {
                new ArchiveEntries(archive.getFileName().toString(), maxMembers, maxBytes).read(raw, kind,
                        (path, content) -> {
                            Path target = partial.resolve(path);
                            Files.createDirectories(target.getParent());
                            Files.copy(content, target);
                        });
            }
            Files.move(partial, into, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(partial)) {
                LocalOutputs.deleteTree(partial);
            }
        }
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
