package io.conveyor.cli.sandbox;

import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Where the agent's tasks report: their state changes as events through EventBridge, and their end to
 * the emulator (StopTask with the task's reason, so that moto shows it STOPPED and frees its
 * instance's resources), unless someone stopped it there already.
 */
final class EmulatorReports implements TaskExecution.Reports {

    private final EcsClient ecs;
    private final EventPublisher events;
    private final String cluster;

    EmulatorReports(EcsClient ecs, EventPublisher events, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.events = Objects.requireNonNull(events, "events");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public void publish(Task task, Instant at) {
        events.taskStateChange(task, at);
    }

    @Override
    public void stopInEmulator(String taskArn, String reason) {
        // StopTask twice would free the instance's resources twice in moto.
        boolean running = ecs.describeTasks(request -> request.cluster(cluster).tasks(taskArn)).tasks().stream()
                .anyMatch(task -> "RUNNING".equals(task.desiredStatus()));
        if (running) {
            ecs.stopTask(request -> request.cluster(cluster).task(taskArn).reason(reason));
        }
    }
}
