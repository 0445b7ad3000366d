package io.conveyor.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * One instance's idle alarm as it stands.
 *
 * @param name           the alarm's name ({@code <stack>-idle-<instance id>})
 * @param instanceId     the EC2 instance it watches
 * @param state          its state
 * @param stateUpdatedAt when its state last changed, or {@code null} when unknown
 */
public record IdleAlarm(String name, String instanceId, State state, Instant stateUpdatedAt) {

    /** CloudWatch alarm states. */
    public enum State {
        OK, ALARM, INSUFFICIENT_DATA
    }

    public IdleAlarm {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(state, "state");
    }
}
