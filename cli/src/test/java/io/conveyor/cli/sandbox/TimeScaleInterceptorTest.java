package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class TimeScaleInterceptorTest {

    static SdkRequest modified(TimeScaleInterceptor interceptor, SdkRequest request) {
        return interceptor.modifyRequest(() -> request, new ExecutionAttributes());
    }

    @Test
    void modifyRequest_dispatchsWaits_areShortenedByTheScaleButNeverToZero() {
        TimeScaleInterceptor interceptor = new TimeScaleInterceptor(0.05);
        ChangeMessageVisibilityBatchRequest waits = ChangeMessageVisibilityBatchRequest.builder().queueUrl("q").entries(
                ChangeMessageVisibilityBatchRequestEntry.builder().id("1").receiptHandle("r1").visibilityTimeout(30).build(),
                ChangeMessageVisibilityBatchRequestEntry.builder().id("2").receiptHandle("r2").visibilityTimeout(300).build(),
                ChangeMessageVisibilityBatchRequestEntry.builder().id("3").receiptHandle("r3").visibilityTimeout(0).build())
                .build();

        ChangeMessageVisibilityBatchRequest scaled = (ChangeMessageVisibilityBatchRequest) modified(interceptor, waits);

        assertThat(scaled.entries()).extracting(ChangeMessageVisibilityBatchRequestEntry::visibilityTimeout)
                .containsExactly(2, 15, 0);
    }

    @Test
    void modifyRequest_realTime_changesNothing() {
        SendMessageRequest send = SendMessageRequest.builder().queueUrl("q").messageBody("b").delaySeconds(30).build();

        assertThat(modified(new TimeScaleInterceptor(1), send)).isSameAs(send);
        assertThat(((SendMessageRequest) modified(new TimeScaleInterceptor(0.1), send)).delaySeconds()).isEqualTo(3);
    }
}
