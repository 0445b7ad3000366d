package io.conveyor.cli.sandbox;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The handlers' waits in the queue, in the sandbox's time: dispatch returns a waiting job's message
 * with a delay (30 s, then doubling); at a time scale below 1 that delay is shortened by the same
 * factor, on the handlers' own SQS requests. The emulator keeps time in wall seconds, so this is the
 * only way its queues can follow the sandbox's faster minutes.
 */
final class TimeScaleInterceptor implements ExecutionInterceptor {

    private final SandboxClock clock;
    private final double scale;

    TimeScaleInterceptor(SandboxClock clock) {
        this.clock = clock;
        this.scale = clock.scale();
    }

    /**
     * The emulator's times that handlers compare with their own clock, in the sandbox's time: objects'
     * {@code LastModified} in bucket listings (the reconciler's settle time) and instances' {@code LaunchTime}
     * (fleet-monitor terminates an instance not registered 15 minutes after its launch: in wall time, every
     * instance launched after the sandbox's first 45 s looked that old at once and was terminated if its
     * registration was not yet seen).
     */
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        if (scale >= 1) {
            return response;
        }
        return switch (response) {
            case ListObjectVersionsResponse list -> list.toBuilder().versions(list.versions().stream()
                    .map(v -> v.lastModified() == null ? v : v.toBuilder().lastModified(lastModified(v.lastModified())).build())
                    .toList()).build();
            case ListObjectsV2Response list -> list.toBuilder().contents(list.contents().stream()
                    .map(o -> o.lastModified() == null ? o : o.toBuilder().lastModified(lastModified(o.lastModified())).build())
                    .toList()).build();
            case DescribeInstancesResponse described -> described.toBuilder().reservations(described.reservations().stream()
                    .map(r -> r.toBuilder().instances(r.instances().stream().map(i -> i.launchTime() == null ? i
                            : i.toBuilder().launchTime(clock.at(i.launchTime())).build()).toList()).build())
                    .toList()).build();
            default -> response;
        };
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (scale >= 1) {
            return request;
        }
        return switch (request) {
            case ChangeMessageVisibilityRequest change -> change.toBuilder()
                    .visibilityTimeout(scaled(change.visibilityTimeout())).build();
            case ChangeMessageVisibilityBatchRequest batch -> batch.toBuilder().entries(batch.entries().stream()
                    .map(e -> e.toBuilder().visibilityTimeout(scaled(e.visibilityTimeout())).build()).toList()).build();
            case SendMessageRequest send -> send.delaySeconds() == null ? send
                    : send.toBuilder().delaySeconds(scaled(send.delaySeconds())).build();
            case SendMessageBatchRequest batch -> batch.toBuilder().entries(batch.entries().stream()
                    .map(e -> e.delaySeconds() == null ? e : e.toBuilder().delaySeconds(scaled(e.delaySeconds())).build())
                    .toList()).build();
            default -> request;
        };
    }

    /**
     * S3 tells {@code LastModified} truncated to the second, so the write lies within the second after it: a
     * wall second lasts many sandbox seconds, and a reader that allows S3's one second of precision must still
     * find the write within it. So the end of that second, less one sandbox second.
     */
    private java.time.Instant lastModified(java.time.Instant truncated) {
        return clock.at(truncated.plusSeconds(1)).minusSeconds(1);
    }

    /** At least a second when there was one: 0 means "visible at once", a different thing. */
    private Integer scaled(Integer seconds) {
        if (seconds == null || seconds == 0) {
            return seconds;
        }
        return (int) Math.max(1, Math.round(seconds * scale));
    }
}
