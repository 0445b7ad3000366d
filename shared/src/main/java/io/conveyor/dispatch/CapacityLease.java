package io.conveyor.dispatch;

/**
 * One capacity decision at a time: two dispatch invocations that both see too little capacity must
 * not both launch for it. The holder decides, the others let their jobs wait a little.
 */
public interface CapacityLease {

    /**
     * Takes the lease for a short while unless someone else holds it.
     *
     * @param holder who takes it (for the record: an invocation's request id)
     * @return until when this caller holds it; empty when someone else does
     */
    java.util.Optional<java.time.Instant> tryAcquire(String holder);
}
