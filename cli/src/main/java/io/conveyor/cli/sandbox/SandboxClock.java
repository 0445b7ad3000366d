package io.conveyor.cli.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The sandbox's time. At scale 1 it is the wall clock. At a smaller scale, time runs faster from
 * the sandbox's start: with scale 0.05 a sandbox minute lasts 3 s. Everything that counts minutes in
 * the sandbox (fleet-monitor's heartbeat and grace periods, the idle alarms' periods, the agent's
 * task times, dispatch's waits in the queue) counts them in this time, so tests of minute-long
 * behaviour take seconds. The emulator's own clock (instances' launch times, messages' ages) stays
 * the wall clock: it is not the sandbox's to change; only the times handlers compare with their own
 * clock are told in sandbox time ({@link TimeScaleInterceptor}): objects' {@code LastModified} in bucket
 * listings and instances' {@code LaunchTime}.
 */
public final class SandboxClock extends Clock {

    private final Clock wall;
    private final Instant start;
    private final double scale;

    private SandboxClock(Clock wall, Instant start, double scale) {
        this.wall = wall;
        this.start = start;
        this.scale = scale;
    }

    /**
     * @param scale how long a sandbox second lasts, in wall seconds: 1 is real time, 0.05 runs 20 times faster
     */
    public static SandboxClock scaled(double scale) {
        return scaled(Clock.systemUTC(), scale);
    }

    static SandboxClock scaled(Clock wall, double scale) {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("--time-scale must be above 0 and at most 1, was " + scale);
        }
        return new SandboxClock(wall, wall.instant(), scale);
    }

    /** How long a sandbox second lasts, in wall seconds. */
    public double scale() {
        return scale;
    }

    /** The wall-clock time a sandbox duration takes. */
    public Duration wall(Duration sandbox) {
        return Duration.ofNanos(Math.max(1, Math.round(sandbox.toNanos() * scale)));
    }

    @Override
    public Instant instant() {
        return at(wall.instant());
    }

    /** The sandbox's time at a wall-clock instant (e.g. an object's {@code LastModified} from the emulator). */
    public Instant at(Instant wallInstant) {
        Duration elapsed = Duration.between(start, wallInstant);
        return start.plusNanos(Math.round(elapsed.toNanos() / scale));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
