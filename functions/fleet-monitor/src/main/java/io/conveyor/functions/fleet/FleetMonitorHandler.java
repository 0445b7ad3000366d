package io.conveyor.functions.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.CloudWatchFleetMetrics;
import io.conveyor.aws.CloudWatchIdleAlarms;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsClusterTasks;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.cost.InstanceLedgerUpdates;
import io.conveyor.cost.ObjectStoreInstanceLedger;
import io.conveyor.observe.MetricLog;
import io.conveyor.fleet.FleetMetrics;
import io.conveyor.fleet.FleetMonitor;
import io.conveyor.fleet.FleetReport;
import io.conveyor.fleet.IdleAlarms;
import io.conveyor.fleet.IdlePolicy;
import io.conveyor.fleet.InstanceStateChange;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.crac.Core;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The fleet's heartbeat (an EventBridge schedule) and EC2 instance state changes (an EventBridge
 * rule); both arrive as EventBridge events.
 */
public final class FleetMonitorHandler implements RequestHandler<ScheduledEvent, FleetReport> {

    /** The name of Conveyor's ECS cluster. */
    static final String CLUSTER_NAME = "CLUSTER_NAME";
    /** The stack name: the instances' {@code conveyor:stack} tag and the alarms' name prefix. */
    static final String STACK_NAME = "STACK_NAME";
    /** Consecutive minutes without a Conveyor task that stop an instance. */
    static final String IDLE_MINUTES = "IDLE_MINUTES";
    /** The custom metric's namespace (the template's PutMetricData permission names the same one). */
    static final String METRIC_NAMESPACE = "METRIC_NAMESPACE";
    /** The custom metric: Conveyor tasks (running and pending) per instance. */
    static final String METRIC_NAME = "Tasks";
    /** The output bucket: the instance ledger lies under its {@code fleet/instances/} prefix. */
    static final String OUTPUT_BUCKET = "OUTPUT_BUCKET";
    static final String SCHEDULED = "Scheduled Event";

    private static final Logger LOG = LoggerFactory.getLogger(FleetMonitorHandler.class);

    private final FleetMonitor monitor;
    private final BiConsumer<InstanceStateChange, Instant> ledger;
    private final Clock clock;
    private final Priming priming;

    /** For the Lambda runtime: real clients, built once, primed before SnapStart's snapshot. */
    public FleetMonitorHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public FleetMonitorHandler(Environment env) {
        this(AwsClients.from(env), env);
    }

    /** For emulator tests: the given clients (an interceptor may record their calls). */
    public FleetMonitorHandler(AwsClients aws, Environment env) {
        this(aws, env, aws.cloudWatch(), fleet(aws, env));
    }

    /** One CloudWatch and one EC2 client, shared by the monitor and the ledger: each client costs cold-start time. */
    private FleetMonitorHandler(AwsClients aws, Environment env, CloudWatchClient cloudWatch, Ec2InstanceFleet fleet) {
        this(monitor(aws, env, fleet, policy -> new CloudWatchFleetMetrics(cloudWatch, policy.namespace(),
                        policy.metricName()), policy -> new CloudWatchIdleAlarms(cloudWatch, policy, aws.region()),
                Clock.systemUTC()), ledger(aws, env, fleet)::changed, Clock.systemUTC(), aws.priming());
    }

    /**
     * For the sandbox: the given clients for ECS and EC2, and the given CloudWatch ports (the
     * emulator cannot take the SDK's CBOR CloudWatch requests, so the sandbox keeps metrics and
     * alarms itself), with the given clock.
     */
    public FleetMonitorHandler(AwsClients aws, Environment env, FleetMetrics metrics, IdleAlarms alarms, Clock clock) {
        this(aws, env, fleet(aws, env), metrics, alarms, clock);
    }

    private FleetMonitorHandler(AwsClients aws, Environment env, Ec2InstanceFleet fleet, FleetMetrics metrics,
                                IdleAlarms alarms, Clock clock) {
        this(monitor(aws, env, fleet, policy -> metrics, policy -> alarms, clock), ledger(aws, env, fleet)::changed,
                clock);
    }

    /** For tests of the fleet alone: the monitor, and no instance ledger. */
    public FleetMonitorHandler(FleetMonitor monitor) {
        this(monitor, (change, at) -> { }, Clock.systemUTC());
    }

    /**
     * For tests: the collaborators.
     *
     * @param ledger what records an instance state change in the instance ledger, at the given time
     */
    public FleetMonitorHandler(FleetMonitor monitor, BiConsumer<InstanceStateChange, Instant> ledger, Clock clock) {
        this(monitor, ledger, clock, new Priming());
    }

    private FleetMonitorHandler(FleetMonitor monitor, BiConsumer<InstanceStateChange, Instant> ledger, Clock clock,
                                Priming priming) {
        this.priming = priming;
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Ec2InstanceFleet fleet(AwsClients aws, Environment env) {
        return new Ec2InstanceFleet(aws.ec2(), env.required(STACK_NAME));
    }

    private static InstanceLedgerUpdates ledger(AwsClients aws, Environment env, Ec2InstanceFleet fleet) {
        return new InstanceLedgerUpdates(fleet,
                new ObjectStoreInstanceLedger(new S3ObjectStore(aws.s3()), env.required(OUTPUT_BUCKET)));
    }

    private static FleetMonitor monitor(AwsClients aws, Environment env, Ec2InstanceFleet fleet,
                                        java.util.function.Function<IdlePolicy, FleetMetrics> metrics,
                                        java.util.function.Function<IdlePolicy, IdleAlarms> alarms, Clock clock) {
        String cluster = env.required(CLUSTER_NAME);
        IdlePolicy policy = new IdlePolicy(env.required(STACK_NAME), idleMinutes(env), env.required(METRIC_NAMESPACE),
                METRIC_NAME);
        EcsClient ecs = aws.ecs();
        EcsClusterTasks tasks = new EcsClusterTasks(ecs, cluster);
        return new FleetMonitor(new FleetMonitor.Ports(new EcsContainerScheduler(ecs, cluster), fleet, fleet, tasks,
                tasks, metrics.apply(policy), alarms.apply(policy)), policy, clock, MetricLog.STDOUT);
    }

    private static int idleMinutes(Environment env) {
        String value = env.required(IDLE_MINUTES);
        try {
            int minutes = Integer.parseInt(value.trim());
            if (minutes >= 1 && minutes <= IdlePolicy.MAX_IDLE_MINUTES) {
                return minutes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(IDLE_MINUTES + " must be a whole number from 1 to "
                + IdlePolicy.MAX_IDLE_MINUTES + ", was '" + value + "'");
    }

    @Override
    public FleetReport handleRequest(ScheduledEvent event, Context context) {
        String detailType = event.getDetailType();
        if (SCHEDULED.equals(detailType)) {
            return monitor.sweep();
        }
        if (InstanceStateChange.DETAIL_TYPE.equals(detailType)) {
            InstanceStateChange change = InstanceStateChange.fromDetail(event.getDetail());
            FleetReport report = monitor.instanceChanged(change);
            try {
                ledger.accept(change, clock.instant());
            } catch (RuntimeException e) {
                // The fleet's care comes first: a ledger that cannot be written loses a span, logged, nothing more.
                LOG.error("outcome=ledger-failed instance={} state={} reason=\"{}\"", change.instanceId(),
                        change.state(), e.getMessage(), e);
            }
            return report;
        }
        throw new IllegalArgumentException("detail-type: '" + detailType + "' is not an event fleet-monitor takes ('"
                + SCHEDULED + "' or '" + InstanceStateChange.DETAIL_TYPE + "')");
    }
}
