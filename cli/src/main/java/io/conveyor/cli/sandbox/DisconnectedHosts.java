package io.conveyor.cli.sandbox;

import java.util.Optional;

/**
 * Which container instances' agents are disconnected (their EC2 instance is stopped or stopping): what
 * the instance simulator knows and the ECS agent asks before it runs a task.
 */
@FunctionalInterface
public interface DisconnectedHosts {

    /** The EC2 instance of a container instance whose agent is disconnected; empty when connected or unknown. */
    Optional<String> disconnectedInstance(String containerInstanceArn);
}
