package io.conveyor.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.events.MalformedEventException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes an SQS batch one message at a time and reports each failed message on its own
 * ({@code ReportBatchItemFailures}): one bad message never fails its neighbours.
 */
public final class SqsBatch {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    /** What to do with one message body; throwing marks that message failed. */
    @FunctionalInterface
    public interface MessageHandler {
        void handle(String body) throws Exception;
    }

    private SqsBatch() {
    }

    /**
     * Hands every message of the batch to {@code handler}; a message whose handling throws goes back
     * to the queue (and after the queue's maxReceiveCount to its DLQ), logged with its reason.
     */
    public static SQSBatchResponse process(SQSEvent event, MessageHandler handler) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            try {
                handler.handle(message.getBody());
            } catch (MalformedEventException e) {
                // Retrying cannot mend it; after maxReceiveCount it rests in the DLQ, its reason logged here.
                LOG.warn("outcome=message-malformed messageId={} receiveCount={} reason=\"{}\"", message.getMessageId(),
                        receiveCount(message), e.getMessage());
                failures.add(failure(message.getMessageId()));
            } catch (Exception e) {
                LOG.error("outcome=message-failed messageId={} receiveCount={} reason=\"{}\"", message.getMessageId(),
                        receiveCount(message), e.getMessage(), e);
                failures.add(failure(message.getMessageId()));
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** The report that one message failed: it goes back to the queue. */
    public static SQSBatchResponse.BatchItemFailure failure(String messageId) {
        return SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(messageId).build();
    }

    /** How often SQS has delivered the message ({@code ApproximateReceiveCount}); 1 when it does not say. */
    public static int receiveCount(SQSEvent.SQSMessage message) {
        try {
            return message.getAttributes() == null ? 1
                    : Integer.parseInt(message.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
