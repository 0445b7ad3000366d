package io.conveyor.cli.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts the events AWS services would send onto the emulator's default event bus, so that the stack's
 * own rules route them: ECS Task State Changes and EC2 Instance State-change Notifications, with
 * AWS's sources and detail types. (AWS refuses {@code aws.*} sources from anyone but its services;
 * the emulator takes them, which is what lets the sandbox stand in for ECS and EC2.)
 *
 * <p>An event that cannot be put is logged and dropped, as a lost event would be: the pipeline's
 * reconciler is there for those.
 */
final class EventPublisher {

    static final String EC2_SOURCE = "aws.ec2";
    static final String EC2_DETAIL_TYPE = "EC2 Instance State-change Notification";

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    private final EventBridgeClient events;
    private final String region;
    private final String accountId;

    EventPublisher(EventBridgeClient events, String region, String accountId) {
        this.events = Objects.requireNonNull(events, "events");
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
    }

    /** An ECS Task State Change of {@code task}, as of {@code at}. */
    void taskStateChange(software.amazon.awssdk.services.ecs.model.Task task, Instant at) {
        put(TaskStateChangeDetail.SOURCE, TaskStateChangeDetail.DETAIL_TYPE, List.of(task.taskArn()),
                TaskStateChangeDetail.of(task, at), at,
                "task=" + task.taskArn() + " lastStatus=" + task.lastStatus() + " version=" + task.version());
    }

    /** An EC2 Instance State-change Notification: {@code {"instance-id": …, "state": …}}. */
    void instanceStateChange(String instanceId, String state, Instant at) {
        ObjectNode detail = Json.mapper().createObjectNode().put("instance-id", instanceId).put("state", state);
        put(EC2_SOURCE, EC2_DETAIL_TYPE, List.of("arn:aws:ec2:" + region + ":" + accountId + ":instance/" + instanceId),
                detail, at, "instance=" + instanceId + " state=" + state);
    }

    private void put(String source, String detailType, List<String> resources, ObjectNode detail, Instant at,
                     String what) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder().source(source).detailType(detailType)
                .resources(resources).detail(detail.toString()).time(at).build();
        try {
            PutEventsResponse response = events.putEvents(request -> request.entries(entry));
            PutEventsResultEntry result = response.entries().isEmpty() ? null : response.entries().get(0);
            if (result != null && result.errorCode() != null) {
                LOG.warn("outcome=event-refused source={} {} error={} message=\"{}\"", source, what, result.errorCode(),
                        result.errorMessage());
                return;
            }
            LOG.debug("outcome=event-put source={} {}", source, what);
        } catch (SdkException e) {
            LOG.warn("outcome=event-lost source={} {} error=\"{}\"", source, what, e.getMessage());
        }
    }
}
