package io.conveyor.cli;

/**
 * The command line or a file it names is wrong: one line on stderr, exit 2.
 */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }

    UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
