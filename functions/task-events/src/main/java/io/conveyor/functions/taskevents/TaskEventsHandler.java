package io.conveyor.functions.taskevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.S3ArchiveMembers;
import io.conveyor.aws.S3BatchListings;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.EventBridgeJobStateEvents;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.S3BatchStore;
import io.conveyor.aws.S3GatherFolders;
import io.conveyor.aws.SqsBatchLooks;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.tasks.BatchMemberEnds;
import io.conveyor.config.Environment;
import io.conveyor.cost.AttemptCost;
import io.conveyor.cost.BundledPrices;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.jobs.JobStore;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.observe.JobSignals;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.tasks.TaskEventDriver;
import java.time.Clock;
import java.util.Objects;
import org.crac.Core;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Flow 3: ECS task state changes of Conveyor's cluster (EventBridge → SQS → here) move job records
 * along, queue retries and chains' next steps (a pipeline job's: its pipeline's per-output steps), and stop a
 * task whose job is over ({@link TaskEventDriver}).
 */
public final class TaskEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** The ARN of Conveyor's ECS cluster. */
    static final String CLUSTER_ARN = "CLUSTER_ARN";
    /** The input bucket: the objects a later step's listing names lie below its batch's folder there. */
    static final String INPUT_BUCKET = "INPUT_BUCKET";
    /** The bucket of job records, the registry and outputs. */
    static final String OUTPUT_BUCKET = "OUTPUT_BUCKET";
    /** The jobs queue, where retries and chains' next steps go. */
    static final String JOBS_QUEUE_URL = "JOBS_QUEUE_URL";
    /** The job index table, written after each record. */
    static final String JOB_INDEX_TABLE = "JOB_INDEX_TABLE";
    /** The stack's name: the metrics' and job events' {@code stack}. */
    static final String STACK_NAME = "STACK_NAME";

    private final TaskEventDriver lifecycle;
    private final Priming priming;

    /** For the Lambda runtime: primed before SnapStart's snapshot. */
    public TaskEventsHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment (checked before clients are built). */
    public TaskEventsHandler(Environment env) {
        this(Settings.of(env), env);
    }

    private TaskEventsHandler(Settings settings, Environment env) {
        this(settings, AwsClients.from(env), Clock.systemUTC());
    }

    private TaskEventsHandler(Settings settings, AwsClients aws, Clock clock) {
        this(lifecycle(aws.s3(), aws, settings, clock), aws.priming());
    }

    /** For emulator tests: the given clients. */
    public TaskEventsHandler(AwsClients aws, Environment env) {
        this(aws, env, Clock.systemUTC());
    }

    /** For the sandbox: the given clients, and its time (records' times count in it). */
    public TaskEventsHandler(AwsClients aws, Environment env, Clock clock) {
        this(Settings.of(env), aws, clock);
    }

    /** For tests: the collaborators. */
    public TaskEventsHandler(TaskEventDriver lifecycle) {
        this(lifecycle, new Priming());
    }

    private TaskEventsHandler(TaskEventDriver lifecycle, Priming priming) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.priming = priming;
    }



    /** The function's own configuration. */
    private record Settings(String cluster, String inputBucket, String outputBucket, String jobsQueue, String jobIndex,
                            Environment env) {
        static Settings of(Environment env) {
            String cluster = env.required(CLUSTER_ARN);
            String outputBucket = env.required(OUTPUT_BUCKET);
            String jobsQueue = env.required(JOBS_QUEUE_URL);
            String jobIndex = env.required(JOB_INDEX_TABLE);
            return new Settings(cluster, env.required(INPUT_BUCKET), outputBucket, jobsQueue, jobIndex, env);
        }
    }

    /** Metrics and job events of the records a function writes, as its environment configures them. */
    static JobSignals signals(AwsClients aws, Environment env) {
        return JobSignals.from(env, env.required(STACK_NAME), bus -> new EventBridgeJobStateEvents(aws.eventBridge(), bus))
                .withCost(new AttemptCost(BundledPrices.forRegion(aws.region().id())));
    }

    /** One S3 client for records, registry and outputs: each client costs cold-start time. */
    private static TaskEventDriver lifecycle(S3Client s3, AwsClients aws, Settings settings, Clock clock) {
        S3ObjectStore store = new S3ObjectStore(s3);
        JobStore jobs = new IndexedJobStore(new S3JobStore(s3, settings.outputBucket()),
                new DynamoDbJobIndex(aws.dynamoDb(), settings.jobIndex(), clock));
        return new TaskEventDriver(settings.cluster(), jobs, new SqsJobQueue(aws.sqs(), settings.jobsQueue()),
                new EcsRunningAttempts(aws.ecs(), settings.cluster()), new ObjectStoreRegistry(store,
                settings.outputBucket()), new ObjectStorePipelineCatalog(store, settings.outputBucket()), store, clock,
                signals(aws, settings.env()), batches(s3, aws, settings.inputBucket(), settings.outputBucket(),
                settings.jobsQueue(), clock));
    }

    /**
     * Pipelines' batches: records and gather folders in the output bucket, looks again on the jobs queue, a later
     * step's archive members unpacked into the output bucket, the objects a later step's listing names found below its
     * batch's folder of the input bucket (the listing itself is read where it lies, in the output bucket).
     */
    static BatchMemberEnds.Wiring batches(S3Client s3, AwsClients aws, String inputBucket, String outputBucket,
                                          String jobsQueue, Clock clock) {
        return new BatchMemberEnds.Wiring(new S3BatchStore(s3, outputBucket), new S3GatherFolders(s3, outputBucket),
                new SqsBatchLooks(aws.sqs(), jobsQueue, clock), new S3ArchiveMembers(s3, outputBucket),
                new S3BatchListings(s3, inputBucket));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, body -> lifecycle.apply(EcsTaskEvents.parse(body)));
    }
}
