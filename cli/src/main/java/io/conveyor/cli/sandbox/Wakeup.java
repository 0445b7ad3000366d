package io.conveyor.cli.sandbox;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A poller's pause that a change cuts short: the simulators look at the emulator every so often, and
 * at once when the sandbox sees a call that changes what they watch (a task started, an instance
 * launched), so that they neither miss a change for long nor ask the emulator needlessly often.
 */
final class Wakeup {

    private final Semaphore signal = new Semaphore(0);

    /** Waits for {@code most}, or until {@link #wake()}. */
    void pause(Duration most) throws InterruptedException {
        if (signal.tryAcquire(most.toMillis(), TimeUnit.MILLISECONDS)) {
            signal.drainPermits();
        }
    }

    /** Ends the current (or the next) pause now. */
    void wake() {
        signal.release();
    }
}
