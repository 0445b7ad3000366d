package io.conveyor.cli.sandbox;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;

/**
 * Runs one container of a task to its end, as the Docker engine under an ECS agent would.
 */
interface ContainerLauncher {

    /**
     * The task a container belongs to.
     *
     * @param taskArn the task
     * @param tags    the task's tags
     * @param folder  its {@code /conveyor} volume and log folder
     */
    record TaskContext(String taskArn, Map<String, String> tags, TaskFolder folder) {
        public TaskContext {
            Objects.requireNonNull(taskArn, "taskArn");
            tags = Map.copyOf(tags);
            Objects.requireNonNull(folder, "folder");
        }

        String taskId() {
            return TaskState.taskId(taskArn);
        }
    }

    /** How a container ended. */
    sealed interface Outcome {

        /** It ran and exited with this code (128 + the signal when killed). */
        record Exited(int exitCode) implements Outcome {
        }

        /** It could not be started; {@code reason} as ECS words it ({@code CannotStartContainerError: …}). */
        record NotStarted(String reason) implements Outcome {
            public NotStarted {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /**
     * Runs a container and waits for it.
     *
     * @param override its overrides in the task (possibly empty)
     * @param started  told the container's process as soon as it exists (work done in-process has none)
     */
    Outcome run(TaskContext task, ContainerDefinition definition, ContainerOverride override,
                Consumer<ProcessHandle> started) throws InterruptedException;
}
