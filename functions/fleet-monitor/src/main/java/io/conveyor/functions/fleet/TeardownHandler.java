package io.conveyor.functions.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.CloudWatchAlarmSweeper;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsClusterContainerInstances;
import io.conveyor.aws.EcsStackTaskDefinitions;
import io.conveyor.config.Environment;
import io.conveyor.fleet.Teardown;
import io.conveyor.fleet.TeardownReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's teardown, as a CloudFormation custom resource: Create and Update do nothing; Delete
 * terminates the instances dispatch launched, deregisters the cluster's container instances and the
 * stack's task definitions and deletes the idle alarms ({@link Teardown}), then answers.
 *
 * <p>CloudFormation waits for an answer on the ResponseURL, so one is always sent, whatever happened:
 * FAILED with the reason when anything is left (the stack then stays DELETE_FAILED, and deleting it
 * again runs the teardown again).
 */
public final class TeardownHandler implements RequestHandler<CloudFormationCustomResourceEvent, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(TeardownHandler.class);

    /** The stack's name: its instances carry it in their conveyor:stack tag. */
    static final String STACK_NAME = "STACK_NAME";
    /** The name of Conveyor's ECS cluster. */
    static final String CLUSTER_NAME = "CLUSTER_NAME";
    /** The stack's task definition family prefix (the register function's). */
    static final String TASK_FAMILY_PREFIX = "TASK_FAMILY_PREFIX";
    /** The idle alarms' name prefix, {@code <stack>-idle-}. */
    static final String IDLE_ALARM_PREFIX = "IDLE_ALARM_PREFIX";

    /** Kept after the wait for the last steps and the answer. */
    static final Duration MARGIN = Duration.ofSeconds(60);
    /** The wait's bound when no Lambda context tells the time left (the function's timeout is 15 min). */
    static final Duration UNKNOWN_REMAINING = Duration.ofMinutes(15);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(10);
    /**
     * How long the teardown keeps looking for instances even when none is left. CloudFormation deletes
     * the dispatch function first (it DependsOn Teardown), but an invocation already running may still
     * launch one until its 60-second timeout ends.
     */
    static final Duration QUIET = Duration.ofSeconds(75);

    private final String physicalResourceId;
    private final Teardown teardown;
    private final CustomResourceResponder responder;
    private final Clock clock;
    private final Duration quiet;

    /** For the Lambda runtime: real clients, built once. */
    public TeardownHandler() {
        this(Environment.system());
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public TeardownHandler(Environment env) {
        this(env, AwsClients.from(env));
    }

    TeardownHandler(Environment env, AwsClients clients) {
        this(env.required(STACK_NAME), new Teardown(
                new Ec2InstanceFleet(clients.ec2(), env.required(STACK_NAME)),
                new EcsClusterContainerInstances(clients.ecs(), env.required(CLUSTER_NAME)),
                new EcsStackTaskDefinitions(clients.ecs(), env.required(TASK_FAMILY_PREFIX)),
                new CloudWatchAlarmSweeper(clients.cloudWatch(), env.required(IDLE_ALARM_PREFIX)),
                Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()), POLL_INTERVAL),
                new CustomResourceResponder(), Clock.systemUTC(), QUIET);
    }

    /**
     * For tests: the collaborators.
     *
     * @param quiet how long to keep looking for late instances ({@link #QUIET} in Lambda)
     */
    TeardownHandler(String stack, Teardown teardown, CustomResourceResponder responder, Clock clock, Duration quiet) {
        this.physicalResourceId = "conveyor-teardown-" + Objects.requireNonNull(stack, "stack");
        this.teardown = Objects.requireNonNull(teardown, "teardown");
        this.responder = Objects.requireNonNull(responder, "responder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.quiet = Objects.requireNonNull(quiet, "quiet");
    }

    @Override
    public Void handleRequest(CloudFormationCustomResourceEvent event, Context context) {
        // On Update and Delete the id CloudFormation holds is echoed: a new one would be read as a
        // replacement, and the old resource's Delete would tear the fleet down during an update.
        String id = event.getPhysicalResourceId() == null || event.getPhysicalResourceId().isBlank()
                ? physicalResourceId : event.getPhysicalResourceId();
        CustomResourceResponse response = CustomResourceResponse.failed("the teardown ended before it answered", id);
        try {
            LOG.info("outcome=received type={} request={} resource={}", event.getRequestType(), event.getRequestId(), id);
            response = switch (String.valueOf(event.getRequestType())) {
                case "Create", "Update" -> CustomResourceResponse.success(id);
                case "Delete" -> delete(id, context);
                default -> CustomResourceResponse.failed("RequestType '" + event.getRequestType()
                        + "' is not Create, Update or Delete", id);
            };
        } catch (RuntimeException | Error e) {
            LOG.error("outcome=failed request={} error={}", event.getRequestId(), e.toString());
            response = CustomResourceResponse.failed("teardown failed: " + e, id);
        } finally {
            responder.send(event, response);
        }
        return null;
    }

    private CustomResourceResponse delete(String id, Context context) {
        Duration remaining = context == null ? UNKNOWN_REMAINING : Duration.ofMillis(context.getRemainingTimeInMillis());
        Instant deadline = clock.instant().plus(remaining).minus(MARGIN);
        TeardownReport report = teardown.run(deadline, clock.instant().plus(quiet));
        if (report.complete()) {
            return CustomResourceResponse.success(id);
        }
        String where = context == null ? "" : " (log stream " + context.getLogStreamName() + ")";
        return CustomResourceResponse.failed("teardown incomplete, delete the stack again to retry: " + report.reason()
                + where, id);
    }
}
