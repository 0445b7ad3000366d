package io.conveyor.observe;

import java.util.Objects;

/**
 * One value of one metric, as an EMF line carries it.
 *
 * @param name  the metric's name, e.g. {@code JobsStarted}
 * @param unit  its CloudWatch unit
 * @param value the value
 */
public record Metric(String name, Unit unit, double value) {

    /** The CloudWatch units Conveyor's metrics use. */
    public enum Unit {
        COUNT("Count"), SECONDS("Seconds"), BYTES("Bytes"), NONE("None");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        /** The unit as CloudWatch spells it. */
        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + name + ": value must be finite, was " + value);
        }
    }

    /** A count of one. */
    public static Metric one(String name) {
        return new Metric(name, Unit.COUNT, 1);
    }

    /** A count. */
    public static Metric count(String name, long value) {
        return new Metric(name, Unit.COUNT, value);
    }

    /** A duration in seconds. */
    public static Metric seconds(String name, double value) {
        return new Metric(name, Unit.SECONDS, value);
    }
}
