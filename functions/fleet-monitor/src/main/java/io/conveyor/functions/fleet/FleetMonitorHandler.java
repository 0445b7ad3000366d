package io.conveyor.functions.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.config.Environment;
import io.conveyor.fleet.FleetMonitor;
import io.conveyor.fleet.FleetReport;
import io.conveyor.fleet.InstanceStateChange;
import java.util.Objects;

/**
 * The fleet's heartbeat (an EventBridge schedule) and EC2 instance state changes (an EventBridge
 * rule); both arrive as EventBridge events.
 */
public final class FleetMonitorHandler implements RequestHandler<ScheduledEvent, FleetReport> {

    /** The name of Conveyor's ECS cluster. */
    static final String CLUSTER_NAME = "CLUSTER_NAME";
    static final String SCHEDULED = "Scheduled Event";

    private final FleetMonitor monitor;

    /** For the Lambda runtime: real clients, built once. */
    public FleetMonitorHandler() {
        this(Environment.system());
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public FleetMonitorHandler(Environment env) {
        this(new FleetMonitor(new EcsContainerScheduler(AwsClients.from(env).ecs(), env.required(CLUSTER_NAME))));
    }

    /** For tests: the collaborators. */
    public FleetMonitorHandler(FleetMonitor monitor) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    @Override
    public FleetReport handleRequest(ScheduledEvent event, Context context) {
        String detailType = event.getDetailType();
        if (SCHEDULED.equals(detailType)) {
            return monitor.sweep();
        }
        if (InstanceStateChange.DETAIL_TYPE.equals(detailType)) {
            return monitor.instanceChanged(InstanceStateChange.fromDetail(event.getDetail()));
        }
        throw new IllegalArgumentException("detail-type: '" + detailType + "' is not an event fleet-monitor takes ('"
                + SCHEDULED + "' or '" + InstanceStateChange.DETAIL_TYPE + "')");
    }
}
