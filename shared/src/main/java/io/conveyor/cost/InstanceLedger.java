package io.conveyor.cost;

import java.time.Instant;
import java.util.List;

/** The fleet's instances and when each ran: what the fleet cost, idle time included. */
public interface InstanceLedger {

    /** The spans that ended at or after {@code since}, or still run. */
    List<InstanceSpan> spans(Instant since);

    /** What fleet-monitor writes as EC2 tells it of instances entering and leaving {@code running}. */
    interface Recorder {

        /** An instance of the fleet entered {@code running} at {@code at}: a span opens (once). */
        void running(String instanceId, String instanceType, String purchaseOption, Instant at);

        /** An instance left {@code running} at {@code at} (stopping, shutting down): its open span ends. */
        void left(String instanceId, Instant at);
    }
}
