package io.conveyor.local;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local mode's listings ({@link PipelineJobs.Listings}): the objects a listing names are the regular files below
 * the batch's inbox folder, {@code inbox/<pipeline>/<batch>/}, each with its content's SHA-256 as its version (as
 * every local input has). Links are not followed: a path that leads out of the batch's folder through one names
 * nothing, and a link below it is no object. Sidecars ({@code .params.json}) are no objects.
 */
final class InboxListings implements PipelineJobs.Listings {

    private final LocalSettings settings;

    InboxListings(LocalSettings settings) {
        this.settings = settings;
    }

    @Override
    public byte[] read(NewJob.JobInput listing, int max) throws PipelineJobs.UnpackException {
        Path file = Path.of(listing.location());
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(max + 1);
        } catch (IOException e) {
            throw new PipelineJobs.UnpackException("the listing '" + file.getFileName() + "' cannot be read: " + e);
        }
    }

    @Override
    public List<PipelineJobs.Listed> under(PipelinePlace place, String path, int max)
            throws PipelineJobs.UnpackException {
        Path batch = settings.inbox().resolve(place.pipeline()).resolve(place.batch()).normalize();
        Path target = batch.resolve(path).normalize();
        List<PipelineJobs.Listed> found = new ArrayList<>();
        try {
            // A path through a link that leaves the batch's folder names nothing.
            if (!target.startsWith(batch) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    || !target.toRealPath().startsWith(batch.toRealPath())) {
                return found;
            }
            List<Path> files;
            if (path.endsWith("/")) {
                try (Stream<Path> walk = Files.walk(target)) {
                    files = walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                            .filter(f -> !LocalParameters.isSidecar(f)).sorted().limit(max + 1L).toList();
                }
            } else {
                files = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) ? List.of(target) : List.of();
            }
            for (Path file : files) {
                String below = batch.relativize(file).toString().replace('\\', '/');
                found.add(new PipelineJobs.Listed(below, new NewJob.JobInput(file.toString(), "sha256:"
                        + Digests.sha256(file)), Files.size(file)));
            }
            return found;
        } catch (IOException e) {
            throw new PipelineJobs.UnpackException("'" + path + "' below the batch's folder cannot be listed: " + e);
        }
    }
}
