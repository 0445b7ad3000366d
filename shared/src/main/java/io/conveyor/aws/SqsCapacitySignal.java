package io.conveyor.aws;

import io.conveyor.dispatch.CapacityNeed;
import io.conveyor.dispatch.CapacitySignal;
import io.conveyor.events.CapacityNeedMessages;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends a {@link CapacityNeed} to the stack's capacity queue, which triggers the capacity function. One
 * SendMessage per dispatch batch with waiting jobs: dispatch carries no EC2 client at all.
 */
public final class SqsCapacitySignal implements CapacitySignal {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsCapacitySignal(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    @Override
    public void send(CapacityNeed need) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(CapacityNeedMessages.body(need)));
    }
}
