package io.conveyor.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a driver must do once a transition's record is written. {@link JobLifecycle} decides them;
 * drivers carry them out, each in its own way (an SQS message, a list in memory, an ECS call, a
 * signal to a process).
 */
public sealed interface Effect {

    /**
     * The jobs must be placed (again): a retry, a requeue, a chain's next steps. Dispatch returns the
     * message it handles; task-events sends {@code {"conveyorJob":…}}; the local mode queues them.
     */
    record Enqueue(List<String> jobIds) implements Effect {
        public Enqueue {
            jobIds = List.copyOf(jobIds);
        }
    }

    /**
     * Start the task of an attempt where the job was placed.
     *
     * @param placedOn the container instance, or {@code null} (the local machine)
     */
    record StartTask(String jobId, int attempt, String placedOn) implements Effect {
        public StartTask {
            Objects.requireNonNull(jobId, "jobId");
        }
    }

    /**
     * Stop the task (or process) of an attempt, if it still runs.
     *
     * @param taskArn the task to stop, when the event named it; {@code null}: whatever runs the attempt
     */
    record StopTask(String jobId, int attempt, String reason, String taskArn) implements Effect {

        /** What a scheduler keeps of a stop's reason (ECS: 255 characters). */
        public static final int MAX_STOP_REASON = 255;

        public StopTask {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(reason, "reason");
        }

        /** Stop whatever runs the attempt. */
        public StopTask(String jobId, int attempt, String reason) {
            this(jobId, attempt, reason, null);
        }

        /** The reason as the scheduler keeps it: {@code Conveyor: <reason>}, cut to {@link #MAX_STOP_REASON}. */
        public String stopReason() {
            String full = "Conveyor: " + reason;
            return full.length() > MAX_STOP_REASON ? full.substring(0, MAX_STOP_REASON) : full;
        }
    }

    /** A start may still be under way: look at the job again after {@code until}, not before. */
    record LookAgain(Instant until) implements Effect {
        public LookAgain {
            Objects.requireNonNull(until, "until");
        }
    }
}
