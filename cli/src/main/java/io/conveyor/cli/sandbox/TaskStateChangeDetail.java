package io.conveyor.cli.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The {@code detail} of an ECS Task State Change event, made from a task as DescribeTasks gives it:
 * the fields and their order as EventBridge delivers them from ECS (see {@code events/task-events/}),
 * times as ISO-8601 with milliseconds, numbers of CPU and memory as strings, absent values left out.
 */
final class TaskStateChangeDetail {

    /** The event's {@code source} and {@code detail-type}. */
    static final String SOURCE = "aws.ecs";
    static final String DETAIL_TYPE = "ECS Task State Change";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private TaskStateChangeDetail() {
    }

    /**
     * @param updatedAt when this change happened
     */
    static ObjectNode of(Task task, Instant updatedAt) {
        ObjectNode detail = Json.mapper().createObjectNode();
        detail.putArray("attachments");
        ArrayNode attributes = detail.putArray("attributes");
        for (Attribute attribute : task.attributes()) {
            attributes.addObject().put("name", attribute.name()).put("value", attribute.value());
        }
        text(detail, "availabilityZone", task.availabilityZone());
        text(detail, "clusterArn", task.clusterArn());
        text(detail, "containerInstanceArn", task.containerInstanceArn());
        ArrayNode containers = detail.putArray("containers");
        task.containers().forEach(container -> container(containers.addObject(), container));
        time(detail, "createdAt", task.createdAt());
        text(detail, "launchType", task.launchTypeAsString());
        text(detail, "cpu", task.cpu());
        text(detail, "memory", task.memory());
        text(detail, "desiredStatus", task.desiredStatus());
        detail.put("enableExecuteCommand", Boolean.TRUE.equals(task.enableExecuteCommand()));
        text(detail, "group", task.group());
        text(detail, "lastStatus", task.lastStatus());
        ArrayNode overrides = detail.putObject("overrides").putArray("containerOverrides");
        if (task.overrides() != null) {
            task.overrides().containerOverrides().forEach(override -> override(overrides.addObject(), override));
        }
        text(detail, "connectivity", task.connectivityAsString());
        time(detail, "connectivityAt", task.connectivityAt());
        time(detail, "pullStartedAt", task.pullStartedAt());
        time(detail, "startedAt", task.startedAt());
        text(detail, "startedBy", task.startedBy());
        time(detail, "pullStoppedAt", task.pullStoppedAt());
        time(detail, "updatedAt", updatedAt);
        text(detail, "taskArn", task.taskArn());
        text(detail, "taskDefinitionArn", task.taskDefinitionArn());
        detail.put("version", task.version());
        text(detail, "stopCode", task.stopCodeAsString());
        text(detail, "stoppedReason", task.stoppedReason());
        time(detail, "stoppingAt", task.stoppingAt());
        time(detail, "stoppedAt", task.stoppedAt());
        time(detail, "executionStoppedAt", task.executionStoppedAt());
        return detail;
    }

    /** ISO-8601 with milliseconds, as ECS writes its times. */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    private static void container(ObjectNode node, Container container) {
        text(node, "containerArn", container.containerArn());
        text(node, "lastStatus", container.lastStatus());
        text(node, "name", container.name());
        text(node, "image", container.image());
        text(node, "imageDigest", container.imageDigest());
        text(node, "runtimeId", container.runtimeId());
        text(node, "taskArn", container.taskArn());
        node.putArray("networkInterfaces");
        text(node, "cpu", container.cpu());
        text(node, "memory", container.memory());
        text(node, "memoryReservation", container.memoryReservation());
        if (container.exitCode() != null) {
            node.put("exitCode", container.exitCode());
        }
        text(node, "reason", container.reason());
    }

    private static void override(ObjectNode node, ContainerOverride override) {
        node.put("name", override.name());
        if (override.hasCommand()) {
            ArrayNode command = node.putArray("command");
            override.command().forEach(command::add);
        }
        if (override.hasEnvironment()) {
            ArrayNode environment = node.putArray("environment");
            for (KeyValuePair pair : override.environment()) {
                environment.addObject().put("name", pair.name()).put("value", pair.value());
            }
        }
    }

    private static void text(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void time(ObjectNode node, String name, Instant value) {
        if (value != null) {
            node.put(name, time(value));
        }
    }
}
