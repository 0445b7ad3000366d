package io.conveyor.functions.taskevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3BatchStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.json.Json;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.ObjectStorePipelineCatalog;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.PipelineRecord;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobSummary;
import io.conveyor.aws.JobIndexTables;
import io.conveyor.jobs.JobMessages;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.TestRecords;
import io.conveyor.testing.JobFixtures;
import java.time.Instant;
import io.conveyor.jobs.JobState;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import io.conveyor.testing.SqsMessages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The handler as the runtime builds it (from its environment) against moto: the job record in S3
 * changes and the retry reaches the SQS jobs queue.
 */
@AwsEmulator
class TaskEventsHandlerIT {

    static final String IN = "conveyor-it-in";
    static final String OUT = "conveyor-it-out";
    static final String INDEX = "conveyor-it-job-index";
    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";
    static final String JOB = "job-5d0c2b5d0f8a4a1c9e7b3f21";

    @Test
    void handleRequest_algorithmFailed_writesTheRecordAndQueuesTheRetry(Emulator emulator) {
        // Given the output bucket with the job's record and the jobs queue
        AwsClients aws = emulator.clients();
        aws.s3().createBucket(r -> r.bucket(OUT));
        String jobsQueue = aws.sqs().createQueue(r -> r.queueName("jobs")).queueUrl();
        S3JobStore jobs = new S3JobStore(aws.s3(), OUT);
        jobs.create(started(2, "s3://" + OUT + "/outputs/word-count/a.txt/" + JOB + "/"));
        JobIndexTables.create(aws.dynamoDb(), INDEX);
        TaskEventsHandler handler = new TaskEventsHandler(aws, emulator.environment(Map.of(
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.INPUT_BUCKET, IN, TaskEventsHandler.OUTPUT_BUCKET, OUT,
                TaskEventsHandler.JOBS_QUEUE_URL, jobsQueue, TaskEventsHandler.JOB_INDEX_TABLE, INDEX, TaskEventsHandler.STACK_NAME, "conveyor")));
        SQSEvent event = EventLoader.loadSQSEvent("events/task-events/task-algorithm-failed.json");

        // When the stop of its first attempt (algorithm exit 2) arrives twice
        SQSBatchResponse first = handler.handleRequest(event, null);
        SQSBatchResponse duplicate = handler.handleRequest(event, null);

        // Then the record says so, and the jobs queue holds the retry (sent again for the duplicate,
        // which dispatch starts once)
        assertThat(first.getBatchItemFailures()).isEmpty();
        assertThat(duplicate.getBatchItemFailures()).isEmpty();
        JobRecord record = jobs.get(JOB).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.exitCode()).isEqualTo(2);
        assertThat(record.reason()).isEqualTo("exit code 2; trying again (attempt 2 of 2)");
        List<String> bodies = SqsMessages.receiveBodies(aws.sqs(), jobsQueue, 2);
        assertThat(bodies).containsOnly(JobMessages.body(JOB)).hasSize(2);
        // and the index lists the job as its record stands, without reading the record
        assertThat(new DynamoDbJobIndex(aws.dynamoDb(), INDEX, java.time.Clock.systemUTC())
                .list(JobQuery.newest(10).withAlgorithm("word-count")))
                .containsExactly(JobSummary.of(record));
    }

    @Test
    void handleRequest_jobsQueueMissing_leavesTheEventToItsQueue(Emulator emulator) {
        AwsClients aws = emulator.clients();
        aws.s3().createBucket(r -> r.bucket(OUT));
        new S3JobStore(aws.s3(), OUT).create(started(2, null));
        JobIndexTables.create(aws.dynamoDb(), INDEX);
        TaskEventsHandler handler = new TaskEventsHandler(aws, emulator.environment(Map.of(
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.INPUT_BUCKET, IN, TaskEventsHandler.OUTPUT_BUCKET, OUT,
                TaskEventsHandler.JOBS_QUEUE_URL, emulator.endpoint() + "/123456789012/no-such-queue",
                TaskEventsHandler.JOB_INDEX_TABLE, INDEX, TaskEventsHandler.STACK_NAME, "conveyor")));
        SQSEvent event = EventLoader.loadSQSEvent("events/task-events/task-algorithm-failed.json");

        SQSBatchResponse response = handler.handleRequest(event, null);

        // The record moved, the send failed: the event comes again and re-sends (REQUEUED), nothing lost
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
        assertThat(new S3JobStore(aws.s3(), OUT).get(JOB).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void handleRequest_runningTaskOfAJobCancelledWhileStarting_stopsThatTaskOnEcs(Emulator emulator) {
        // Given a job cancelled after dispatch wrote STARTING, before ECS had its task, and that task on the cluster
        AwsClients plain = emulator.clients();
        plain.s3().createBucket(r -> r.bucket(OUT));
        String jobsQueue = plain.sqs().createQueue(r -> r.queueName("jobs")).queueUrl();
        JobIndexTables.create(plain.dynamoDb(), INDEX);
        plain.ecs().createCluster(r -> r.clusterName("conveyor"));
        EcsFleet.launchContainerInstances(plain.ec2(), plain.ecs(), CLUSTER, 1);
        String instance = plain.ecs().listContainerInstances(r -> r.cluster(CLUSTER)).containerInstanceArns().get(0);
        plain.ecs().registerTaskDefinition(r -> r.family("conveyor-word-count").containerDefinitions(c -> c
                .name("algorithm").image("public.ecr.aws/docker/library/busybox:1.36").cpu(128).memory(128)));
        String taskArn = plain.ecs().startTask(r -> r.cluster(CLUSTER).taskDefinition("conveyor-word-count")
                .containerInstances(instance).startedBy(JOB + "-1")).tasks().get(0).taskArn();
        S3JobStore jobs = new S3JobStore(plain.s3(), OUT);
        JobRecord cancelled = JobFixtures.after(started(2, null), Instant.parse("2026-11-21T09:31:05Z"),
                new JobEvent.CancelRequested("cancelled by alice"));
        jobs.create(cancelled);
        RecordingInterceptor calls = new RecordingInterceptor();
        TaskEventsHandler handler = new TaskEventsHandler(plain.with(calls), emulator.environment(Map.of(
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.INPUT_BUCKET, IN, TaskEventsHandler.OUTPUT_BUCKET, OUT,
                TaskEventsHandler.JOBS_QUEUE_URL, jobsQueue, TaskEventsHandler.JOB_INDEX_TABLE, INDEX, TaskEventsHandler.STACK_NAME, "conveyor")));
        SQSEvent fixture = EventLoader.loadSQSEvent("events/task-events/task-running-and-stopped.json");
        SQSEvent.SQSMessage running = fixture.getRecords().get(0);
        String fixtureTask = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/7f0ad1d2c4be4d3fa9b5d1bc4f1c0e55";
        running.setBody(running.getBody().replace(fixtureTask, taskArn));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(running));

        // When that task's RUNNING event arrives
        SQSBatchResponse response = handler.handleRequest(event, null);

        // Then ECS got StopTask for that task with the cancel's words, and the record stays CANCELLED
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(calls.requests(StopTaskRequest.class)).singleElement().satisfies(stop -> {
            assertThat(stop.task()).isEqualTo(taskArn);
            assertThat(stop.cluster()).isEqualTo(CLUSTER);
            assertThat(stop.reason()).isEqualTo("Conveyor: cancelled by alice");
        });
        assertThat(plain.ecs().describeTasks(r -> r.cluster(CLUSTER).tasks(taskArn)).tasks().get(0).stoppedReason())
                .isEqualTo("Conveyor: cancelled by alice");
        assertThat(jobs.get(JOB).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.get(JOB).orElseThrow().tasks()).isEmpty();
    }

    @Test
    void handleRequest_outputArchiveOfAStepBeforeAnArchiveFanOut_makesOneChildPerMemberOnceAndTheBatchCountsThem(
            Emulator emulator) throws java.io.IOException {
        // Given a pipeline whose step "each" fans out over the members of each output of step "pack", a batch whose
        // one file's pack job runs, and that job's output: a zip of three members
        AwsClients aws = emulator.clients();
        aws.s3().createBucket(r -> r.bucket(OUT));
        String jobsQueue = aws.sqs().createQueue(r -> r.queueName("jobs")).queueUrl();
        JobIndexTables.create(aws.dynamoDb(), INDEX);
        ObjectStoreRegistry registry = new ObjectStoreRegistry(new S3ObjectStore(aws.s3()), OUT);
        for (String name : List.of("pack", "count")) {
            registry.save(new AlgorithmRecord(name, AlgorithmRecord.Status.ACTIVE, "s3://in/algorithms/" + name + ".json",
                    null, "rev-" + name, "arn:aws:ecs:us-east-1:123456789012:task-definition/conveyor-" + name + ":1",
                    "2026-11-21T00:00:00Z", null, descriptor(name)));
        }
        String document = """
                {"pipeline": "scan", "batches": {"complete": "marker"}, "steps": [
                 {"name": "pack", "algorithm": "pack"},
                 {"name": "each", "algorithm": "count", "after": "pack", "fanOut": {"members": "archive"}},
                 {"name": "all", "algorithm": "count", "gather": "each"}]}""";
        String revision = Digests.sha256(document.getBytes(StandardCharsets.UTF_8));
        registry.save(new PipelineRecord("scan", AlgorithmRecord.Status.ACTIVE, "s3://in/algorithms/scan.json", null,
                revision, "2026-11-21T00:00:00Z", null, document));
        String output = "outputs/scan/b1/pack/a.txt/" + JOB + "/";
        S3JobStore jobs = new S3JobStore(aws.s3(), OUT);
        jobs.create(TestRecords.withId(JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://in/inputs/scan/b1/a.txt",
                "v1", "pack", "rev-pack", 1).withPlace(new PipelinePlace("scan", revision, "b1", "pack", Map.of()))
                .withOutput("s3://" + OUT + "/" + output), Instant.parse("2026-11-21T09:30:00Z")),
                Instant.parse("2026-11-21T09:31:00Z"), new JobEvent.StartRequested("arn:ci/1")), JOB));
        Pipeline pipeline = new ObjectStorePipelineCatalog(new S3ObjectStore(aws.s3()), OUT).pipeline("scan").orElseThrow();
        BatchEvent.FileArrived file = new BatchEvent.FileArrived(new BatchFile("a.txt", "etag:a", 1, null,
                "2026-11-21T09:30:00Z"), List.of(new BatchEvent.Member("pack", JOB)));
        new BatchUpdates(new S3BatchStore(aws.s3(), OUT), java.time.Clock.systemUTC()).apply(pipeline, "b1",
                List.of(file, new BatchEvent.MarkerArrived(Instant.parse("2026-11-21T09:30:01Z"), List.of(file))));
        aws.s3().putObject(r -> r.bucket(OUT).key(output + "bundle.zip"), RequestBody.fromBytes(zip(
                Map.of("one.txt", "1", "sub/two.txt", "2 2", "three.txt", "3 3 3"))));
        TaskEventsHandler handler = new TaskEventsHandler(aws, emulator.environment(Map.of(
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.INPUT_BUCKET, IN, TaskEventsHandler.OUTPUT_BUCKET, OUT,
                TaskEventsHandler.JOBS_QUEUE_URL, jobsQueue, TaskEventsHandler.JOB_INDEX_TABLE, INDEX,
                TaskEventsHandler.STACK_NAME, "conveyor")));
        SQSEvent event = EventLoader.loadSQSEvent("events/task-events/task-stopped.json");

        // When the pack job's task stops well, and its event comes twice
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        List<String> first = jobs.get(JOB).orElseThrow().children();
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        // Then one QUEUED child per member, each taking its member where it was unpacked, the same ids both times
        JobRecord pack = jobs.get(JOB).orElseThrow();
        assertThat(pack.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(pack.children()).hasSize(3).containsExactlyInAnyOrderElementsOf(first);
        String members = "outputs/scan/b1/each.members/pack/a.txt/" + JOB + "/bundle.zip/";
        assertThat(pack.children()).map(id -> jobs.get(id).orElseThrow()).allSatisfy(child -> {
            assertThat(child.state()).isEqualTo(JobState.QUEUED);
            assertThat(child.pipeline().step()).isEqualTo("each");
            assertThat(child.inputVersion()).startsWith("etag:");
        }).extracting(JobRecord::input).map(input -> input.replaceFirst("/[0-9a-f]{16}/", "/<etag>/"))
                .containsExactlyInAnyOrder("s3://" + OUT + "/" + members + "<etag>/one.txt",
                        "s3://" + OUT + "/" + members + "<etag>/sub/two.txt",
                        "s3://" + OUT + "/" + members + "<etag>/three.txt");
        assertThat(aws.s3().listObjectsV2(r -> r.bucket(OUT).prefix(members)).contents()).hasSize(3);
        // and the batch counts them as members of step each, not ended yet: no gather runs without them
        BatchRecord batch = new S3BatchStore(aws.s3(), OUT).read("scan", "b1").orElseThrow().record();
        assertThat(batch.members("each")).containsOnlyKeys(pack.children());
        assertThat(batch.unended()).containsOnlyKeys("each");
        assertThat(batch.gathers()).isEmpty();
        // and each child was sent to dispatch for each delivery (dispatch places a job once)
        assertThat(SqsMessages.receiveBodies(aws.sqs(), jobsQueue, 6)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(pack.children().stream(), pack.children().stream()).map(JobMessages::body)
                        .toList());
    }

    @Test
    void handleRequest_outputListingOfAStepBeforeAListedFanOut_makesOneChildPerListedObjectOnceAndTheBatchCountsThem(
            Emulator emulator) {
        // Given a pipeline whose step "each" fans out over the objects each output of step "plan" lists, a batch whose
        // objects lie in its subfolders of the input bucket, its one file's plan job running, and that job's output: a
        // listing naming a prefix and a key below the batch's folder
        AwsClients aws = emulator.clients();
        aws.s3().createBucket(r -> r.bucket(IN));
        aws.s3().createBucket(r -> r.bucket(OUT));
        String jobsQueue = aws.sqs().createQueue(r -> r.queueName("jobs")).queueUrl();
        JobIndexTables.create(aws.dynamoDb(), INDEX);
        ObjectStoreRegistry registry = new ObjectStoreRegistry(new S3ObjectStore(aws.s3()), OUT);
        for (String name : List.of("plan", "count")) {
            registry.save(new AlgorithmRecord(name, AlgorithmRecord.Status.ACTIVE, "s3://in/algorithms/" + name + ".json",
                    null, "rev-" + name, "arn:aws:ecs:us-east-1:123456789012:task-definition/conveyor-" + name + ":1",
                    "2026-11-21T00:00:00Z", null, descriptor(name)));
        }
        String document = """
                {"pipeline": "scan", "batches": {"complete": "marker"}, "steps": [
                 {"name": "plan", "algorithm": "plan"},
                 {"name": "each", "algorithm": "count", "after": "plan", "fanOut": {"members": "listedPrefix"}},
                 {"name": "all", "algorithm": "count", "gather": "each"}]}""";
        String revision = Digests.sha256(document.getBytes(StandardCharsets.UTF_8));
        registry.save(new PipelineRecord("scan", AlgorithmRecord.Status.ACTIVE, "s3://in/algorithms/scan.json", null,
                revision, "2026-11-21T00:00:00Z", null, document));
        for (String key : List.of("a.txt", "images/2026/x.png", "images/y.png", "extra/z.png", "extra/not-listed.png")) {
            aws.s3().putObject(r -> r.bucket(IN).key("inputs/scan/b1/" + key), RequestBody.fromString(key));
        }
        aws.s3().putObject(r -> r.bucket(IN).key("inputs/other/b1/images/elsewhere.png"), RequestBody.fromString("o"));
        String output = "outputs/scan/b1/plan/a.txt/" + JOB + "/";
        S3JobStore jobs = new S3JobStore(aws.s3(), OUT);
        jobs.create(TestRecords.withId(JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://" + IN
                + "/inputs/scan/b1/a.txt", "v1", "plan", "rev-plan", 1).withPlace(new PipelinePlace("scan", revision, "b1",
                "plan", Map.of())).withOutput("s3://" + OUT + "/" + output), Instant.parse("2026-11-21T09:30:00Z")),
                Instant.parse("2026-11-21T09:31:00Z"), new JobEvent.StartRequested("arn:ci/1")), JOB));
        Pipeline pipeline = new ObjectStorePipelineCatalog(new S3ObjectStore(aws.s3()), OUT).pipeline("scan").orElseThrow();
        BatchEvent.FileArrived file = new BatchEvent.FileArrived(new BatchFile("a.txt", "etag:a", 1, null,
                "2026-11-21T09:30:00Z"), List.of(new BatchEvent.Member("plan", JOB)));
        new BatchUpdates(new S3BatchStore(aws.s3(), OUT), java.time.Clock.systemUTC()).apply(pipeline, "b1",
                List.of(file, new BatchEvent.MarkerArrived(Instant.parse("2026-11-21T09:30:01Z"), List.of(file))));
        aws.s3().putObject(r -> r.bucket(OUT).key(output + "list.txt"), RequestBody.fromString("images/\nextra/z.png\n"));
        TaskEventsHandler handler = new TaskEventsHandler(aws, emulator.environment(Map.of(
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.INPUT_BUCKET, IN, TaskEventsHandler.OUTPUT_BUCKET, OUT,
                TaskEventsHandler.JOBS_QUEUE_URL, jobsQueue, TaskEventsHandler.JOB_INDEX_TABLE, INDEX,
                TaskEventsHandler.STACK_NAME, "conveyor")));
        SQSEvent event = EventLoader.loadSQSEvent("events/task-events/task-stopped.json");

        // When the plan job's task stops well, and its event comes twice
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        List<String> first = jobs.get(JOB).orElseThrow().children();
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        // Then one QUEUED child per listed object, taking it where it lies in the input bucket at its ETag, writing below
        // the batch's outputs in the output bucket; the same ids both times; the unlisted object and the other
        // pipeline's are no job
        JobRecord plan = jobs.get(JOB).orElseThrow();
        assertThat(plan.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(plan.children()).hasSize(3).containsExactlyInAnyOrderElementsOf(first);
        List<JobRecord> children = plan.children().stream().map(id -> jobs.get(id).orElseThrow()).toList();
        assertThat(children).allSatisfy(child -> {
            assertThat(child.state()).isEqualTo(JobState.QUEUED);
            assertThat(child.pipeline().step()).isEqualTo("each");
            assertThat(child.parent()).isEqualTo(JOB);
            String key = child.input().substring(("s3://" + IN + "/").length());
            assertThat(child.inputVersion()).isEqualTo("etag:" + aws.s3().headObject(r -> r.bucket(IN).key(key)).eTag()
                    .replace("\"", ""));
            assertThat(child.output()).isEqualTo("s3://" + OUT + "/outputs/scan/b1/each/"
                    + key.substring("inputs/scan/b1/".length()) + "/" + child.id() + "/");
        }).extracting(JobRecord::input).containsExactlyInAnyOrder("s3://" + IN + "/inputs/scan/b1/images/2026/x.png",
                "s3://" + IN + "/inputs/scan/b1/images/y.png", "s3://" + IN + "/inputs/scan/b1/extra/z.png");
        // and the batch counts them as members of step each, not ended yet: no gather runs without them
        BatchRecord batch = new S3BatchStore(aws.s3(), OUT).read("scan", "b1").orElseThrow().record();
        assertThat(batch.members("each")).containsOnlyKeys(plan.children());
        assertThat(batch.unended()).containsOnlyKeys("each");
        assertThat(batch.gathers()).isEmpty();
        // and each child was sent to dispatch for each delivery (dispatch places a job once)
        assertThat(SqsMessages.receiveBodies(aws.sqs(), jobsQueue, 6)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(plan.children().stream(), plan.children().stream()).map(JobMessages::body)
                        .toList());
    }

    static Descriptor descriptor(String name) {
        try {
            return Json.mapper().readValue("""
                    {"name": "%s", "image": "public.ecr.aws/docker/library/busybox:1.36", "command": ["true"],
                     "resources": {"vcpu": 0.5, "memoryMiB": 512, "gpu": 0}, "timeoutSeconds": 600, "retries": 0}"""
                    .formatted(name), Descriptor.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] zip(Map<String, String> members) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> member : new java.util.TreeMap<>(members).entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(member.getKey()));
                zip.write(member.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The job the fixture's task names, as dispatch leaves it after placing its first attempt. */
    static JobRecord started(int maxAttempts, String output) {
        return TestRecords.withId(JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://in/inputs/word-count/a.txt",
                "v1", "word-count", "r1", maxAttempts).withOutput(output), Instant.parse("2026-11-21T09:30:00Z")),
                Instant.parse("2026-11-21T09:31:00Z"), new JobEvent.StartRequested("arn:ci/1")), JOB);
    }
}
