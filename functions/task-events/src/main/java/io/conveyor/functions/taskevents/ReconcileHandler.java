package io.conveyor.functions.taskevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EcsAttemptTasks;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3AttemptOutputs;
import io.conveyor.aws.S3BatchStore;
import io.conveyor.aws.S3InputListing;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.SqsDeadLetterCounts;
import io.conveyor.aws.SqsInputRedelivery;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.config.Environment;
import io.conveyor.observe.JobSignals;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.reconcile.OpenBatchTicks;
import io.conveyor.reconcile.ReconcileReport;
import io.conveyor.reconcile.ReconcileSettings;
import io.conveyor.reconcile.Reconciler;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.tasks.BatchMemberEnds;
import io.conveyor.tasks.TaskEventDriver;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.crac.Core;

/**
 * Flow 5: on its schedule, one bounded pass of the {@link Reconciler}, which mends lost events (inputs
 * without a job, attempts whose task stopped or went unseen, jobs whose message was lost) and counts dead
 * letters. It prints the pass as one Embedded Metric Format line on standard output, where CloudWatch turns
 * it into metrics. It lives beside task-events: the same clients, and task-events' driver applies what it finds.
 */
public final class ReconcileHandler implements RequestHandler<ScheduledEvent, ReconcileReport> {

    static final String CLUSTER_ARN = TaskEventsHandler.CLUSTER_ARN;
    static final String OUTPUT_BUCKET = TaskEventsHandler.OUTPUT_BUCKET;
    static final String JOBS_QUEUE_URL = TaskEventsHandler.JOBS_QUEUE_URL;
    static final String JOB_INDEX_TABLE = TaskEventsHandler.JOB_INDEX_TABLE;
    /** The input bucket, whose {@code inputs/} are listed. */
    static final String INPUT_BUCKET = "INPUT_BUCKET";
    /** The stack, the metrics' dimension. */
    static final String STACK_NAME = "STACK_NAME";
    /** How old an input without a job must be before it is handed to dispatch, in whole minutes. */
    static final String SETTLE_MINUTES = "RECONCILE_SETTLE_MINUTES";
    /** The dead-letter queues counted, by the name their count is reported under. */
    static final Map<String, String> DEAD_LETTER_QUEUES = Map.of("registration", "REGISTRATION_DEAD_LETTER_QUEUE_URL",
            "jobs", "JOBS_DEAD_LETTER_QUEUE_URL", "task-events", "TASK_EVENTS_DEAD_LETTER_QUEUE_URL");
    /** What a pass leaves of the function's time, so that it ends before Lambda stops it. */
    static final Duration MARGIN = Duration.ofSeconds(15);
    /** A pass's time when no Lambda context says how much is left (the sandbox, tests). */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(45);
    /** A primed pass's time: every answer is local, so it ends long before. */
    static final Duration PRIMING_BUDGET = Duration.ofSeconds(10);

    private final Reconciler reconciler;
    private final String stack;
    private final Clock clock;
    private final Priming priming;

    /** For the Lambda runtime: primed before SnapStart's snapshot. */
    public ReconcileHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public ReconcileHandler(Environment env) {
        this(AwsClients.from(env), env, Clock.systemUTC());
    }

    /** For emulator tests and the sandbox: the given clients, and its time. */
    public ReconcileHandler(AwsClients aws, Environment env, Clock clock) {
        this(primed(reconciler(aws, env, clock), aws), env.required(STACK_NAME), clock, aws.priming());
    }

    /**
     * SnapStart primes a whole pass, behind the gate: every port of this reconciler is one of {@code aws}'s
     * clients, so its reads get empty answers and its writes none reach AWS; its report is not printed.
     */
    private static Reconciler primed(Reconciler reconciler, AwsClients aws) {
        aws.priming().path(() -> reconciler.pass(PRIMING_BUDGET));
        return reconciler;
    }

