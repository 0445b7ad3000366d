package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.fleet.InstanceStateChange;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectStoreInstanceLedgerTest {

    private static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectStoreInstanceLedger ledger = new ObjectStoreInstanceLedger(store, "out");

    @Test
    void runningThenLeft_oneClosedSpanInTheInstancesObject() {
        // When an instance runs, is told twice (EventBridge delivers at least once), then stops
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0);
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0);
        ledger.left("i-0abc", T0.plusSeconds(3600));

        // Then its object holds one span from start to stop
        assertThat(ledger.spans(T0)).containsExactly(
                new InstanceSpan("i-0abc", "m6i.large", Prices.ON_DEMAND, T0, T0.plusSeconds(3600)));
        assertThat(new String(store.content(new ObjectRef("out", "fleet/instances/i-0abc.json")),
                StandardCharsets.UTF_8)).contains("\"instanceType\":\"m6i.large\"");
    }

    @Test
    void runningAgainAfterStop_secondSpanStillOpen() {
        // Given an instance stopped, then started again
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0);
        ledger.left("i-0abc", T0.plusSeconds(60));
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0.plusSeconds(600));

        // Then two spans, the last open; a reading since after the first leaves it out
        assertThat(ledger.spans(T0)).hasSize(2).last().extracting(InstanceSpan::end).isNull();
        assertThat(ledger.spans(T0.plusSeconds(120))).extracting(InstanceSpan::start)
                .containsExactly(T0.plusSeconds(600));
    }

    @Test
    void left_instanceNeverSeenRunning_writesNothing() {
        // When another account's instance (or one never seen running) stops
        ledger.left("i-0other", T0);

        // Then no object is made for it
        assertThat(ledger.spans(Instant.EPOCH)).isEmpty();
    }

    @Test
    void running_olderThanTheLastStop_ignored() {
        // Given a closed span
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0);
        ledger.left("i-0abc", T0.plusSeconds(60));

        // When a late duplicate of its start arrives
        ledger.running("i-0abc", "m6i.large", Prices.ON_DEMAND, T0);

        // Then nothing opens again
        assertThat(ledger.spans(T0)).hasSize(1).first().extracting(InstanceSpan::end).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void running_notAnInstanceId_rejectedNamingIt() {
        assertThatThrownBy(() -> ledger.running("../jobs/x", "m6i.large", Prices.ON_DEMAND, T0))
                .hasMessageContaining("instanceId").hasMessageContaining("../jobs/x");
    }

    @Test
    void changed_runningInstanceOfTheStack_opensAtItsLaunchTime() {
        // Given the stack's instance, launched at T0 and running
        InstanceFleet fleet = fleet(new FleetInstance("i-0abc", "m6i.large", FleetInstance.State.RUNNING, T0));
        InstanceLedgerUpdates updates = new InstanceLedgerUpdates(fleet, ledger);

        // When EC2 says it runs, heard a little later, then that it stops
        updates.changed(new InstanceStateChange("i-0abc", "running"), T0.plusSeconds(5));
        updates.changed(new InstanceStateChange("i-0abc", "stopping"), T0.plusSeconds(900));
        updates.changed(new InstanceStateChange("i-0abc", "stopped"), T0.plusSeconds(960));

        // Then its span runs from its launch to when it began to stop
        assertThat(ledger.spans(T0)).containsExactly(
                new InstanceSpan("i-0abc", "m6i.large", Prices.ON_DEMAND, T0, T0.plusSeconds(900)));
    }

    @Test
    void changed_instanceNotTheStacks_nothingRecorded() {
        // Given a fleet without the instance
        InstanceLedgerUpdates updates = new InstanceLedgerUpdates(fleet(), ledger);

        // When another instance of the account runs
        updates.changed(new InstanceStateChange("i-0other", "running"), T0);

        // Then the ledger holds nothing
        assertThat(ledger.spans(Instant.EPOCH)).isEmpty();
    }

    private static InstanceFleet fleet(FleetInstance... instances) {
        return new InstanceFleet() {
            @Override
            public List<FleetInstance> instances() {
                return List.of(instances);
            }

            @Override
            public void start(List<String> instanceIds) {
            }

            @Override
            public List<String> launch(String instanceType, int count, String token) {
                return List.of();
            }
        };
    }
}
