package io.conveyor.aws;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchMessages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A batch's look again on SQS: a {@code {"conveyorBatch": ...}} message to the jobs queue, delayed until the instant
 * or by SQS's 900 s at most (dispatch's tick then finds the batch still open and sends the next one).
 */
public final class SqsBatchLooks implements BatchDriver.LookAgainLater {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchLooks.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Clock clock;

    public SqsBatchLooks(SqsClient sqs, String queueUrl, Clock clock) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void lookAgain(String pipeline, String batch, Instant at) {
        // Rounded up: a tick a fraction of a second early would only send another.
        long millis = Duration.between(clock.instant(), at).toMillis();
        int delay = BatchMessages.delaySeconds((millis + 999) / 1000);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(BatchMessages.body(pipeline, batch, at)).delaySeconds(delay));
        LOG.info("outcome=batch-look-again pipeline={} batch={} at={} delaySeconds={}", pipeline, batch, at, delay);
    }
}
