package io.conveyor.functions.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.dispatch.CapacityPlanner;
import io.conveyor.dispatch.CapacityProvisioner;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.observe.MetricLog;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;

class CapacityHandlerTest {

    /** The sample's need was sent at 09:30:13; the handler runs a few seconds later. */
    static final Instant NOW = Instant.parse("2026-11-21T09:30:20Z");

    final List<String> ec2Calls = new ArrayList<>();
    final InstanceFleet fleet = new InstanceFleet() {
        @Override
        public List<FleetInstance> instances() {
            ec2Calls.add("describe");
            return List.of();
        }

        @Override
        public void start(List<String> instanceIds) {
            ec2Calls.add("start " + instanceIds);
        }

        @Override
        public List<String> launch(String instanceType, int count, String idempotencyToken) {
            ec2Calls.add("launch " + instanceType + " x" + count);
            return List.of("i-new");
        }

        @Override
        public List<String> launchFor(String algorithm, String instanceType, int count, String idempotencyToken) {
            ec2Calls.add("launch " + instanceType + " x" + count + " for " + algorithm);
            return List.of("i-new");
        }
    };

    CapacityHandler handler(Instant now) {
        return new CapacityHandler(new CapacityProvisioner(fleet, holder -> Optional.of(now.plusSeconds(45)),
                new CapacityPlanner(4, "m6i.large"), Clock.fixed(now, ZoneOffset.UTC), "conveyor", MetricLog.NONE),
                List::of);
    }

    @ParameterizedTest
    @Event(value = "events/capacity/need-sent.json", type = SQSEvent.class)
    void handleRequest_freshNeedOnAnEmptyFleet_launchesOneTaggedInstance(SQSEvent event) {
        // When the sample need arrives seconds after dispatch sent it
        SQSBatchResponse response = handler(NOW).handleRequest(event, null);

        // Then one instance of the default type is launched for the one algorithm, and the message is done
        assertThat(ec2Calls).containsExactly("describe", "launch m6i.large x1 for csv-stats");
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/capacity/need-sent.json", type = SQSEvent.class)
    void handleRequest_staleNeed_callsNoEc2AndEndsTheMessage(SQSEvent event) {
        SQSBatchResponse response = handler(NOW.plusSeconds(400)).handleRequest(event, null);

        assertThat(ec2Calls).isEmpty();
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/capacity/need-sent.json", type = SQSEvent.class)
    void handleRequest_malformedNeed_failsOnlyThatMessage(SQSEvent event) {
        // Given the sample and a second message whose instance type is not one
        SQSEvent.SQSMessage bad = new SQSEvent.SQSMessage();
        bad.setMessageId("bad-1");
        bad.setBody(event.getRecords().get(0).getBody().replace("\"instanceTypes\":[]", "\"instanceTypes\":[\"$(reboot)\"]"));
        List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
        records.add(bad);
        event.setRecords(records);

        SQSBatchResponse response = handler(NOW).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("bad-1");
        assertThat(ec2Calls).containsExactly("describe", "launch m6i.large x1 for csv-stats");
    }

    @ParameterizedTest
    @Event(value = "events/capacity/need-sent.json", type = SQSEvent.class)
    void handleRequest_clusterUnreadable_returnsTheNeeds(SQSEvent event) {
        CapacityHandler handler = new CapacityHandler(new CapacityProvisioner(fleet, holder -> Optional.of(NOW.plusSeconds(45)),
                new CapacityPlanner(4, "m6i.large"), Clock.fixed(NOW, ZoneOffset.UTC), "conveyor", MetricLog.NONE),
                () -> {
                    throw new IllegalStateException("ECS said ThrottlingException");
                });

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
        assertThat(ec2Calls).isEmpty();
    }
}
