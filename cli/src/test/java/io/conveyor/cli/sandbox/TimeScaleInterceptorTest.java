package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class TimeScaleInterceptorTest {

    static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

    static SandboxClock clock(double scale) {
        return SandboxClock.scaled(Clock.fixed(START, ZoneOffset.UTC), scale);
    }

    static SdkRequest modified(TimeScaleInterceptor interceptor, SdkRequest request) {
        return interceptor.modifyRequest(() -> request, new ExecutionAttributes());
    }

    @Test
    void modifyRequest_dispatchsWaits_areShortenedByTheScaleButNeverToZero() {
        TimeScaleInterceptor interceptor = new TimeScaleInterceptor(clock(0.05));
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
    void modifyResponse_bucketListing_tellsLastModifiedInSandboxTime() {
        // Given an object the emulator says was written in the 3rd wall second after the sandbox started
        TimeScaleInterceptor interceptor = new TimeScaleInterceptor(clock(0.05));
        ListObjectVersionsResponse listing = ListObjectVersionsResponse.builder().versions(ObjectVersion.builder()
                .key("inputs/a.txt").lastModified(START.plusSeconds(3)).build()).build();

        // When the handler's listing comes back
        Context.ModifyResponse context = (Context.ModifyResponse) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Context.ModifyResponse.class},
                (proxy, method, args) -> method.getName().equals("response") ? listing : null);
        SdkResponse seen = interceptor.modifyResponse(context, new ExecutionAttributes());

        // Then it was written within the 20 sandbox seconds of that wall second (told to the second, truncated):
        // its last sandbox second, a sandbox minute and 19 s after the start
        assertThat(((ListObjectVersionsResponse) seen).versions().get(0).lastModified()).isEqualTo(START.plusSeconds(79));
    }

    @Test
    void modifyResponse_instances_tellLaunchTimeInSandboxTime() {
        // Given an instance the emulator says was launched 6 wall seconds after the sandbox started
        TimeScaleInterceptor interceptor = new TimeScaleInterceptor(clock(0.05));
        DescribeInstancesResponse described = DescribeInstancesResponse.builder().reservations(Reservation.builder()
                .instances(Instance.builder().instanceId("i-1").launchTime(START.plusSeconds(6)).build()).build()).build();
        Context.ModifyResponse context = (Context.ModifyResponse) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Context.ModifyResponse.class},
                (proxy, method, args) -> method.getName().equals("response") ? described : null);

        // When fleet-monitor's answer comes back
        SdkResponse seen = interceptor.modifyResponse(context, new ExecutionAttributes());

        // Then it was launched two sandbox minutes after the start
        assertThat(((DescribeInstancesResponse) seen).reservations().get(0).instances().get(0).launchTime())
                .isEqualTo(START.plusSeconds(120));
    }

    @Test
    void modifyRequest_realTime_changesNothing() {
        SendMessageRequest send = SendMessageRequest.builder().queueUrl("q").messageBody("b").delaySeconds(30).build();

        assertThat(modified(new TimeScaleInterceptor(clock(1)), send)).isSameAs(send);
        assertThat(((SendMessageRequest) modified(new TimeScaleInterceptor(clock(0.1)), send)).delaySeconds()).isEqualTo(3);
    }
}
