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
import io.conveyor.reconcile.ReconcileReport;
import io.conveyor.reconcile.ReconcileSettings;
import io.conveyor.reconcile.Reconciler;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.ObjectStoreRegistry;
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
        this(reconciler(aws, env, clock), env.required(STACK_NAME), clock, aws.priming());
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
        TaskEventDriver taskEvents = new TaskEventDriver(cluster, jobs, queue, new EcsRunningAttempts(aws.ecs(), cluster),
                registry, new ObjectStorePipelineCatalog(store, outputBucket), store, clock, signals,
                TaskEventsHandler.batches(aws.s3(), aws, outputBucket, jobsQueue, clock));
        return Reconciler.builder().settings(settings).inputs(new S3InputListing(aws.s3(), inputBucket))
                .redelivery(new SqsInputRedelivery(aws.sqs(), jobsQueue, clock)).jobs(jobs).queue(queue)
                .tasks(new EcsAttemptTasks(aws.ecs(), cluster)).outputs(new S3AttemptOutputs(aws.s3()))
                .taskEvents(taskEvents).registry(registry).pipelines(registry)
                .batches(new S3BatchStore(aws.s3(), outputBucket)).deadLetters(new SqsDeadLetterCounts(aws.sqs(), deadLetters))
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
