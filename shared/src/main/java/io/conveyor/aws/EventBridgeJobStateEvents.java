package io.conveyor.aws;

import io.conveyor.observe.JobStateEvent;
import io.conveyor.observe.JobStateEvents;
import java.util.Objects;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Job events on an EventBridge bus: {@code PutEvents} with source {@value JobStateEvent#SOURCE} and
 * detail-type {@value JobStateEvent#DETAIL_TYPE}. PutEvents answers 200 even when it refused an entry
 * ({@code FailedEntryCount}), so a refused entry is turned into an exception like a failed call.
 */
public final class EventBridgeJobStateEvents implements JobStateEvents {

    private final EventBridgeClient events;
    private final String bus;

    /** @param bus the bus's name or ARN ({@code default}: the account's default bus) */
    public EventBridgeJobStateEvents(EventBridgeClient events, String bus) {
        this.events = Objects.requireNonNull(events, "events");
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    @Override
    public void publish(JobStateEvent event) {
        PutEventsResponse response = events.putEvents(request -> request.entries(PutEventsRequestEntry.builder()
                .eventBusName(bus).source(JobStateEvent.SOURCE).detailType(JobStateEvent.DETAIL_TYPE)
                .detail(event.json()).build()));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            PutEventsResultEntry refused = response.entries().isEmpty() ? null : response.entries().get(0);
            throw new IllegalStateException("EventBridge refused the event of job " + event.jobId() + " on bus " + bus
                    + (refused == null ? "" : ": " + refused.errorCode() + " " + refused.errorMessage()));
        }
    }
}
