package io.conveyor.tasks;

import java.util.List;
import java.util.Objects;

/**
 * The part of an ECS Task State Change event that decides a job's record.
 *
 * @param eventId              the EventBridge event id (the same on redelivery)
 * @param clusterArn           the cluster the task runs in
 * @param taskArn              the task
 * @param taskDefinitionArn    the task definition revision it runs
 * @param containerInstanceArn the container instance it was placed on, or {@code null}
 * @param lastStatus           e.g. {@code PROVISIONING}, {@code RUNNING}, {@code STOPPED}
 * @param desiredStatus        {@code RUNNING} or {@code STOPPED}
 * @param startedBy            who started it (Conveyor puts the job id here), or {@code null}
 * @param group                the task group, or {@code null}
 * @param version              ECS's counter for this task's changes: a higher one is newer
 * @param stopCode             e.g. {@code EssentialContainerExited}, or {@code null}
 * @param stoppedReason        ECS's words for why it stopped, or {@code null}
 * @param containers           each container's state
 * @param startedAt            when the task started running (ISO-8601), or {@code null}
 * @param stoppedAt            when it stopped, or {@code null}
 */
public record TaskStateChange(String eventId, String clusterArn, String taskArn, String taskDefinitionArn,
                              String containerInstanceArn, String lastStatus, String desiredStatus,
                              String startedBy, String group, long version, String stopCode,
                              String stoppedReason, List<ContainerState> containers, String startedAt,
                              String stoppedAt) {

    public TaskStateChange {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(clusterArn, "clusterArn");
        Objects.requireNonNull(taskArn, "taskArn");
        Objects.requireNonNull(lastStatus, "lastStatus");
        containers = List.copyOf(containers);
    }

    /** The state of one container, when the event lists it. */
    public java.util.Optional<ContainerState> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
