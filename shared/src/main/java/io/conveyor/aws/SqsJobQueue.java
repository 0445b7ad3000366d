package io.conveyor.aws;

import io.conveyor.jobs.JobMessages;
import io.conveyor.jobs.JobQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The jobs queue on SQS: ten messages per SendMessageBatch call.
 */
public final class SqsJobQueue implements JobQueue {

    /** SQS's limit of entries per batch. */
    static final int BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsJobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    @Override
    public void submit(List<String> jobIds) {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < jobIds.size(); from += BATCH) {
            List<String> batch = jobIds.subList(from, Math.min(jobIds.size(), from + BATCH));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(JobMessages.body(batch.get(i))).build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            response.failed().forEach(f -> failed.add(batch.get(Integer.parseInt(f.id())) + " (" + f.code() + ": "
                    + f.message() + ")"));
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("the jobs queue refused " + failed.size() + " of " + jobIds.size()
                    + " messages: " + failed);
        }
    }
}
