package io.conveyor.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns received messages to their queue with a delay (their visibility timeout changed), so a job
 * waits in SQS, not in a sleeping Lambda. The caller then reports them as batch item failures.
 */
public final class SqsMessageDelays {

    private static final Logger LOG = LoggerFactory.getLogger(SqsMessageDelays.class);
    /** ChangeMessageVisibilityBatch takes at most this many entries. */
    private static final int BATCH_LIMIT = 10;

    private final SqsClient sqs;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    public SqsMessageDelays(SqsClient sqs) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
    }

    /**
     * One message to delay.
     *
     * @param queueArn      the queue it came from (the event's {@code eventSourceARN})
     * @param receiptHandle its receipt handle
     * @param delaySeconds  when it is to be visible again
     */
    public record Delay(String queueArn, String receiptHandle, int delaySeconds) {
    }

    /**
     * Delays each message; a message whose delay fails keeps the queue's own visibility timeout, which
     * only makes it wait longer. Returns how many were delayed.
     */
    public int delay(List<Delay> delays) {
        int delayed = 0;
        Map<String, List<Delay>> byQueue = new java.util.LinkedHashMap<>();
        delays.forEach(d -> byQueue.computeIfAbsent(d.queueArn(), q -> new ArrayList<>()).add(d));
        for (Map.Entry<String, List<Delay>> queue : byQueue.entrySet()) {
            String url = queueUrls.computeIfAbsent(queue.getKey(), this::queueUrl);
            List<Delay> all = queue.getValue();
            for (int from = 0; from < all.size(); from += BATCH_LIMIT) {
                List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
                List<Delay> chunk = all.subList(from, Math.min(all.size(), from + BATCH_LIMIT));
                for (int i = 0; i < chunk.size(); i++) {
                    entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(chunk.get(i).receiptHandle())
                            .visibilityTimeout(chunk.get(i).delaySeconds()).build());
                }
                var response = sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url).entries(entries));
                delayed += response.successful().size();
                for (BatchResultErrorEntry failed : response.failed()) {
                    LOG.warn("outcome=delay-failed queue={} entry={} code={} reason=\"{}\"", queue.getKey(), failed.id(),
                            failed.code(), failed.message());
                }
            }
        }
        return delayed;
    }

    /** {@code arn:aws:sqs:<region>:<account>:<name>} → the queue's URL. */
    private String queueUrl(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !"sqs".equals(parts[2])) {
            throw new IllegalArgumentException("not an SQS queue ARN: '" + arn + "'");
        }
        return sqs.getQueueUrl(r -> r.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
    }
}
