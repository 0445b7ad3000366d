package io.conveyor.cli.sandbox;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One SQS trigger of one function, as Lambda's event source mapping runs it: long-polls the queue,
 * gathers up to the batch size within the batching window, invokes the handler, deletes the messages
 * that succeeded and leaves the failed ones (the partial batch response) to come back after the
 * queue's visibility timeout, so that the queue's own redrive moves them to its DLQ. A handler that
 * throws fails its whole batch, as on Lambda. One poller runs one batch at a time, so any
 * {@code ScalingConfig.MaximumConcurrency} (2 at least) holds.
 */
final class EventSourceMapping implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventSourceMapping.class);
    /** How many batches of one mapping the sandbox runs at once. */
    static final int CONCURRENT_BATCHES = 1;
    /** SQS's largest batch of one receive. */
    private static final int RECEIVE_MAX = 10;

    private final SandboxStack.EventSource.Sqs source;
    private final SandboxFunction function;
    private final SqsClient sqs;
    private final String region;
    private final Faults faults;
    private final UnaryOperator<String> bodies;
    private volatile boolean running = true;

    EventSourceMapping(SandboxStack.EventSource.Sqs source, SandboxFunction function, SqsClient sqs, String region,
                       Faults faults) {
        this(source, function, sqs, region, faults, UnaryOperator.identity());
    }

    /** @param bodies what the sandbox changes in a message's body before the handler sees it (an emulator's gap filled) */
    EventSourceMapping(SandboxStack.EventSource.Sqs source, SandboxFunction function, SqsClient sqs, String region,
                       Faults faults, UnaryOperator<String> bodies) {
        this.source = source;
        this.function = function;
        this.sqs = sqs;
        this.region = region;
        this.faults = faults;
        this.bodies = bodies;
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
                List<Message> batch = gather();
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("outcome=poll-failed mapping={} reason=\"{}\"", name(), e.getMessage());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /** Up to the batch size, gathered for at most the batching window once the first message is in. */
    private List<Message> gather() {
        List<Message> batch = new ArrayList<>(receive(1));
        Instant until = Instant.now().plusSeconds(source.windowSeconds());
        while (!batch.isEmpty() && batch.size() < source.batchSize() && Instant.now().isBefore(until)) {
            List<Message> more = receive(0);
            if (more.isEmpty()) {
                pause(Duration.ofMillis(50));
            }
            batch.addAll(more);
        }
        return batch;
    }

    private List<Message> receive(int waitSeconds) {
        int wanted = Math.min(RECEIVE_MAX, Math.max(1, source.batchSize()));
        return sqs.receiveMessage(r -> r.queueUrl(source.queueUrl()).maxNumberOfMessages(wanted)
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
    }

    private void deliver(List<Message> received) {
        Faults.Delivery delivery = faults.deliver(received, body -> sqs.sendMessage(r -> r.queueUrl(source.queueUrl())
                .messageBody(body)));
        Set<String> failed = new HashSet<>();
        List<Message> batch = delivery.messages();
        try {
            SQSBatchResponse response = function.handleSqs(event(batch));
            if (response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            LOG.warn("outcome=batch-failed mapping={} messages={} reason=\"{}\"", name(), batch.size(), e.toString());
            batch.forEach(m -> failed.add(m.messageId()));
        }
        if (delivery.handlerKilled()) {
            // The invocation died before it answered: Lambda deletes nothing, every message comes back.
            LOG.info("outcome=handler-killed mapping={} messages={} handled={}", name(), received.size(), batch.size());
            return;
        }
        // Dropped messages are deleted unseen, as a notification that never arrived.
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message message : received) {
            if (!failed.contains(message.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                        .receiptHandle(message.receiptHandle()).build());
            }
        }
        for (int from = 0; from < done.size(); from += RECEIVE_MAX) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(from, Math.min(done.size(), from + RECEIVE_MAX));
            sqs.deleteMessageBatch(r -> r.queueUrl(source.queueUrl()).entries(chunk));
        }
        LOG.debug("outcome=delivered mapping={} messages={} failed={}", name(), batch.size(), failed.size());
    }

    /** The event Lambda gives a handler for a batch (the fields the SQS event source sets). */
    private SQSEvent event(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : batch) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(bodies.apply(message.body()));
            record.setMd5OfBody(message.md5OfBody());
            Map<String, String> attributes = new HashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.setAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(source.queueArn());
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
