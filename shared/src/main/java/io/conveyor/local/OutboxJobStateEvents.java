package io.conveyor.local;

import io.conveyor.observe.JobStateEvent;
import io.conveyor.observe.JobStateEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The local mode's job events: each one line of JSON (the same detail EventBridge carries) appended to
 * {@value #FILE} in the outbox, for local users to follow ({@code tail -f}) or hook.
 */
public final class OutboxJobStateEvents implements JobStateEvents {

    /** The file's name, in the outbox. */
    public static final String FILE = "events.jsonl";

    private final Path file;

    public OutboxJobStateEvents(Path outbox) {
        this.file = Objects.requireNonNull(outbox, "outbox").resolve(FILE);
    }

    @Override
    public synchronized void publish(JobStateEvent event) {
        try {
            Files.writeString(file, event.json() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the event of job " + event.jobId() + " to " + file, e);
        }
    }
}
