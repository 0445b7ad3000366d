package io.conveyor.registration;

/**
 * The container scheduler refused a task definition as invalid (not a passing failure): retrying
 * cannot help, the author has to change the descriptor.
 */
public final class TaskDefinitionRejectedException extends RuntimeException {

    public TaskDefinitionRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
