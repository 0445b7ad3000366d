package io.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskStateChange;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ECS Task State Change events, as EventBridge delivers them into an SQS message body.
 */
public final class EcsTaskEvents {

    /** The EventBridge {@code detail-type} of the events this reads. */
    public static final String DETAIL_TYPE = "ECS Task State Change";

    private EcsTaskEvents() {
    }

    /**
     * The task state change in one EventBridge event.
     *
     * @throws MalformedEventException naming the field at fault
     */
    public static TaskStateChange parse(String body) {
        JsonNode root = JsonFields.readObject(body);
        String detailType = JsonFields.text(root, "detail-type", "");
        if (!DETAIL_TYPE.equals(detailType)) {
            throw new MalformedEventException("detail-type: expected '" + DETAIL_TYPE + "', was '" + detailType + "'");
        }
        String eventId = JsonFields.text(root, "id", "");
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new MalformedEventException("detail: missing or not an object");
        }
        Long version = JsonFields.wholeNumber(detail, "version", "detail");
        if (version == null) {
            throw new MalformedEventException("detail.version: missing");
        }
        List<ContainerState> containers = new ArrayList<>();
        JsonNode list = detail.path("containers");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new MalformedEventException("detail.containers: expected an array, was "
                    + list.getNodeType().name().toLowerCase());
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode container = list.get(i);
            String at = "detail.containers[" + i + "]";
            if (!container.isObject()) {
                throw new MalformedEventException(at + ": expected an object, was "
                        + container.getNodeType().name().toLowerCase());
            }
            Long exitCode = JsonFields.wholeNumber(container, "exitCode", at);
            if (exitCode != null && (exitCode < Integer.MIN_VALUE || exitCode > Integer.MAX_VALUE)) {
                throw new MalformedEventException(at + ".exitCode: " + exitCode + " is beyond any exit code");
            }
            containers.add(new ContainerState(JsonFields.text(container, "name", at),
                    container.path("lastStatus").asText(null),
                    exitCode == null ? null : exitCode.intValue(),
                    container.path("reason").asText(null),
                    container.path("imageDigest").asText(null)));
        }
        return new TaskStateChange(eventId,
                JsonFields.text(detail, "clusterArn", "detail"),
                JsonFields.text(detail, "taskArn", "detail"),
                detail.path("taskDefinitionArn").asText(null),
                detail.path("containerInstanceArn").asText(null),
                JsonFields.text(detail, "lastStatus", "detail"),
                detail.path("desiredStatus").asText(null),
                detail.path("startedBy").asText(null),
                detail.path("group").asText(null),
                version,
                detail.path("stopCode").asText(null),
                detail.path("stoppedReason").asText(null),
                containers,
                detail.path("startedAt").asText(null),
                detail.path("stoppedAt").asText(null));
    }

}
