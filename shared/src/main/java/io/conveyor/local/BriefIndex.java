package io.conveyor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The briefs of a folder of job records, kept in one file beside it, for a run that starts over many finished jobs:
 * read instead of every record while the folder's time of change is the one the file names. Every record write
 * (a file created, or a new version moved over the old) changes the folder's time, so a file naming another time is
 * read no more, and the records are read. It is written only when the folder's last change lies more than
 * {@link #RACY} back: a change in the same tick of the file system's clock could leave the folder's time alike.
 *
 * <p>Line one: {@code {"folderTime": <ns>, "count": <n>, "format": 2}}; then one brief a line, as JSON. A file that is
 * not so, of another format, or that ends early, is ignored.
 */
final class BriefIndex {

    /** How far back the folder's last change must lie for the briefs read now to be written down. */
    static final java.time.Duration RACY = java.time.Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(BriefIndex.class);
    private static final ObjectMapper JSON = Json.mapper();

    /** The file's format: 2 since briefs carry their job's queuedAt; a file of another is read no more. */
    static final int FORMAT = 2;

    private record Header(long folderTime, int count, int format) {
    }

    private final Path file;

    /** The index of the records in {@code folder}: {@code .<folder name>-briefs.jsonl} beside it. */
    BriefIndex(Path folder) {
        Path absolute = folder.toAbsolutePath();
        this.file = absolute.resolveSibling("." + absolute.getFileName() + "-briefs.jsonl");
    }

    /** The briefs written when the folder had this time of change, or empty when the file names another or is unreadable. */
    Optional<List<FileJobStore.Brief>> read(FileTime folderTime) {
        // One parser over the whole file (the header, then the briefs), not one a line: read at a run's start.
        // Streamed: the whole file in one array (megabytes for a large outbox) would go straight to the old generation.
        try (com.fasterxml.jackson.core.JsonParser in = JSON.getFactory().createParser(Files.newInputStream(file))) {
            Header header = in.nextToken() == null ? null : JSON.readValue(in, Header.class);
            if (header == null || header.format() != FORMAT
                    || header.folderTime() != folderTime.to(TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
            List<FileJobStore.Brief> briefs = new ArrayList<>(header.count());
            java.util.Map<String, String> names = new java.util.HashMap<>();
            for (com.fasterxml.jackson.core.JsonToken token; (token = in.nextToken()) != null; ) {
                if (token != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    throw new IOException("line " + in.currentLocation().getLineNr() + " is no brief");
                }
                briefs.add(FileJobStore.brief(in, names));
            }
            return briefs.size() == header.count() ? Optional.of(briefs) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.info("outcome=brief-index-ignored file=\"{}\" reason=\"{}\"", file, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Writes the briefs read from the folder while its time of change was {@code folderTime}, when that lies more than
     * {@link #RACY} back; a file that cannot be written is only said (the records stay what counts).
     */
    void write(FileTime folderTime, List<FileJobStore.Brief> briefs) {
        if (folderTime.toMillis() > System.currentTimeMillis() - RACY.toMillis()) {
            return;
        }
        try {
            JsonLinesFile.replace(file, Stream.concat(Stream.of(new Header(folderTime.to(TimeUnit.NANOSECONDS),
                    briefs.size(), FORMAT)), briefs.stream()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("outcome=brief-index-not-written file=\"{}\" reason=\"{}\"", file, e.toString());
        }
    }
}
