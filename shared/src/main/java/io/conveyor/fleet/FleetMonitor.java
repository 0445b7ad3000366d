package io.conveyor.fleet;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Conveyor's container instances: what each is running, which are idle.
 */
public final class FleetMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(FleetMonitor.class);

    private final ContainerScheduler scheduler;

    public FleetMonitor(ContainerScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * One look at the whole fleet, one log line per instance.
     */
    public FleetReport sweep() {
        FleetReport report = FleetReport.of(scheduler.containerInstances());
        for (ContainerInstanceLoad instance : report.instances()) {
            LOG.info("outcome=observed instance={} status={} agentConnected={} running={} pending={}",
                    instance.ec2InstanceId(), instance.status(), instance.agentConnected(), instance.runningTasks(),
                    instance.pendingTasks());
        }
        LOG.info("outcome=swept instances={} idle={} tasks={}", report.instances().size(), report.idle(), report.tasks());
        return report;
    }

    /**
     * An EC2 instance changed state. The fleet is looked at again, so that the report reflects it.
     */
    public FleetReport instanceChanged(InstanceStateChange change) {
        LOG.info("outcome=instance-state-changed instance={} state={}", change.instanceId(), change.state());
        return sweep();
    }
}
