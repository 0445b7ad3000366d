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
         * more room: ECS's {@code RESOURCE:*}, {@code AGENT}, {@code MISSING} failures, throttling); {@code why}
         * says what the refusal tells of the cluster and of the task definition.
         */
        record Refused(String reason, boolean retriable, Why why) implements Result {
            public Refused {
                java.util.Objects.requireNonNull(why, "why");
            }

            /** A refusal that says nothing more than its reason ({@link Why#OTHER}). */
            public Refused(String reason, boolean retriable) {
                this(reason, retriable, Why.OTHER);
            }

            /** Whether the cluster may not be as a held view shows it: every refusal but a throttle's or a gone definition's. */
            public boolean clusterDiffers() {
                return why != Why.THROTTLED && why != Why.DEFINITION_GONE;
            }

            /** Whether the task definition can start no task (deregistered, or unknown): the registration changed. */
            public boolean definitionGone() {
                return why == Why.DEFINITION_GONE;
            }
        }

        /** What a refusal tells. */
        enum Why {
            /** About the chosen instance: ECS's {@code failures} ({@code RESOURCE:*}, {@code AGENT}, {@code MISSING}, ...). */
            INSTANCE,
            /** Too many calls: nothing about the cluster. */
            THROTTLED,
            /** The task definition is INACTIVE or unknown: the algorithm's registration changed. */
            DEFINITION_GONE,
            /** Anything else. */
            OTHER
        }

        /**
         * No answer that says (a server error, a timeout): a task may or may not exist. The job stays
         * STARTING; its next delivery looks for the task before starting another.
         */
        record Unknown(String reason) implements Result {
        }
    }
}
