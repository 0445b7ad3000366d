package io.conveyor.cli.jobs;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.CloudWatchJobLogs;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.EcsPinnedTaskDefinitions;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.cli.UsageException;
import io.conveyor.jobs.IndexedJobStore;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobSummary;
import io.conveyor.json.Json;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A deployed stack, or the sandbox's (which publishes its outputs as a CloudFormation stack on the
 * emulator): its resources found through the stack's {@code Outputs}, reached with the SDK.
 */
final class StackTarget implements Target {

    /** How long submit waits for dispatch to record the job of an upload. */
    private static final Duration RECORDED_WITHIN = Duration.ofSeconds(30);

    private final AwsClients clients;
    private final String stack;
    private final Map<String, String> outputs;
    private final JobStore jobs;
    private final ObjectStoreRegistry registry;

    private StackTarget(AwsClients clients, String stack, Map<String, String> outputs) {
        this.clients = clients;
        this.stack = stack;
        this.outputs = outputs;
        this.jobs = new IndexedJobStore(new S3JobStore(clients.s3(), output("OutputBucketName")),
                new DynamoDbJobIndex(clients.dynamoDb(), output("JobIndexTableName"), Clock.systemUTC()));
        this.registry = new ObjectStoreRegistry(new S3ObjectStore(clients.s3()), output("OutputBucketName"));
    }

