package io.conveyor.dispatch;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket in front of ECS's task starts: {@code burst} starts at once, then {@code perSecond} a
 * second, as ECS's own bucket for StartTask and RunTask counts them per account and region. Each
 * dispatcher holds its share of the account's budget ({@link #share}), so that all the dispatchers the
 * jobs queue runs at once together stay within it and no start is throttled.
 *
 * <p>Shared by the threads of a batch; {@link #acquire()} waits for a token.
 */
public final class StartRate {

    /** A sleep of some nanoseconds (the tests' clock moves instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long updated;

    /** A bucket on the system's clock. */
    public StartRate(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
    }

    public StartRate(double perSecond, double burst, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be a positive number, was " + perSecond);
        }
        if (!(burst >= 1) || Double.isInfinite(burst)) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.updated = nanoTime.getAsLong();
    }

    /**
     * One dispatcher's share of an account's start budget when {@code dispatchers} run at once: both
     * the rate and the burst divided among them (a burst of at least one start).
     */
    public static StartRate share(double accountPerSecond, double accountBurst, int dispatchers) {
        if (dispatchers < 1) {
            throw new IllegalArgumentException("dispatchers must be at least 1, was " + dispatchers);
        }
        return new StartRate(accountPerSecond / dispatchers, Math.max(1, accountBurst / dispatchers));
    }

    /** Takes one token, waiting until there is one. */
    public void acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            refill();
            tokens -= 1;  // taken now, even if it is only there after the wait: later callers queue behind
            wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
        }
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    /** The tokens there are now (negative when callers wait for them). */
    public synchronized double available() {
        refill();
        return tokens;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - updated) * perNano);
        updated = now;
    }
}
