package io.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.batch.BatchMessages;
import io.conveyor.jobs.JobMessages;
import io.conveyor.storage.StorageEvent;
import java.util.List;
import java.util.Optional;

/**
 * Reads a message of the jobs queue: an S3 notification of new inputs, a message naming a job that
 * has a record ({@link JobMessages}: a retry, a chain's next step), or one naming a batch to look at again
 * ({@link BatchMessages}).
 */
public final class JobsQueueMessages {

    /** What one message asks for: jobs of S3 objects, jobs by id, or a batch looked at again (one is not empty). */
    public record Content(List<StorageEvent> events, List<String> jobIds, List<BatchMessages.Ref> batches) {
        public Content {
            events = List.copyOf(events);
            jobIds = List.copyOf(jobIds);
            batches = List.copyOf(batches);
        }

        public Content(List<StorageEvent> events, List<String> jobIds) {
            this(events, jobIds, List.of());
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
        Optional<BatchMessages.Ref> batch;
        try {
            job = JobMessages.jobId(root);
            batch = BatchMessages.batch(root);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(e.getMessage());
        }
        if (batch.isPresent()) {
            return new Content(List.of(), List.of(), List.of(batch.get()));
        }
        return job.map(id -> new Content(List.of(), List.of(id)))
                .orElseGet(() -> new Content(S3EventNotifications.parse(root), List.of()));
    }
}
