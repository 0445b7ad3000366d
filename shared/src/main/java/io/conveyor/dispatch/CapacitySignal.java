package io.conveyor.dispatch;

/**
 * Tells the capacity function that jobs wait for capacity (on AWS, a message on the stack's capacity queue).
 * Sending is all dispatch does: instances are started and launched by the one function that may call EC2.
 */
@FunctionalInterface
public interface CapacitySignal {

    /**
     * Sends the need; it is acted on later, by someone else.
     *
     * @throws RuntimeException when it could not be sent (the jobs wait and their next delivery sends it again)
     */
    void send(CapacityNeed need);
}
