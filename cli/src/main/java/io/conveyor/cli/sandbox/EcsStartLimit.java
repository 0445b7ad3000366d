package io.conveyor.cli.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * ECS's rate limit on task starts, which moto lacks: one token bucket per account and region for
 * StartTask and RunTask together, {@code burst} starts at once, then {@code perSecond} a second. A start
 * with no token is refused (the caller answers it as ECS answers a throttled call); it takes no token.
 * Shared by every function's ECS calls. Counts in wall time, as ECS does and as dispatch's own pacing
 * ({@code StartRate}) does: the sandbox's time scale does not change it.
 */
public final class EcsStartLimit {

    /** ECS's burst for task starts is 2.5 times its sustained rate (100 and 40). */
    static final double BURST_PER_RATE = 2.5;
    /** The operations that take from the bucket. */
    static final java.util.Set<String> STARTS = java.util.Set.of("StartTask", "RunTask");
    private static final long SECOND = 1_000_000_000L;
    /** A token's share lost to floating point: a start at exactly the rate is let through. */
    private static final double ROUNDING = 1e-9;

    /**
     * A rate and a burst, or {@link #OFF}.
     *
     * @param perSecond starts a second, sustained
     * @param burst     starts at once (the bucket's size)
     */
    public record Rate(double perSecond, double burst) {
        /** No limit: moto's own behaviour. */
        public static final Rate OFF = new Rate(0, 0);

        public Rate {
            boolean off = perSecond == 0 && burst == 0;
            if (!off && (!(perSecond > 0) || Double.isInfinite(perSecond) || !(burst >= 1) || Double.isInfinite(burst))) {
                throw new IllegalArgumentException("--fault ecs-rate=" + perSecond + "/" + burst
                        + ": starts a second above 0 and a burst of at least 1");
            }
        }

        public boolean on() {
            return perSecond > 0;
        }

        /** {@code RATE/BURST} (e.g. {@code 40/100}, ECS's own) or {@code RATE} (a burst of 2.5 × RATE). */
        public static Rate parse(String text) {
            int slash = text.indexOf('/');
            try {
                double rate = Double.parseDouble(slash < 0 ? text : text.substring(0, slash));
                double burst = slash < 0 ? rate * BURST_PER_RATE : Double.parseDouble(text.substring(slash + 1));
                return new Rate(rate, burst);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fault ecs-rate=" + text + ": expected RATE/BURST, e.g. 40/100", e);
            }
        }

        @Override
        public String toString() {
            return on() ? String.format(Locale.ROOT, "%s/%s", number(perSecond), number(burst)) : "off";
        }

        private static String number(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /**
     * What the limit saw.
     *
     * @param calls           task starts asked for (StartTask and RunTask calls that reached the limit)
     * @param throttled       of them, refused for the rate
     * @param mostInOneSecond the most starts let through within any one second
     */
    public record Seen(long calls, long throttled, int mostInOneSecond) {
    }

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Deque<Long> lastSecond = new ArrayDeque<>();
    private double tokens;
    private long updated;
    private long calls;
    private long throttled;
    private int mostInOneSecond;

    EcsStartLimit(Rate rate) {
        this(rate, System::nanoTime);
    }

    EcsStartLimit(Rate rate, LongSupplier nanoTime) {
        if (!rate.on()) {
            throw new IllegalArgumentException("an ECS start limit needs a rate, was " + rate);
        }
        this.perNano = rate.perSecond() / SECOND;
        this.burst = rate.burst();
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.updated = nanoTime.getAsLong();
    }

    /** One task start asked for: {@code true} when it may go on, {@code false} when ECS would throttle it. */
    synchronized boolean take() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - updated) * perNano);
        updated = now;
        calls++;
        if (tokens < 1 - ROUNDING) {
            throttled++;
            return false;
        }
        tokens = Math.max(0, tokens - 1);
        while (!lastSecond.isEmpty() && now - lastSecond.peekFirst() >= SECOND) {
            lastSecond.removeFirst();
        }
        lastSecond.addLast(now);
        mostInOneSecond = Math.max(mostInOneSecond, lastSecond.size());
        return true;
    }

    synchronized Seen seen() {
        return new Seen(calls, throttled, mostInOneSecond);
    }
}
