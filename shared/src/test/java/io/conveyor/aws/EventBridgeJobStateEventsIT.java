package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import io.conveyor.observe.JobStateEvent;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Job events reach a queue through the example rule of docs/users.md (#job-events), on moto. */
@AwsEmulator
class EventBridgeJobStateEventsIT {

    /** The rule's pattern as docs/users.md shows it. */
    static final String FAILED_JOBS = "{\"source\":[\"conveyor\"],\"detail-type\":[\"Job State Change\"],"
            + "\"detail\":{\"stack\":[\"prod\"],\"state\":[\"FAILED\"]}}";

    @Test
    void publish_failedAndSucceededJobs_onlyTheFailureReachesTheRulesQueue(Emulator emulator) throws Exception {
        try (EventBridgeClient events = emulator.clients().eventBridge(); SqsClient sqs = emulator.clients().sqs()) {
            // Given the example rule sending a stack's failed jobs to a queue
            String queueUrl = sqs.createQueue(r -> r.queueName("prod-failed-jobs")).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            events.putRule(r -> r.name("prod-failed-jobs").eventPattern(FAILED_JOBS));
            events.putTargets(r -> r.rule("prod-failed-jobs").targets(t -> t.id("failed").arn(queueArn)));
            EventBridgeJobStateEvents publisher = new EventBridgeJobStateEvents(events, "default");

            // When a job of the stack fails, another succeeds, and a job of another stack fails
            publisher.publish(event("prod", "job-1", JobState.FAILED));
            publisher.publish(event("prod", "job-2", JobState.SUCCEEDED));
            publisher.publish(event("test", "job-3", JobState.FAILED));

            // Then the queue holds the one failure of prod, with its detail as published
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            assertThat(received).hasSize(1);
            JsonNode body = Json.mapper().readTree(received.get(0).body());
            assertThat(body.get("source").asText()).isEqualTo("conveyor");
            assertThat(body.get("detail-type").asText()).isEqualTo("Job State Change");
            assertThat(body.at("/detail/jobId").asText()).isEqualTo("job-1");
            assertThat(body.at("/detail/previousState").asText()).isEqualTo("RUNNING");
            assertThat(body.at("/detail/input/key").asText()).isEqualTo("inputs/wc/a.txt");
            assertThat(body.at("/detail/exitCode").asInt()).isEqualTo(3);
        }
    }

    static JobStateEvent event(String stack, String jobId, JobState state) {
        return new JobStateEvent(stack, jobId, "wc", state, JobState.RUNNING, 1,
                new JobStateEvent.Input("in", "inputs/wc/a.txt"), state == JobState.FAILED ? "exit code 3" : null,
                state == JobState.FAILED ? 3 : 0, "s3://out/outputs/wc/a.txt/" + jobId + "/", List.of(),
                "2026-11-21T10:03:30Z");
    }
}
