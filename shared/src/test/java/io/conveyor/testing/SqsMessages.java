package io.conveyor.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Wiring S3 to SQS in the emulator and turning what SQS delivers into the event Lambda would pass.
 */
public final class SqsMessages {

    private SqsMessages() {
    }

    /**
     * Creates a versioned bucket and a queue, and has the bucket notify the queue of objects created
     * under {@code prefix}. S3's own test event is drained, so the queue starts empty.
     *
     * @return the queue's URL
     */
    public static String notifyingQueue(S3Client s3, SqsClient sqs, String bucket, String queue, String prefix) {
        s3.createBucket(r -> r.bucket(bucket));
        s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        String queueUrl = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        // moto matches filter rule names case-sensitively: send the lowercase "prefix", not the SDK's enum.
        s3.putBucketNotificationConfiguration(r -> r.bucket(bucket).notificationConfiguration(n -> n
                .queueConfigurations(q -> q.queueArn(queueArn).events(Event.S3_OBJECT_CREATED)
                        .filter(f -> f.key(k -> k.filterRules(FilterRule.builder().name("prefix").value(prefix).build()))))));
        receive(sqs, queueUrl, 1).forEach(message -> sqs.deleteMessage(r -> r.queueUrl(queueUrl)
                .receiptHandle(message.receiptHandle())));
        return queueUrl;
    }

    /** Receives until {@code expected} messages arrived or a few empty polls went by. */
    public static List<Message> receive(SqsClient sqs, String queueUrl, int expected) {
        List<Message> messages = new ArrayList<>();
        for (int emptyPolls = 0; messages.size() < expected && emptyPolls < 3; ) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                emptyPolls++;
            }
            messages.addAll(batch);
        }
        return messages;
    }

    /** The bodies of up to {@code expected} messages. */
    public static List<String> receiveBodies(SqsClient sqs, String queueUrl, int expected) {
        return receive(sqs, queueUrl, expected).stream().map(Message::body).toList();
    }

    /** The SQS event Lambda's event source mapping would build from these messages. */
    public static SQSEvent toEvent(List<Message> messages, String queueArn) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            Map<String, String> attributes = new HashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.setAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(Emulator.REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
