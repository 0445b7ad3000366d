package io.conveyor.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * One EC2 instance that Conveyor launched (it carries the stack's tag).
 *
 * @param instanceId   the EC2 instance id
 * @param instanceType its type, e.g. {@code m6i.large}
 * @param state        its EC2 state
 * @param launchTime   when EC2 last started it (a stopped instance that is started again gets a new
 *                     launch time), or {@code null} when unknown
 */
public record FleetInstance(String instanceId, String instanceType, State state, Instant launchTime) {

    /** EC2 instance states. */
    public enum State {
        PENDING, RUNNING, SHUTTING_DOWN, TERMINATED, STOPPING, STOPPED;

        /** The state from EC2's name for it ({@code shutting-down}, ...). */
        public static State of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public FleetInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(state, "state");
    }

    /** An instance whose launch time does not matter to the caller. */
    public FleetInstance(String instanceId, String instanceType, State state) {
        this(instanceId, instanceType, state, null);
    }

    /** Whether it counts against the instance cap: pending, running and stopping instances do. */
    public boolean live() {
        return state == State.PENDING || state == State.RUNNING || state == State.STOPPING;
    }
}
