package io.conveyor.functions.taskevents;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.S3JobStore;
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
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.OUTPUT_BUCKET, OUT,
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
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.OUTPUT_BUCKET, OUT,
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
                TaskEventsHandler.CLUSTER_ARN, CLUSTER, TaskEventsHandler.OUTPUT_BUCKET, OUT,
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

    /** The job the fixture's task names, as dispatch leaves it after placing its first attempt. */
    static JobRecord started(int maxAttempts, String output) {
        return TestRecords.withId(JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://in/inputs/word-count/a.txt",
                "v1", "word-count", "r1", maxAttempts).withOutput(output), Instant.parse("2026-11-21T09:30:00Z")),
                Instant.parse("2026-11-21T09:31:00Z"), new JobEvent.StartRequested("arn:ci/1")), JOB);
    }
}