    /** For tests: the collaborators. */
    public ReconcileHandler(Reconciler reconciler, String stack, Clock clock) {
        this(reconciler, stack, clock, new Priming());
    }

    private ReconcileHandler(Reconciler reconciler, String stack, Clock clock, Priming priming) {
        this.priming = priming;
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.clock = Objects.requireNonNull(clock, "clock");
    }


    private static Reconciler reconciler(AwsClients aws, Environment env, Clock clock) {
        String cluster = env.required(CLUSTER_ARN);
        String outputBucket = env.required(OUTPUT_BUCKET);
        String jobsQueue = env.required(JOBS_QUEUE_URL);
        ReconcileSettings settings = ReconcileSettings.DEFAULTS.withSettle(Duration.ofMinutes(minutes(env)));
        Map<String, String> deadLetters = new LinkedHashMap<>();
        DEAD_LETTER_QUEUES.forEach((name, variable) -> deadLetters.put(name, env.required(variable)));
        String inputBucket = env.required(INPUT_BUCKET);
        S3ObjectStore store = new S3ObjectStore(aws.s3());
        JobStore jobs = new IndexedJobStore(new S3JobStore(aws.s3(), outputBucket),
                new DynamoDbJobIndex(aws.dynamoDb(), env.required(JOB_INDEX_TABLE), clock));
        SqsJobQueue queue = new SqsJobQueue(aws.sqs(), jobsQueue);
        ObjectStoreRegistry registry = new ObjectStoreRegistry(store, outputBucket);
        JobSignals signals = TaskEventsHandler.signals(aws, env);
        ObjectStorePipelineCatalog pipelines = new ObjectStorePipelineCatalog(store, outputBucket);
        BatchMemberEnds.Wiring batches = TaskEventsHandler.batches(aws.s3(), aws, inputBucket, outputBucket, jobsQueue,
                clock);
        TaskEventDriver taskEvents = new TaskEventDriver(cluster, jobs, queue, new EcsRunningAttempts(aws.ecs(), cluster),
                registry, pipelines, store, clock, signals, batches);
        // The reconciler's ticks carry no look: one asks for a look only when none is on its way (the last was lost),
        // so the batch's looks go on without one more message per pass.
        S3BatchStore batchStore = new S3BatchStore(aws.s3(), outputBucket);
        OpenBatchTicks openBatches = new OpenBatchTicks(batchStore, pipelines, BatchMemberEnds.driver(batches, registry,
                new JobUpdates(jobs, clock, signals), queue, clock));
        return Reconciler.builder().settings(settings).inputs(new S3InputListing(aws.s3(), inputBucket))
                .redelivery(new SqsInputRedelivery(aws.sqs(), jobsQueue, clock)).jobs(jobs).queue(queue)
                .tasks(new EcsAttemptTasks(aws.ecs(), cluster)).outputs(new S3AttemptOutputs(aws.s3()))
                .taskEvents(taskEvents).openBatches(openBatches).registry(registry).pipelines(registry)
                .batches(batchStore).deadLetters(new SqsDeadLetterCounts(aws.sqs(), deadLetters))
                .state(store, outputBucket).changes(signals).clock(clock).build();
    }

    private static long minutes(Environment env) {
        String value = env.required(SETTLE_MINUTES);
        try {
            long minutes = Long.parseLong(value.trim());
            if (minutes >= 1 && minutes <= 1440) {
                return minutes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(SETTLE_MINUTES + " must be a whole number from 1 to 1440, was '" + value + "'");
    }

    @Override
    public ReconcileReport handleRequest(ScheduledEvent event, Context context) {
        Duration budget = context == null ? DEFAULT_BUDGET
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
        ReconcileReport report = reconciler.pass(budget.isNegative() ? Duration.ZERO : budget);
        // Embedded Metric Format: CloudWatch reads metrics from a JSON line on standard output, no API call.
        System.out.println(report.emf(stack, clock.instant()));
        return report;
    }
}
