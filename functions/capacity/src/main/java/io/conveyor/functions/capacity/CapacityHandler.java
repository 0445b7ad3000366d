package io.conveyor.functions.capacity;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3CapacityLease;
import io.conveyor.config.Environment;
import io.conveyor.dispatch.CapacityNeed;
import io.conveyor.dispatch.CapacityPlanner;
import io.conveyor.dispatch.CapacityProvisioner;
import io.conveyor.events.CapacityNeedMessages;
import io.conveyor.events.MalformedEventException;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.observe.MetricLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.crac.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity queue (dispatch → SQS → here): instances started or launched for the jobs dispatch found
 * waiting. The only function that calls EC2 to add capacity. The needs of a batch are decided together; a
 * malformed one goes back and, after the queue's maxReceiveCount, to its DLQ.
 */
public final class CapacityHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String OUTPUT_BUCKET = "OUTPUT_BUCKET";
    static final String CLUSTER_NAME = "CLUSTER_NAME";
    static final String STACK_NAME = "STACK_NAME";
    static final String LAUNCH_TEMPLATE_ID = "LAUNCH_TEMPLATE_ID";
    static final String LAUNCH_TEMPLATE_VERSION = "LAUNCH_TEMPLATE_VERSION";
    static final String SUBNET_IDS = "SUBNET_IDS";
    static final String MAX_INSTANCES = "MAX_INSTANCES";
    static final String INSTANCE_TYPE = "INSTANCE_TYPE";

    /** How long the capacity lease lasts: long enough for EC2 to list what its holder launched. */
    static final Duration LEASE = Duration.ofSeconds(45);

    private static final Logger LOG = LoggerFactory.getLogger(CapacityHandler.class);

    private final CapacityProvisioner provisioner;
    private final ContainerScheduler cluster;
    private final Priming priming;

    /** For the Lambda runtime: real clients, built once, primed before SnapStart's snapshot. */
    public CapacityHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public CapacityHandler(Environment env) {
        this(AwsClients.from(env), env);
    }

    /** For emulator tests: the given clients. */
    public CapacityHandler(AwsClients aws, Environment env) {
        this(aws, env, Clock.systemUTC());
    }

    /** For the sandbox: the given clients, and its time (the lease and a need's freshness count in it). */
    public CapacityHandler(AwsClients aws, Environment env, Clock clock) {
        this(provisioner(aws, env, clock), new EcsContainerScheduler(aws.ecs(), env.required(CLUSTER_NAME)),
                aws.priming());
    }

    /** For tests: the collaborators. */
    public CapacityHandler(CapacityProvisioner provisioner, ContainerScheduler cluster) {
        this(provisioner, cluster, new Priming());
    }

    private CapacityHandler(CapacityProvisioner provisioner, ContainerScheduler cluster, Priming priming) {
        this.provisioner = Objects.requireNonNull(provisioner, "provisioner");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.priming = priming;
    }


    private static CapacityProvisioner provisioner(AwsClients aws, Environment env, Clock clock) {
        String stack = env.required(STACK_NAME);
        List<String> subnets = env.optional(SUBNET_IDS).map(ids -> Arrays.stream(ids.split(","))
                .map(String::trim).filter(id -> !id.isEmpty()).toList()).orElse(List.of());
        return new CapacityProvisioner(new Ec2InstanceFleet(aws.ec2(), stack, env.required(LAUNCH_TEMPLATE_ID),
                env.required(LAUNCH_TEMPLATE_VERSION), subnets),
                new S3CapacityLease(aws.s3(), env.required(OUTPUT_BUCKET), LEASE, clock),
                new CapacityPlanner(wholeNumber(env, MAX_INSTANCES), env.required(INSTANCE_TYPE)), clock, stack,
                MetricLog.STDOUT);
    }

    private static int wholeNumber(Environment env, String name) {
        String value = env.required(name);
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 0, was '" + value + "'");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<CapacityNeed> needs = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (SQSEvent.SQSMessage record : records) {
            try {
                needs.add(CapacityNeedMessages.parse(record.getBody()));
                read.add(record.getMessageId());
            } catch (MalformedEventException e) {
                LOG.warn("outcome=message-malformed messageId={} receiveCount={} reason=\"{}\"", record.getMessageId(),
                        SqsBatch.receiveCount(record), e.getMessage());
                failures.add(SqsBatch.failure(record.getMessageId()));
            }
        }
        if (needs.isEmpty()) {
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
        String invocation = context == null || context.getAwsRequestId() == null ? UUID.randomUUID().toString()
                : context.getAwsRequestId();
        try {
            CapacityProvisioner.Outcome outcome = provisioner.provision(needs, cluster.containerInstances(), invocation);
            LOG.info("outcome=needs-handled needs={} result={}", needs.size(), outcome);
        } catch (RuntimeException e) {
            // The cluster or the lease could not be read: the needs go back (and are dropped once stale).
            LOG.error("outcome=needs-failed needs={} reason=\"{}\"", needs.size(), e.getMessage(), e);
            read.forEach(id -> failures.add(SqsBatch.failure(id)));
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
