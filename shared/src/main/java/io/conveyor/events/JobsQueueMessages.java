package io.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.jobs.JobMessages;
import io.conveyor.storage.StorageEvent;
import java.util.List;
import java.util.Optional;

/**
 * Reads a message of the jobs queue: an S3 notification of new inputs, or a message naming a job that
 * has a record ({@link JobMessages}: a retry, a chain's next step).
 */
public final class JobsQueueMessages {

    /** What one message asks for: jobs of S3 objects, or jobs by id (one of the two is empty). */
    public record Content(List<StorageEvent> events, List<String> jobIds) {
        public Content {
            events = List.copyOf(events);
            jobIds = List.copyOf(jobIds);
        }
    }

    private JobsQueueMessages() {
    }

    /**
     * @throws MalformedEventException naming the field at fault, when the body is neither
     */
    public static Content parse(String body) {
        JsonNode root = JsonFields.readObject(body);
        Optional<String> job;
        try {
            job = JobMessages.jobId(root);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(e.getMessage());
        }
        return job.map(id -> new Content(List.of(), List.of(id)))
                .orElseGet(() -> new Content(S3EventNotifications.parse(root), List.of()));
    }
}
