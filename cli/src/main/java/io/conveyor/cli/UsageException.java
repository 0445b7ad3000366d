package io.conveyor.cli;

/**
 * The command line or a file it names is wrong: one line on stderr, exit 2.
 */
public final class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