    /** The stack of that name, its outputs read once. */
    static StackTarget open(AwsClients clients, String stack) throws UsageException {
        List<Output> found;
        try {
            found = clients.cloudFormation().describeStacks(request -> request.stackName(stack)).stacks().stream()
                    .flatMap(described -> described.outputs().stream()).toList();
        } catch (SdkException e) {
            throw new UsageException("stack '" + stack + "' in " + clients.region() + ": " + firstLine(e.getMessage())
                    + " (is --stack, --region or --env-file right?)", e);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        found.forEach(output -> outputs.put(output.outputKey(), output.outputValue()));
        if (!outputs.containsKey("OutputBucketName")) {
            throw new UsageException("stack '" + stack + "' has no OutputBucketName output: is it a Conveyor stack?");
        }
        return new StackTarget(clients, stack, outputs);
    }

    /** An output of the stack; a clear error when the deployed template is older than this CLI. */
    String output(String key) {
        String value = outputs.get(key);
        if (value == null) {
            throw new IllegalStateException("stack '" + stack + "' has no " + key + " output; deploy this version's "
                    + "template.yaml (sam deploy) to use this command");
        }
        return value;
    }

    Optional<String> optionalOutput(String key) {
        return Optional.ofNullable(outputs.get(key));
    }

    AwsClients clients() {
        return clients;
    }

    String stack() {
        return stack;
    }

    ObjectStoreRegistry registry() {
        return registry;
    }

    @Override
    public String describe() {
        return "stack " + stack + " (" + clients.region() + (clients.overridden() ? ", on an emulator" : "") + ")";
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public JobLogs logs() {
        return new CloudWatchJobLogs(clients.logs(), output("TaskLogGroupName"));
    }

    @Override
    public JobOperations operations() {
        return new JobOperations(jobs, new SqsJobQueue(clients.sqs(), output("JobsQueueUrl")),
                new EcsRunningAttempts(clients.ecs(), output("ClusterName")), registry,
                new EcsPinnedTaskDefinitions(clients.ecs()), Clock.systemUTC());
    }

    @Override
    public List<String> containers() {
        return io.conveyor.jobs.JobLogs.CONTAINERS;
    }

    @Override
    public List<Algorithm> algorithms() {
        String bucket = output("OutputBucketName");
        List<Algorithm> algorithms = new ArrayList<>();
        List<String> registered = new ArrayList<>();
        java.util.Set<String> outcomesRead = new java.util.HashSet<>();
        for (S3Object object : clients.s3().listObjectsV2Paginator(request -> request.bucket(bucket)
                .prefix(ObjectStoreRegistry.ALGORITHMS)).contents()) {
            String name = object.key().substring(ObjectStoreRegistry.ALGORITHMS.length()).replaceFirst("\\.json$", "");
            registry.algorithm(name).ifPresent(record -> {
                registered.add(record.descriptor());
                String key = ObjectRef.parse(record.descriptor()).key();
                outcomesRead.add(ObjectStoreRegistry.outcomeKey(key));
                algorithms.add(of(record, registry.outcome(key).orElse(null)));
            });
        }
        // Descriptors whose last outcome registered nothing: their authors look for their errors here too.
        for (S3Object object : clients.s3().listObjectsV2Paginator(request -> request.bucket(bucket)
                .prefix(ObjectStoreRegistry.OUTCOMES)).contents()) {
            if (outcomesRead.contains(object.key())) {
                continue;  // a registered algorithm's outcome, read above
            }
            String file = object.key().substring(ObjectStoreRegistry.OUTCOMES.length());
            registry.outcome(BucketLayout.ALGORITHMS_PREFIX + file)
                    .filter(outcome -> outcome.status() == RegistrationOutcome.Status.REJECTED)
                    .filter(outcome -> !registered.contains(outcome.descriptor()))
                    .ifPresent(outcome -> algorithms.add(new Algorithm(outcome.algorithm() == null
                            ? file.replaceFirst("\\.json$", "") : outcome.algorithm(), "REJECTED", null, null, null, null, List.of(),
                            List.of(), outcome.descriptor(), outcome.at(), problems(outcome.errors()))));
        }
        return algorithms;
    }

    @Override
    public Optional<Algorithm> usable(String name) {
        return registry.algorithm(name).filter(AlgorithmRecord::active).map(record -> of(record, null));
    }

    private static Algorithm of(AlgorithmRecord record, RegistrationOutcome last) {
        var definition = record.definition();
        List<String> errors = last != null && last.status() == RegistrationOutcome.Status.REJECTED
                ? problems(last.errors()) : List.of();
        return new Algorithm(record.name(), record.status().name(), record.sha256(),
                definition == null ? null : definition.image(), definition == null ? null : definition.description(),
                definition == null ? null : Algorithm.accepts(definition.input()),
                definition == null || definition.parameters() == null ? List.of() : definition.parameters(),
                definition == null || definition.then() == null ? List.of() : definition.then(), record.descriptor(),
                record.registeredAt(), errors);
    }

    static List<String> problems(List<io.conveyor.descriptor.Problem> problems) {
        return problems.stream().map(Object::toString).toList();
    }

    @Override
    public Submitted submit(Path file, String algorithm, Map<String, String> parameters) throws UsageException {
        String bucket = output("InputBucketName");
        String key = BucketLayout.INPUTS_PREFIX + algorithm + "/" + file.getFileName();
        PutObjectResponse put;
        java.time.Instant uploaded = java.time.Instant.now();
        try {
            put = clients.s3().putObject(request -> request.bucket(bucket).key(key).metadata(parameters),
                    RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new UsageException(file + ": cannot upload to s3://" + bucket + "/" + key + ": "
                    + firstLine(e.getMessage()), e);
        }
        ObjectRef ref = new ObjectRef(bucket, key);
        Optional<AlgorithmRecord> record = registry.algorithm(algorithm);
        if (record.isEmpty() || !record.get().active()) {
            return new Submitted(file.toString(), ref.uri(), null, "no active algorithm '" + algorithm
                    + "' is registered: dispatch will fail the job (see conveyor algorithms)");
        }
        String version = put.versionId() != null ? put.versionId() : "etag:" + put.eTag().replace("\"", "");
        String predicted = JobId.of(ref.uri(), version, algorithm, record.get().sha256());
        if (!clients.overridden()) {
            // S3's event of an upload to a versioned bucket names its version id, from which dispatch makes
            // exactly this id: nothing to wait for.
            return new Submitted(file.toString(), ref.uri(), predicted, null);
        }
        return recorded(ref.uri(), uploaded).map(id -> new Submitted(file.toString(), ref.uri(), id, null))
                .orElseGet(() -> new Submitted(file.toString(), ref.uri(), predicted, "no record yet after "
                        + RECORDED_WITHIN.toSeconds() + " s; the id is the one dispatch makes of this upload's version"));
    }

    /**
     * On an emulator, the job dispatch recorded for an input uploaded at {@code since}, read back through
     * the job index: an emulator's S3 events may name no version id (moto's do not; the sandbox adds it),
     * and then dispatch names a job by the object's ETag, where on AWS it names it by the version id the CLI
     * knows.
     */
    private Optional<String> recorded(String input, java.time.Instant since) throws UsageException {
        long deadline = System.nanoTime() + RECORDED_WITHIN.toNanos();
        JobQuery query = JobQuery.newest(20).withInputPrefix(input).withSince(since.minusSeconds(1));
        while (true) {
            Optional<String> id = jobs.list(query).stream().filter(job -> input.equals(job.input()))
                    .map(JobSummary::id).findFirst();
            if (id.isPresent() || System.nanoTime() > deadline) {
                return id;
            }
            pause();
        }
    }

    @Override
    public List<Registered> register(List<Path> descriptors, Duration wait) throws UsageException {
        String bucket = output("InputBucketName");
        Map<Path, String[]> sent = new LinkedHashMap<>();
        for (Path descriptor : descriptors) {
            String key = BucketLayout.ALGORITHMS_PREFIX + descriptor.getFileName();
            try {
                PutObjectResponse put = clients.s3().putObject(request -> request.bucket(bucket).key(key)
                        .contentType("application/json"), RequestBody.fromFile(descriptor));
                sent.put(descriptor, new String[] {key, put.versionId()});
            } catch (SdkException e) {
                throw new UsageException(descriptor + ": cannot upload to s3://" + bucket + "/" + key + ": "
                        + firstLine(e.getMessage()), e);
            }
        }
        List<Registered> results = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        for (Map.Entry<Path, String[]> entry : sent.entrySet()) {
            String key = entry.getValue()[0];
            String version = entry.getValue()[1];
            Optional<RegistrationOutcome> outcome = Optional.empty();
            while (outcome.isEmpty()) {
                outcome = registry.outcome(key).filter(found -> version == null || version.equals(found.versionId()));
                if (outcome.isEmpty() && System.nanoTime() > deadline) {
                    break;
                }
                if (outcome.isEmpty()) {
                    pause();
                }
            }
            results.add(outcome.map(found -> new Registered(entry.getKey().toString(), found.status().name(),
                    found.algorithm() != null ? found.algorithm() : found.pipeline(), problems(found.errors()),
                    problems(found.warnings()))).orElseGet(() ->
                    new Registered(entry.getKey().toString(), "PENDING", null, List.of(), List.of(
                            "no outcome after " + wait.toSeconds() + " s; look again with conveyor algorithms"))));
        }
        return results;
    }

    @Override
    public Fleet fleet() {
        return new StackFleet(this).read();
    }

    @Override
    public void close() {
        // The SDK's clients hold connections; the CLI's process ends right after.
    }

    /** Reads one JSON object from the output bucket, or empty. */
    <T> Optional<T> readJson(String key, Class<T> type) {
        try {
            byte[] bytes = clients.s3().getObjectAsBytes(request -> request.bucket(output("OutputBucketName")).key(key))
                    .asByteArray();
            return Optional.of(Json.mapper().readValue(bytes, type));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static void pause() throws UsageException {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted");
        }
    }

    static boolean readable(Path file) {
        return Files.isRegularFile(file) && Files.isReadable(file);
    }
}
