package io.conveyor.functions.dispatch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EventBridgeJobStateEvents;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3ArchiveMembers;
import io.conveyor.aws.S3BatchListings;
import io.conveyor.aws.S3BatchStore;
import io.conveyor.aws.S3GatherFolders;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.SqsBatchLooks;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.SqsCapacitySignal;
import io.conveyor.aws.SqsDeadLetters;
import io.conveyor.aws.SqsMessageDelays;
import io.conveyor.config.Environment;
import io.conveyor.dispatch.Dispatcher;
import io.conveyor.dispatch.StartRate;
import io.conveyor.events.MalformedEventException;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.events.JobsQueueMessages;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.observe.JobSignals;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.ObjectStoreRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.crac.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input files uploaded under {@code inputs/<algorithm>/} of the input bucket (S3 → SQS → here): each
 * (or a pipeline's batch file, {@code inputs/<pipeline>/<batch>/<file>}: its first steps' jobs)
 * becomes a job and a task on the cluster, or waits in the queue for capacity.
 */
public final class DispatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String OUTPUT_BUCKET = "OUTPUT_BUCKET";
    static final String CLUSTER_NAME = "CLUSTER_NAME";
    static final String STACK_NAME = "STACK_NAME";
    /** The capacity function's queue: where jobs that fit nowhere are told. */
    static final String CAPACITY_QUEUE_URL = "CAPACITY_QUEUE_URL";
    static final String DEAD_LETTER_QUEUE_URL = "DEAD_LETTER_QUEUE_URL";
    /** The jobs queue itself: a batch to be looked at again is a delayed message on it. */
    static final String JOBS_QUEUE_URL = "JOBS_QUEUE_URL";
    static final String JOB_INDEX_TABLE = "JOB_INDEX_TABLE";
    /** How many dispatchers the jobs queue runs at once (its MaximumConcurrency): they share ECS's starts. */
    static final String DISPATCH_MAX_CONCURRENCY = "DISPATCH_MAX_CONCURRENCY";
    /** The account's task starts a second that Conveyor may use (ECS allows 40). */
    static final String ECS_STARTS_PER_SECOND = "ECS_STARTS_PER_SECOND";

    /**
     * How long a STARTING job's start may take before a redelivery starts it again: the function's
     * timeout (60 s) and ECS listing a new task, with room to spare.
     */
    static final Duration START_GRACE = Duration.ofMinutes(3);

    private static final Logger LOG = LoggerFactory.getLogger(DispatchHandler.class);

    /** Returns waiting messages to their queue with a delay. */
    @FunctionalInterface
    public interface MessageDelays {
        void delay(List<SqsMessageDelays.Delay> delays);
    }

    /** Where a message that is not an S3 notification goes, with its reason. */
    @FunctionalInterface
    public interface DeadLetters {
        void send(String body, String messageId, String reason);
    }

    private final Dispatcher dispatcher;
    private final MessageDelays delays;
    private final DeadLetters deadLetters;
    private final Priming priming;

    /** For the Lambda runtime: real clients, built once, primed before SnapStart's snapshot. */
    public DispatchHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public DispatchHandler(Environment env) {
        this(AwsClients.from(env), env);
    }

    /** For benchmarks and emulator tests: the given clients (an interceptor may count their calls). */
    public DispatchHandler(AwsClients aws, Environment env) {
        this(aws, env, Clock.systemUTC());
    }

    /** For the sandbox: the given clients, and its time (its capacity lease and start grace count in it). */
    public DispatchHandler(AwsClients aws, Environment env, Clock clock) {
        this(aws.s3(), aws.sqs(), aws, env, clock);
    }

    /** One client per service: each costs cold-start time. */
    private DispatchHandler(S3Client s3, SqsClient sqs, AwsClients aws, Environment env, Clock clock) {
        this(dispatcher(s3, sqs, aws, env, clock), new SqsMessageDelays(sqs)::delay,
                new SqsDeadLetters(sqs, env.required(DEAD_LETTER_QUEUE_URL))::send, aws.priming());
    }

    /** For tests: the collaborators. */
    public DispatchHandler(Dispatcher dispatcher, MessageDelays delays, DeadLetters deadLetters) {
        this(dispatcher, delays, deadLetters, new Priming());
    }

    private DispatchHandler(Dispatcher dispatcher, MessageDelays delays, DeadLetters deadLetters, Priming priming) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.delays = Objects.requireNonNull(delays, "delays");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.priming = priming;
    }


    private static Dispatcher dispatcher(S3Client s3, SqsClient sqs, AwsClients aws, Environment env, Clock clock) {
        String outputBucket = env.required(OUTPUT_BUCKET);
        String cluster = env.required(CLUSTER_NAME);
        S3ObjectStore store = new S3ObjectStore(s3);
        EcsContainerScheduler ecs = new EcsContainerScheduler(aws.ecs(), aws.ecsForStarts(), cluster);
        // A batch's index writes go in one transaction after it (a tenth of a call per job at a batch of 10).
        IndexedJobStore jobs = IndexedJobStore.holdingIndexWrites(new S3JobStore(s3, outputBucket),
                new DynamoDbJobIndex(aws.dynamoDb(), env.required(JOB_INDEX_TABLE), clock));
        return Dispatcher.builder()
                .registry(new ObjectStoreRegistry(store, outputBucket))
                .pipelines(new ObjectStorePipelineCatalog(store, outputBucket))
                .batches(new S3BatchStore(s3, outputBucket), new S3GatherFolders(s3, outputBucket),
                        new SqsBatchLooks(sqs, env.required(JOBS_QUEUE_URL), clock))
                .archiveMembers(new S3ArchiveMembers(s3, outputBucket))
                .listings(bucket -> new S3BatchListings(s3, bucket))
                .inputs(store)
                .jobs(jobs)
                .afterBatch(jobs::flushIndex)
                .cluster(ecs)
                .launcher(ecs)
                .capacity(new SqsCapacitySignal(sqs, env.required(CAPACITY_QUEUE_URL)))
                .outputBucket(outputBucket)
                .startGrace(START_GRACE)
                .clock(clock)
                .changes(JobSignals.from(env, env.required(STACK_NAME),
                        bus -> new EventBridgeJobStateEvents(aws.eventBridge(), bus)))
                .startRate(startRate(env))
                .build();
    }

    /**
     * This dispatcher's share of ECS's starts: the account's rate (and its burst, in proportion) divided
     * among the dispatchers that run at once. Unset, one dispatcher has all of ECS's 40 a second.
     */
    static StartRate startRate(Environment env) {
        double perSecond = env.optional(ECS_STARTS_PER_SECOND).isPresent() ? positiveInt(env, ECS_STARTS_PER_SECOND)
                : Dispatcher.ECS_STARTS_PER_SECOND;
        int dispatchers = env.optional(DISPATCH_MAX_CONCURRENCY).isPresent() ? positiveInt(env, DISPATCH_MAX_CONCURRENCY)
                : 1;
        if (perSecond < 1 || dispatchers < 1) {
            throw new IllegalArgumentException(ECS_STARTS_PER_SECOND + " and " + DISPATCH_MAX_CONCURRENCY
                    + " must be at least 1, were " + perSecond + " and " + dispatchers);
        }
        double burst = Dispatcher.ECS_START_BURST * perSecond / Dispatcher.ECS_STARTS_PER_SECOND;
        return StartRate.share(perSecond, burst, dispatchers);
    }

    private static int positiveInt(Environment env, String name) {
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
        List<Dispatcher.Message> messages = new ArrayList<>();
        Map<String, SQSEvent.SQSMessage> byId = new java.util.HashMap<>();
        for (SQSEvent.SQSMessage record : records) {
            byId.put(record.getMessageId(), record);
            try {
                JobsQueueMessages.Content content = JobsQueueMessages.parse(record.getBody());
                messages.add(new Dispatcher.Message(record.getMessageId(), SqsBatch.receiveCount(record),
                        content.events(), content.jobIds(), content.batches()));
            } catch (MalformedEventException e) {
                // No delivery can mend it: straight to the DLQ with its reason (if that fails, it goes
                // back to the queue and reaches the DLQ after maxReceiveCount).
                try {
                    deadLetters.send(record.getBody(), record.getMessageId(), e.getMessage());
                    LOG.warn("outcome=message-dead-lettered messageId={} reason=\"{}\"", record.getMessageId(),
                            e.getMessage());
                } catch (RuntimeException sendFailed) {
                    LOG.warn("outcome=message-malformed messageId={} receiveCount={} reason=\"{}\" deadLetter=\"{}\"",
                            record.getMessageId(), SqsBatch.receiveCount(record), e.getMessage(), sendFailed.getMessage());
                    failures.add(SqsBatch.failure(record.getMessageId()));
                }
            }
        }
        String invocation = context == null || context.getAwsRequestId() == null ? UUID.randomUUID().toString()
                : context.getAwsRequestId();
        List<SqsMessageDelays.Delay> waits = new ArrayList<>();
        dispatcher.dispatch(messages, invocation).forEach((messageId, verdict) -> {
            switch (verdict) {
                case Dispatcher.Verdict.Done done -> { }
                case Dispatcher.Verdict.Wait wait -> {
                    SQSEvent.SQSMessage record = byId.get(messageId);
                    waits.add(new SqsMessageDelays.Delay(record.getEventSourceArn(), record.getReceiptHandle(),
                            wait.delaySeconds()));
                    failures.add(SqsBatch.failure(messageId));
                    LOG.info("outcome=message-waits messageId={} delaySeconds={} reason=\"{}\"", messageId,
                            wait.delaySeconds(), wait.reason());
                }
                case Dispatcher.Verdict.Failed failed -> failures.add(SqsBatch.failure(messageId));
            }
        });
        if (!waits.isEmpty()) {
            try {
                delays.delay(waits);
            } catch (RuntimeException e) {
                // The messages still go back: after the queue's visibility timeout instead of their delay.
                LOG.warn("outcome=delay-failed messages={} reason=\"{}\"", waits.size(), e.getMessage());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }
}
