package io.conveyor.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.events.S3EventNotifications;
import io.conveyor.intake.ObjectIntake;
import io.conveyor.storage.BucketLayout;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import io.conveyor.testing.SqsMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An input put into moto's S3 → the notification moto delivers to SQS → the dispatch handler.
 */
@AwsEmulator
class DispatchHandlerIT {

    private static final String BUCKET = "conveyor-it-in";

    @Test
    void handleRequest_notificationFromS3_looksUpTheDecodedKeyAtTheNotifiedVersion(Emulator emulator) {
        RecordingInterceptor requests = new RecordingInterceptor();
        AwsClients clients = emulator.clients().with(requests);
        try (S3Client s3 = clients.s3(); SqsClient sqs = emulator.clients().sqs()) {
            // Given an input whose key has a space, a '+' and unicode, put into the watched bucket
            String queueUrl = SqsMessages.notifyingQueue(s3, sqs, BUCKET, "jobs", BucketLayout.INPUTS_PREFIX);
            String key = "inputs/word-count/notes été+1.txt";
            s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("a b c"));
            List<Message> messages = SqsMessages.receive(sqs, queueUrl, 1);
            // AWS puts the new versionId into notifications of versioned buckets; moto 5.2.1 leaves it
            // out. The handler must ask for whatever version was notified (null here): the AWS-shaped
            // fixtures in DispatchHandlerTest cover a notified version.
            String notifiedVersion = S3EventNotifications.parse(messages.get(0).body()).get(0).versionId();
            DispatchHandler handler = new DispatchHandler(new ObjectIntake(new S3ObjectStore(s3),
                    BucketLayout.INPUTS_PREFIX));

            // When the handler gets what SQS delivered
            SQSBatchResponse response = handler.handleRequest(SqsMessages.toEvent(messages, "arn:aws:sqs:us-east-1:123456789012:jobs"), null);

            // Then it asked S3 about that very object, at the notified version, and the message is done
            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(requests.requests(HeadObjectRequest.class)).singleElement().satisfies(head -> {
                assertThat(head.bucket()).isEqualTo(BUCKET);
                assertThat(head.key()).isEqualTo(key);
                assertThat(head.versionId()).isEqualTo(notifiedVersion);
            });
        }
    }

    @Test
    void handleRequest_batchWithAPoisonMessage_failsOnlyThatMessage(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3(); SqsClient sqs = emulator.clients().sqs()) {
            // Given two real notifications and a message that is not one, in one batch
            String queueUrl = SqsMessages.notifyingQueue(s3, sqs, BUCKET, "jobs", BucketLayout.INPUTS_PREFIX);
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/wc/a.txt"), RequestBody.fromString("a"));
            s3.putObject(r -> r.bucket(BUCKET).key("inputs/wc/b.txt"), RequestBody.empty());
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"Records\":[{\"eventSource\":\"aws:s3\"}]}"));
            List<Message> messages = new ArrayList<>(SqsMessages.receive(sqs, queueUrl, 3));
            assertThat(messages).hasSize(3);
            String poison = messages.stream().filter(m -> !m.body().contains("ObjectCreated")).findFirst()
                    .orElseThrow().messageId();

            // When the handler is built the way `conveyor invoke` builds it, from an environment
            SQSEvent event = SqsMessages.toEvent(messages, "arn:aws:sqs:us-east-1:123456789012:jobs");
            SQSBatchResponse response = new DispatchHandler(emulator.environment(Map.of())).handleRequest(event, null);

            // Then only the poison message returns to the queue
            assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(poison);
        }
    }
}
