package io.conveyor.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * A task of the cluster that ECS wants running.
 *
 * @param taskArn        the task
 * @param startedBy      its {@code startedBy}, or {@code null}
 * @param startedAt      when it started running, or {@code null} while it has not
 * @param timeoutSeconds its {@code conveyor:timeout-seconds} tag, or {@code null} when it has none
 *                       (or one that is not a positive number)
 */
public record RunningTask(String taskArn, String startedBy, Instant startedAt, Integer timeoutSeconds) {

    public RunningTask {
        Objects.requireNonNull(taskArn, "taskArn");
    }
}
