package io.conveyor.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task to start for one job attempt, on one container instance.
 *
 * @param jobId              the job; it is the task's {@code startedBy}
 * @param attempt            the attempt number, from 1
 * @param taskDefinitionArn  the algorithm's revision
 * @param containerInstance  the container instance chosen by placement
 * @param environment        container name → variables to set in it
 * @param algorithmCommand   the algorithm's command with the job's values in it
 * @param tags               tags of the task
 */
public record TaskStart(String jobId, int attempt, String taskDefinitionArn, String containerInstance,
                        Map<String, Map<String, String>> environment, List<String> algorithmCommand,
                        Map<String, String> tags) {

    public TaskStart {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(taskDefinitionArn, "taskDefinitionArn");
        Objects.requireNonNull(containerInstance, "containerInstance");
        environment = Map.copyOf(environment);
        algorithmCommand = List.copyOf(algorithmCommand);
        tags = Map.copyOf(tags);
    }

    /** What became of a start. */
    public sealed interface Result {
        /** ECS accepted the task. */
        record Started(String taskArn) implements Result {
        }

        /**
         * ECS did not start it; {@code retriable} when the same start may succeed later (another instance,
         * more room: ECS's {@code RESOURCE:*}, {@code AGENT}, {@code MISSING} failures, throttling).
         */
        record Refused(String reason, boolean retriable) implements Result {
        }

        /**
         * No answer that says (a server error, a timeout): a task may or may not exist. The job stays
         * STARTING; its next delivery looks for the task before starting another.
         */
        record Unknown(String reason) implements Result {
        }
    }
}
