package io.conveyor.cost;

import java.time.Instant;
import java.util.Objects;

/**
 * One stretch of time an EC2 instance of the fleet ran (was billed): from entering {@code running} to
 * leaving it (stopping, shutting down).
 *
 * @param instanceId     the EC2 instance
 * @param instanceType   its type, e.g. {@code m6i.large}
 * @param purchaseOption how it is bought, e.g. {@code on-demand}
 * @param start          when it entered {@code running}
 * @param end            when it left it, or {@code null} while it still runs
 */
public record InstanceSpan(String instanceId, String instanceType, String purchaseOption, Instant start, Instant end) {

    public InstanceSpan {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(purchaseOption, "purchaseOption");
        Objects.requireNonNull(start, "start");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException(instanceId + ": span ends (" + end + ") before it starts (" + start + ")");
        }
    }

    /** The same span, ended at {@code at}. */
    public InstanceSpan endedAt(Instant at) {
        return new InstanceSpan(instanceId, instanceType, purchaseOption, start, at);
    }
}
