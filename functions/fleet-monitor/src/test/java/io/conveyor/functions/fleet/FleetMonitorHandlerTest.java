package io.conveyor.functions.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.FleetMonitor;
import io.conveyor.fleet.FleetReport;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;

class FleetMonitorHandlerTest {

    private final AtomicInteger sweeps = new AtomicInteger();
    private final FleetMonitorHandler handler = new FleetMonitorHandler(new FleetMonitor(() -> {
        sweeps.incrementAndGet();
        return List.of(new ContainerInstanceLoad("arn:ci/1", "i-0abcd1111example", "ACTIVE", true, 0, 0),
                new ContainerInstanceLoad("arn:ci/2", "i-0abcd2222example", "ACTIVE", true, 2, 0));
    }));

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/scheduled.json", type = ScheduledEvent.class)
    void handleRequest_heartbeat_reportsTheFleet(ScheduledEvent event) {
        FleetReport report = handler.handleRequest(event, null);

        assertThat(sweeps).hasValue(1);
        assertThat(report.instances()).hasSize(2);
        assertThat(report.idle()).isEqualTo(1);
        assertThat(report.tasks()).isEqualTo(2);
    }

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/instance-stopped.json", type = ScheduledEvent.class)
    void handleRequest_instanceStateChange_looksAtTheFleetAgain(ScheduledEvent event) {
        FleetReport report = handler.handleRequest(event, null);

        assertThat(sweeps).hasValue(1);
        assertThat(report.instances()).extracting(ContainerInstanceLoad::ec2InstanceId).contains("i-0abcd1111example");
    }

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/scheduled.json", type = ScheduledEvent.class)
    void handleRequest_otherDetailType_namesIt(ScheduledEvent event) {
        event.setDetailType("AWS API Call via CloudTrail");

        assertThatThrownBy(() -> handler.handleRequest(event, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("detail-type: 'AWS API Call via CloudTrail' is not an event fleet-monitor takes");
        assertThat(sweeps).hasValue(0);
    }

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/instance-stopped.json", type = ScheduledEvent.class)
    void handleRequest_instanceChangeWithoutInstanceId_namesTheField(ScheduledEvent event) {
        event.getDetail().remove("instance-id");

        assertThatThrownBy(() -> handler.handleRequest(event, null)).hasMessage("detail.instance-id: missing");
    }
}
