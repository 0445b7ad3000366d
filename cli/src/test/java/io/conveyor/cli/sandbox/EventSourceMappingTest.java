package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class EventSourceMappingTest {

    static final String QUEUE = "http://127.0.0.1:5000/123456789012/jobs";
    static final String ARN = "arn:aws:sqs:us-east-1:123456789012:jobs";

    /** A queue in memory: what a receive returns, what was deleted and sent. */
    static final class FakeSqs implements SqsClient {
        final Deque<List<Message>> receives = new ArrayDeque<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> sent = new ArrayList<>();
        Runnable whenEmpty = () -> { };

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
            assertThat(request.queueUrl()).isEqualTo(QUEUE);
            assertThat(request.messageSystemAttributeNames()).contains(MessageSystemAttributeName.ALL);
            List<Message> next = receives.poll();
            if (next == null) {
                whenEmpty.run();
                next = List.of();
            }
            return ReceiveMessageResponse.builder().messages(next).build();
        }

        @Override
        public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
            request.entries().forEach(e -> deleted.add(e.receiptHandle()));
            return DeleteMessageBatchResponse.builder().build();
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            sent.add(request.messageBody());
            return SendMessageResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    /** A handler that records its batches and fails the messages it is told to. */
    static final class Handler implements RequestHandler<SQSEvent, SQSBatchResponse> {
        final List<List<String>> batches = new ArrayList<>();
        final List<String> fail = new ArrayList<>();
        RuntimeException throwing;

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            batches.add(event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList());
            event.getRecords().forEach(record -> {
                assertThat(record.getEventSourceArn()).isEqualTo(ARN);
                assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1");
            });
            if (throwing != null) {
                throw throwing;
            }
            return SQSBatchResponse.builder().withBatchItemFailures(event.getRecords().stream()
                    .filter(r -> fail.contains(r.getBody()))
                    .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList()).build();
        }
    }

    final FakeSqs sqs = new FakeSqs();
    final Handler handler = new Handler();

    static Message message(int i) {
        return Message.builder().messageId("m" + i).receiptHandle("r" + i).body("b" + i)
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")).build();
    }

    EventSourceMapping mapping(int batchSize, int window, Faults.Settings faults) {
        SandboxStack.FunctionBinding binding = new SandboxStack.FunctionBinding("DispatchFunction", Handler.class.getName(),
                Map.of(), 60, List.of());
        EventSourceMapping mapping = new EventSourceMapping(new SandboxStack.EventSource.Sqs("Inputs", QUEUE, ARN,
                batchSize, window), SandboxFunction.of(binding, handler), sqs, "us-east-1", new Faults(faults));
        Consumer<Void> stop = v -> mapping.stop();
        sqs.whenEmpty = () -> stop.accept(null);
        return mapping;
    }

    @Test
    void run_partialBatchResponse_deletesOnlyTheMessagesThatSucceeded() {
        // Given three messages of which the handler fails one
        sqs.receives.add(List.of(message(1), message(2), message(3)));
        handler.fail.add("b2");

        // When the mapping delivers them
        mapping(10, 0, Faults.NONE).run();

        // Then the two others are deleted; the failed one stays for the queue's redrive
        assertThat(handler.batches).containsExactly(List.of("b1", "b2", "b3"));
        assertThat(sqs.deleted).containsExactly("r1", "r3");
    }

    @Test
    void run_handlerThrows_deletesNothing() {
        sqs.receives.add(List.of(message(1), message(2)));
        handler.throwing = new IllegalStateException("S3 unavailable");

        mapping(10, 0, Faults.NONE).run();

        assertThat(sqs.deleted).isEmpty();
    }

    @Test
    void run_batchingWindow_gathersUpToTheBatchSize() {
        sqs.receives.add(List.of(message(1)));
        sqs.receives.add(List.of(message(2), message(3)));
        sqs.receives.add(List.of(message(4)));

        mapping(3, 1, Faults.NONE).run();

        assertThat(handler.batches).containsExactly(List.of("b1", "b2", "b3"), List.of("b4"));
        assertThat(sqs.deleted).containsExactly("r1", "r2", "r3", "r4");
    }

    @Test
    void run_droppedMessages_areDeletedUnseen() {
        sqs.receives.add(List.of(message(1), message(2)));

        mapping(10, 0, new Faults.Settings(1, 0, 0, 1)).run();

        assertThat(handler.batches).containsExactly(List.of());
        assertThat(sqs.deleted).containsExactly("r1", "r2");
    }

    @Test
    void run_handlerKilledMidBatch_deletesNothingSoEveryMessageComesBack() {
        sqs.receives.add(List.of(message(1), message(2), message(3)));

        mapping(10, 0, new Faults.Settings(0, 0, 1, 5)).run();

        assertThat(handler.batches).hasSize(1);
        assertThat(handler.batches.get(0).size()).isLessThan(3);
        assertThat(sqs.deleted).isEmpty();
    }

    @Test
    void run_duplicates_areSentToTheQueueAgain() {
        sqs.receives.add(List.of(message(1)));

        mapping(10, 0, new Faults.Settings(0, 1, 0, 1)).run();

        assertThat(sqs.sent).containsExactly("b1");
        assertThat(sqs.deleted).containsExactly("r1");
    }
}
