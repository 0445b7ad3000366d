package io.conveyor.aws;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Puts a message that no retry can mend straight into a dead-letter queue, with the reason as a
 * message attribute, instead of letting it come back until the queue's maxReceiveCount.
 */
public final class SqsDeadLetters {

    /** Message attributes on each dead letter. */
    public static final String REASON = "conveyor-reason";
    public static final String SOURCE_MESSAGE_ID = "conveyor-source-message-id";

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsDeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    /** Sends the body unchanged, with why and where it came from. */
    public void send(String body, String messageId, String reason) {
        // Attribute values are limited with the message to 256 KiB; a reason is one line.
        String shortReason = reason.length() > 1000 ? reason.substring(0, 1000) + "..." : reason;
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageAttributes(Map.of(
                REASON, MessageAttributeValue.builder().dataType("String").stringValue(shortReason).build(),
                SOURCE_MESSAGE_ID, MessageAttributeValue.builder().dataType("String").stringValue(messageId).build())));
    }
}
