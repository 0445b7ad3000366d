package io.conveyor.cli.sandbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An EventBridge rule whose target is a function: the emulator matches events against the rule's
 * pattern and puts each match in a delivery queue; this invokes the function with each event, one at
 * a time, as EventBridge invokes a function asynchronously. A failed invocation leaves its event in
 * the queue to come back (EventBridge retries too).
 */
final class RuleDelivery implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleDelivery.class);

    private final SandboxStack.EventSource.Rule source;
    private final SandboxFunction function;
    private final SqsClient sqs;
    private volatile boolean running = true;

    RuleDelivery(SandboxStack.EventSource.Rule source, SandboxFunction function, SqsClient sqs) {
        this.source = source;
        this.function = function;
        this.sqs = sqs;
    }

    String name() {
        return function.name() + "/" + source.name();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                for (Message message : sqs.receiveMessage(r -> r.queueUrl(source.deliveryQueueUrl())
                        .maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    deliver(message);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("outcome=poll-failed rule={} reason=\"{}\"", name(), e.getMessage());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    private void deliver(Message message) {
        try {
            function.handleJson(message.body());
            sqs.deleteMessage(r -> r.queueUrl(source.deliveryQueueUrl()).receiptHandle(message.receiptHandle()));
        } catch (RuntimeException e) {
            LOG.warn("outcome=invocation-failed rule={} reason=\"{}\"", name(), e.toString());
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
