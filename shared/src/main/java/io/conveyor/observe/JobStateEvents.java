package io.conveyor.observe;

/**
 * Where job state changes are published for others to hook (EventBridge on AWS, a file locally).
 * Best effort: a publish that fails is the caller's to log and count, never a reason to undo the change.
 */
@FunctionalInterface
public interface JobStateEvents {

    /** Publishes nowhere. */
    JobStateEvents NONE = event -> { };

    /**
     * Publishes one change.
     *
     * @throws RuntimeException when it could not be published
     */
    void publish(JobStateEvent event);
}
