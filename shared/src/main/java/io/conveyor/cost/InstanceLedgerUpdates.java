package io.conveyor.cost;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.InstanceFleet;
import io.conveyor.fleet.InstanceStateChange;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleet-monitor's part of the ledger: an EC2 state change of one of the stack's instances opens or closes
 * its running span. A span opens at EC2's launch time of the instance (when it last entered
 * {@code running}) and closes when fleet-monitor hears it leave (seconds after EC2 says so: the notification's
 * own time is not read).
 */
public final class InstanceLedgerUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLedgerUpdates.class);

    /** States whose entry ends billing: EC2 bills an instance while it is {@code running}. */
    static final Set<String> LEAVING = Set.of("stopping", "stopped", "shutting-down", "terminated");

    private final InstanceFleet fleet;
    private final InstanceLedger.Recorder recorder;

    public InstanceLedgerUpdates(InstanceFleet fleet, InstanceLedger.Recorder recorder) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /**
     * Records the change. A {@code running} instance is looked up among the stack's (its type, its launch
     * time); a leaving one only closes a span the ledger holds (an instance it never saw is not the stack's).
     */
    public void changed(InstanceStateChange change, Instant now) {
        String state = change.state();
        if ("running".equals(state)) {
            Optional<FleetInstance> ours = fleet.instances().stream()
                    .filter(i -> i.instanceId().equals(change.instanceId())).findFirst();
            if (ours.isEmpty() || ours.get().state() != FleetInstance.State.RUNNING || ours.get().instanceType() == null) {
                LOG.info("outcome=ledger-skipped instance={} state={} reason=\"not a running instance of the stack\"",
                        change.instanceId(), state);
                return;
            }
            Instant since = ours.get().launchTime() != null ? ours.get().launchTime() : now;
            recorder.running(change.instanceId(), ours.get().instanceType(), Prices.ON_DEMAND, since);
        } else if (LEAVING.contains(state)) {
            recorder.left(change.instanceId(), now);
        }
    }
}
