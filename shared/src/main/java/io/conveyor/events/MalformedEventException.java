package io.conveyor.events;

/**
 * A message body that is not the event it claims to be; the message names the field at fault.
 */
public final class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
