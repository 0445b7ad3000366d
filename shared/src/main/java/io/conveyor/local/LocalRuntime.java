package io.conveyor.local;

/** How the local mode runs an algorithm. */
public enum LocalRuntime {
    /** As a process of the current user: the machine's own tools, no isolation. */
    PROCESS,
    /** In its container image, with the Docker engine of this machine. */
    DOCKER
}
