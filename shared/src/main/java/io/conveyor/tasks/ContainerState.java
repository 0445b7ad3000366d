package io.conveyor.tasks;

import java.util.Objects;

/**
 * One container of a task as an ECS Task State Change reports it.
 *
 * @param name       the container name from the task definition
 * @param lastStatus e.g. {@code RUNNING}, {@code STOPPED}
 * @param exitCode   the exit code, or {@code null} while it has none
 * @param reason      why it stopped, or {@code null}
 * @param imageDigest the digest of the image that ran ({@code sha256:…}), once ECS has pulled it, or {@code null}
 */
public record ContainerState(String name, String lastStatus, Integer exitCode, String reason, String imageDigest) {

    public ContainerState {
        Objects.requireNonNull(name, "name");
    }

    /** A container whose image digest is not known. */
    public ContainerState(String name, String lastStatus, Integer exitCode, String reason) {
        this(name, lastStatus, exitCode, reason, null);
    }
}
