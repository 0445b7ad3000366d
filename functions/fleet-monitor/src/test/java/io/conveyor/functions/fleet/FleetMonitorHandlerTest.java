package io.conveyor.functions.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.config.Environment;
import io.conveyor.config.MissingConfigurationException;
import io.conveyor.fleet.ClusterTasks;
import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerInstanceStates;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.FleetMonitor;
import io.conveyor.fleet.FleetReport;
import io.conveyor.fleet.IdleAlarm;
import io.conveyor.fleet.IdleAlarms;
import io.conveyor.fleet.IdlePolicy;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.fleet.RunningTask;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class FleetMonitorHandlerTest {

    private final AtomicInteger sweeps = new AtomicInteger();
    private final List<String> drained = new ArrayList<>();
    private final FleetMonitorHandler handler = new FleetMonitorHandler(monitor());

    private FleetMonitor monitor() {
        ContainerScheduler scheduler = () -> {
            sweeps.incrementAndGet();
            return List.of(new ContainerInstanceLoad("arn:ci/1", "i-0abcd1111example", "ACTIVE", true, 0, 0),
                    new ContainerInstanceLoad("arn:ci/2", "i-0abcd2222example", "ACTIVE", true, 2, 0));
        };
        InstanceFleet fleet = new InstanceFleet() {
            @Override
            public List<FleetInstance> instances() {
                // The stack's instances, as listed by their tag: state changes of others change nothing
                java.time.Instant launched = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
                return List.of(new FleetInstance("i-0abcd1111example", "m6i.large", FleetInstance.State.RUNNING, launched),
                        new FleetInstance("i-0abcd2222example", "m6i.large", FleetInstance.State.RUNNING, launched));
            }

            @Override
            public void start(List<String> instanceIds) {
            }

            @Override
            public List<String> launch(String instanceType, int count, String token) {
                return List.of();
            }
        };
        ContainerInstanceStates states = new ContainerInstanceStates() {
            @Override
            public void drain(List<String> arns) {
                drained.addAll(arns);
            }

            @Override
            public void activate(List<String> arns) {
            }
        };
        ClusterTasks tasks = new ClusterTasks() {
            @Override
            public List<RunningTask> running() {
                return List.of();
            }

            @Override
            public void stop(String taskArn, String reason) {
            }
        };
        IdleAlarms alarms = new IdleAlarms() {
            @Override
            public List<IdleAlarm> list() {
                return List.of();
            }

            @Override
            public void create(String instanceId) {
            }

            @Override
            public void delete(List<String> names) {
            }

            @Override
            public void reset(String name, String reason) {
            }
        };
        return new FleetMonitor(new FleetMonitor.Ports(scheduler, fleet, ids -> { }, states, tasks, (counts, at) -> { },
                alarms), new IdlePolicy("conveyor", 10, "Conveyor", "Tasks"), Clock.systemUTC());
    }

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
    @Event(value = "events/fleet-monitor/instance-stopped.json", type = ScheduledEvent.class)
    void handleRequest_instanceStopping_drainsItAndSaysSo(ScheduledEvent event) {
        event.getDetail().put("state", "stopping");

        FleetReport report = handler.handleRequest(event, null);

        assertThat(drained).containsExactly("arn:ci/1");
        assertThat(report.counts()).containsEntry("instancesDrained", 1);
    }

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/instance-stopped.json", type = ScheduledEvent.class)
    void handleRequest_instanceStopped_ledgerToldAtTheHandlersTime(ScheduledEvent event) {
        // Given a handler whose instance ledger records what it is told
        List<String> told = new ArrayList<>();
        java.time.Instant now = java.time.Instant.parse("2026-11-29T05:00:00Z");
        FleetMonitorHandler withLedger = new FleetMonitorHandler(monitor(),
                (change, at) -> told.add(change.instanceId() + " " + change.state() + " " + at),
                Clock.fixed(now, java.time.ZoneOffset.UTC));

        // When the instance's stop arrives
        withLedger.handleRequest(event, null);

        // Then the fleet was looked at and the ledger told
        assertThat(sweeps).hasValue(1);
        assertThat(told).containsExactly("i-0abcd1111example stopped " + now);
    }

    @ParameterizedTest
    @Event(value = "events/fleet-monitor/instance-stopped.json", type = ScheduledEvent.class)
    void handleRequest_ledgerFails_fleetStillCaredFor(ScheduledEvent event) {
        // Given a ledger that cannot be written
        event.getDetail().put("state", "stopping");
        FleetMonitorHandler withLedger = new FleetMonitorHandler(monitor(), (change, at) -> {
            throw new IllegalStateException("S3 says no");
        }, Clock.systemUTC());

        // When a stopping instance's change arrives
        FleetReport report = withLedger.handleRequest(event, null);

        // Then the instance is drained all the same
        assertThat(drained).containsExactly("arn:ci/1");
        assertThat(report.counts()).containsEntry("instancesDrained", 1);
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

    static Map<String, String> variables() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put(FleetMonitorHandler.CLUSTER_NAME, "conveyor");
        env.put(FleetMonitorHandler.STACK_NAME, "conveyor");
        env.put(FleetMonitorHandler.IDLE_MINUTES, "10");
        env.put(FleetMonitorHandler.METRIC_NAMESPACE, "Conveyor");
        env.put(FleetMonitorHandler.OUTPUT_BUCKET, "conveyor-out");
        return env;
    }

    @Test
    void new_eachRequiredVariableMissing_failsNamingIt() {
        for (String name : List.of(FleetMonitorHandler.CLUSTER_NAME, FleetMonitorHandler.STACK_NAME,
                FleetMonitorHandler.IDLE_MINUTES, FleetMonitorHandler.METRIC_NAMESPACE, FleetMonitorHandler.OUTPUT_BUCKET)) {
            Map<String, String> env = variables();
            env.remove(name);

            assertThatThrownBy(() -> new FleetMonitorHandler(Environment.of(env)))
                    .isInstanceOf(MissingConfigurationException.class).hasMessageContaining(name);
        }
    }

    @Test
    void new_idleMinutesNotANumberOrZero_failsNamingIt() {
        for (String value : List.of("ten", "0", "1441")) {
            Map<String, String> env = variables();
            env.put(FleetMonitorHandler.IDLE_MINUTES, value);

            assertThatThrownBy(() -> new FleetMonitorHandler(Environment.of(env)))
                    .hasMessage("IDLE_MINUTES must be a whole number from 1 to 1440, was '" + value + "'");
        }
    }
}
