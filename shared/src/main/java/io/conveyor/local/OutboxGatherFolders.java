package io.conveyor.local;

import io.conveyor.batch.GatherFolders;
import io.conveyor.jobs.JobRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Gather folders in the outbox: {@code outbox/batches/<pipeline>/<batch>/<step>/<member job id>/<output path>}, each
 * taken member's output files hard-linked where the file system allows (they are never changed once a job ended),
 * copied otherwise. A file already there is left as it is: filling again with the same members changes nothing.
 */
final class OutboxGatherFolders implements GatherFolders {

    private final Path batches;

    /** @param batches the outbox's {@code batches} folder */
    OutboxGatherFolders(Path batches) {
        this.batches = batches;
    }

    @Override
    public String fill(String pipeline, String batch, String step, List<JobRecord> taken) {
        Path folder = batches.resolve(pipeline).resolve(batch).resolve(step);
        try {
            Files.createDirectories(folder);
            for (JobRecord member : taken) {
                if (member.output() == null) {
                    continue;
                }
                Path output = Path.of(member.output());
                for (String file : member.outputs()) {
                    Path target = folder.resolve(member.id()).resolve(file).normalize();
                    if (!target.startsWith(folder.resolve(member.id())) || Files.exists(target)) {
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    place(output.resolve(file), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fill the gather folder " + folder + ": " + e.getMessage(), e);
        }
        return folder + "/";
    }

    private static void place(Path source, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try {
            Files.createLink(partial, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(partial);
        }
    }
}
