package io.conveyor.aws;

import io.conveyor.reconcile.DeadLetterCounts;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The approximate message count of each dead-letter queue: one GetQueueAttributes per queue. */
public final class SqsDeadLetterCounts implements DeadLetterCounts {

    private final SqsClient sqs;
    private final Map<String, String> queueUrls;

    /** @param queueUrls the stack's name of each dead-letter queue → its URL */
    public SqsDeadLetterCounts(SqsClient sqs, Map<String, String> queueUrls) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrls = Map.copyOf(queueUrls);
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        queueUrls.forEach((name, url) -> counts.put(name, Long.parseLong(sqs.getQueueAttributes(r -> r.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))));
        return counts;
    }
}
