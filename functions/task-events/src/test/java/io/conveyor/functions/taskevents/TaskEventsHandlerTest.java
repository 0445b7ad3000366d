package io.conveyor.functions.taskevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.config.Environment;
import io.conveyor.config.MissingConfigurationException;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.TestRecords;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The handler on event fixtures shaped like AWS's own ECS Task State Change events (EventBridge into
 * SQS), against in-memory stores.
 */
class TaskEventsHandlerTest {

    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";
    /** The job the fixtures' tasks were started for ({@code startedBy} = job id + "-1"). */
    static final String JOB = "job-5d0c2b5d0f8a4a1c9e7b3f21";

    final InMemoryJobStore jobs = new InMemoryJobStore();
    final List<String> queued = new ArrayList<>();
    final List<String> stopped = new ArrayList<>();

    TaskEventsHandler handler() {
        return new TaskEventsHandler(new TaskEventDriver(CLUSTER, jobs, queued::addAll, (attempt, task, why) -> {
            stopped.add(task);
            return 1;
        }, new InMemoryRegistry(),
                new InMemoryObjectStore(), Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC)));
    }

    void jobStartedWithRetries(int retries) {
        jobs.create(TestRecords.withId(JobFixtures.after(JobFixtures.queued(JobFixtures.job(
                        "s3://in/inputs/word-count/a.txt", "v1", "word-count", "r1", 1 + retries)
                        .withOutput("s3://out/outputs/word-count/a.txt/" + JOB + "/"), Instant.parse("2026-11-21T09:30:00Z")),
                Instant.parse("2026-11-21T09:31:00Z"), new JobEvent.StartRequested(
                        "arn:aws:ecs:us-east-1:123456789012:container-instance/conveyor/1b9f")), JOB));
    }

    @ParameterizedTest
    @Event(value = "events/task-events/task-running-and-stopped.json", type = SQSEvent.class)
    void handleRequest_runningThenStopped_recordsTheJobSucceeded(SQSEvent event) {
        jobStartedWithRetries(2);

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        JobRecord record = jobs.get(JOB).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(record.task(1).orElseThrow().exitCodes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                TaskDefinitionWrapper.STAGE_IN, 0, TaskDefinitionWrapper.ALGORITHM, 0, TaskDefinitionWrapper.STAGE_OUT, 0));
        assertThat(record.task(1).orElseThrow().taskArn())
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task/conveyor/7f0ad1d2c4be4d3fa9b5d1bc4f1c0e55");
        assertThat(queued).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/task-events/task-algorithm-failed.json", type = SQSEvent.class)
    void handleRequest_algorithmExitedTwo_queuesTheRetry(SQSEvent event) {
        jobStartedWithRetries(1);

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        JobRecord record = jobs.get(JOB).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.exitCode()).isEqualTo(2);
        assertThat(record.reason()).isEqualTo("exit code 2; trying again (attempt 2 of 2)");
        assertThat(queued).containsExactly(JOB);
    }

    @ParameterizedTest
    @Event(value = "events/task-events/task-instance-terminated.json", type = SQSEvent.class)
    void handleRequest_instanceTerminated_queuesAgainUncounted(SQSEvent event) {
        jobStartedWithRetries(0);

        handler().handleRequest(event, null);

        JobRecord record = jobs.get(JOB).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.interruptions()).isEqualTo(1);
        assertThat(record.mayRetry()).isTrue();
        assertThat(queued).containsExactly(JOB);
    }

    @ParameterizedTest
    @Event(value = "events/task-events/task-stopped.json", type = SQSEvent.class)
    void handleRequest_bodyNotAnEcsEvent_failsThatMessage(SQSEvent event) {
        event.getRecords().get(0).setBody("{\"detail-type\":\"Scheduled Event\",\"id\":\"x\"}");

        SQSBatchResponse response = handler().handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
    }

    @Test
    void new_withoutClusterArn_failsAtInitNamingIt() {
        assertThatThrownBy(() -> new TaskEventsHandler(Environment.of(Map.of())))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("CLUSTER_ARN");
    }

    @Test
    void new_withoutJobIndexTable_failsAtInitNamingIt() {
        assertThatThrownBy(() -> new TaskEventsHandler(Environment.of(Map.of(TaskEventsHandler.CLUSTER_ARN, CLUSTER,
                TaskEventsHandler.OUTPUT_BUCKET, "out", TaskEventsHandler.JOBS_QUEUE_URL, "https://sqs/q",
                "AWS_REGION", "us-east-1"))))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("JOB_INDEX_TABLE");
    }

    @Test
    void new_withoutInputBucket_failsAtInitNamingIt() {
        assertThatThrownBy(() -> new TaskEventsHandler(Environment.of(Map.of(TaskEventsHandler.CLUSTER_ARN, CLUSTER,
                TaskEventsHandler.OUTPUT_BUCKET, "out", TaskEventsHandler.JOBS_QUEUE_URL, "https://sqs/q",
                TaskEventsHandler.JOB_INDEX_TABLE, "index", "AWS_REGION", "us-east-1"))))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("INPUT_BUCKET");
    }

    @Test
    void new_withoutJobsQueue_failsAtInitNamingIt() {
        assertThatThrownBy(() -> new TaskEventsHandler(Environment.of(Map.of(TaskEventsHandler.CLUSTER_ARN, CLUSTER,
                TaskEventsHandler.OUTPUT_BUCKET, "out", "AWS_REGION", "us-east-1"))))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("JOBS_QUEUE_URL");
    }
}
