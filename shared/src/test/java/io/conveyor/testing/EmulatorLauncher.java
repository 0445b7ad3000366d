package io.conveyor.testing;

/**
 * Starts an emulator other than moto for the tests (found with {@link java.util.ServiceLoader}); the
 * {@code localstack} Maven profile provides one.
 */
public interface EmulatorLauncher extends AutoCloseable {

    /** The name {@code -Dconveyor.emulator=NAME} selects it by. */
    String name();

    /** Starts the emulator and returns it, once it answers. */
    Emulator start();

    /** Stops what {@link #start()} started. */
    @Override
    void close();
}
