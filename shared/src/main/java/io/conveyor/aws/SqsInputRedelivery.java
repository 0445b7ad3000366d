package io.conveyor.aws;

import io.conveyor.events.S3EventNotifications;
import io.conveyor.reconcile.InputObject;
import io.conveyor.reconcile.InputRedelivery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Sends an input's lost notification to the jobs queue, shaped as S3 sends it, ten per SendMessageBatch:
 * dispatch admits it as any other notification (its create is {@code If-None-Match: *}, so one job).
 */
public final class SqsInputRedelivery implements InputRedelivery {

    private final SqsClient sqs;
    private final String queueUrl;
    private final Clock clock;

    public SqsInputRedelivery(SqsClient sqs, String queueUrl, Clock clock) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void redeliver(List<InputObject> inputs) {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < inputs.size(); from += SqsJobQueue.BATCH) {
            List<InputObject> batch = inputs.subList(from, Math.min(inputs.size(), from + SqsJobQueue.BATCH));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                InputObject input = batch.get(i);
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(S3EventNotifications.created(input.ref(), input.versionId(), input.eTag(),
                                input.size(), clock.instant())).build());
            }
            sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed()
                    .forEach(f -> failed.add(batch.get(Integer.parseInt(f.id())).ref() + " (" + f.code() + ")"));
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("the jobs queue refused " + failed.size() + " of " + inputs.size()
                    + " notifications: " + failed);
        }
    }
}
