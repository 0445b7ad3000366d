package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.IdleAlarm;
import io.conveyor.fleet.IdlePolicy;
import io.conveyor.testing.RecordingInterceptor;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.SetAlarmStateRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The exact CloudWatch requests of the idle alarms and the task-count metric, seen by an SDK
 * interceptor: moto cannot parse the SDK's CBOR CloudWatch requests (SDK 2.40.5 and newer) and never
 * runs alarm actions, so these are checked at the SDK level. The HTTP client answers every call with
 * an empty CBOR map; DescribeAlarms' answer is given by the test.
 */
class CloudWatchIdleAlarmsTest {

    static final IdlePolicy POLICY = new IdlePolicy("conveyor", 10, "Conveyor", "Tasks");

    final RecordingInterceptor calls = new RecordingInterceptor();
    final List<DescribeAlarmsResponse> describeAnswers = new ArrayList<>();

    CloudWatchClient client(Region region) {
        ExecutionInterceptor answers = new ExecutionInterceptor() {
            @Override
            public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
                if (context.response() instanceof DescribeAlarmsResponse && !describeAnswers.isEmpty()) {
                    return describeAnswers.remove(0);
                }
                return context.response();
            }
        };
        return CloudWatchClient.builder().region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(new EmptyCborAnswers())
                .overrideConfiguration(o -> o.addExecutionInterceptor(calls).addExecutionInterceptor(answers))
                .build();
    }

    @Test
    void create_instance_putsTheExactIdleAlarm() {
        // Given
        CloudWatchIdleAlarms alarms = new CloudWatchIdleAlarms(client(Region.EU_WEST_1), POLICY, Region.EU_WEST_1);

        // When
        alarms.create("i-0abc");

        // Then: max of the task count ≤ 0 in 10 consecutive one-minute periods; missing data is fine
        PutMetricAlarmRequest request = calls.requests(PutMetricAlarmRequest.class).get(0);
        assertThat(request.alarmName()).isEqualTo("conveyor-idle-i-0abc");
        assertThat(request.namespace()).isEqualTo("Conveyor");
        assertThat(request.metricName()).isEqualTo("Tasks");
        assertThat(request.dimensions()).containsExactly(Dimension.builder().name("InstanceId").value("i-0abc").build());
        assertThat(request.statistic()).isEqualTo(Statistic.MAXIMUM);
        assertThat(request.period()).isEqualTo(60);
        assertThat(request.evaluationPeriods()).isEqualTo(10);
        assertThat(request.datapointsToAlarm()).isEqualTo(10);
        assertThat(request.threshold()).isEqualTo(0.0);
        assertThat(request.comparisonOperator()).isEqualTo(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD);
        assertThat(request.treatMissingData()).isEqualTo("notBreaching");
        assertThat(request.actionsEnabled()).isTrue();
        assertThat(request.alarmActions()).containsExactly("arn:aws:automate:eu-west-1:ec2:stop");
        assertThat(request.okActions()).isEmpty();
        assertThat(request.insufficientDataActions()).isEmpty();
    }

    @Test
    void stopAction_chinaRegion_namesItsPartition() {
        assertThat(CloudWatchIdleAlarms.stopAction(Region.CN_NORTH_1)).isEqualTo("arn:aws-cn:automate:cn-north-1:ec2:stop");
    }

    @Test
    void list_alarmsUnderThePrefix_readsInstanceStateAndTime() {
        Instant changed = Instant.parse("2026-11-21T09:00:00Z");
        describeAnswers.add(DescribeAlarmsResponse.builder().metricAlarms(
                MetricAlarm.builder().alarmName("conveyor-idle-i-1").stateValue(StateValue.ALARM)
                        .stateUpdatedTimestamp(changed).build(),
                MetricAlarm.builder().alarmName("conveyor-idle-i-2").stateValue(StateValue.INSUFFICIENT_DATA).build(),
                MetricAlarm.builder().alarmName("conveyor-idle-").stateValue(StateValue.OK).build()).build());
        CloudWatchIdleAlarms alarms = new CloudWatchIdleAlarms(client(Region.US_EAST_1), POLICY, Region.US_EAST_1);

        List<IdleAlarm> listed = alarms.list();

        DescribeAlarmsRequest request = calls.requests(DescribeAlarmsRequest.class).get(0);
        assertThat(request.alarmNamePrefix()).isEqualTo("conveyor-idle-");
        assertThat(listed).containsExactly(new IdleAlarm("conveyor-idle-i-1", "i-1", IdleAlarm.State.ALARM, changed),
                new IdleAlarm("conveyor-idle-i-2", "i-2", IdleAlarm.State.INSUFFICIENT_DATA, null));
    }

    @Test
    void deleteAndReset_names_sendOneCallPerHundredAndOk() {
        CloudWatchIdleAlarms alarms = new CloudWatchIdleAlarms(client(Region.US_EAST_1), POLICY, Region.US_EAST_1);
        List<String> names = IntStream.range(0, 150).mapToObj(i -> "conveyor-idle-i-" + i).toList();

        alarms.delete(names);
        alarms.reset("conveyor-idle-i-7", "instance started again after its alarm fired");

        assertThat(calls.requests(DeleteAlarmsRequest.class)).extracting(r -> r.alarmNames().size())
                .containsExactly(100, 50);
        SetAlarmStateRequest reset = calls.requests(SetAlarmStateRequest.class).get(0);
        assertThat(reset.alarmName()).isEqualTo("conveyor-idle-i-7");
        assertThat(reset.stateValue()).isEqualTo(StateValue.OK);
        assertThat(reset.stateReason()).isEqualTo("Conveyor: instance started again after its alarm fired");
    }

    @Test
    void publishTasks_counts_oneDatumPerInstanceInCallsOfAThousand() {
        CloudWatchFleetMetrics metrics = new CloudWatchFleetMetrics(client(Region.US_EAST_1), "Conveyor", "Tasks");
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        IntStream.range(0, 1001).forEach(i -> counts.put("i-" + i, i % 3));
        Instant at = Instant.parse("2026-11-21T10:00:00Z");

        metrics.publishTasks(counts, at);

        List<PutMetricDataRequest> requests = calls.requests(PutMetricDataRequest.class);
        assertThat(requests).extracting(r -> r.metricData().size()).containsExactly(1000, 1);
        assertThat(requests).allSatisfy(r -> assertThat(r.namespace()).isEqualTo("Conveyor"));
        MetricDatum first = requests.get(0).metricData().get(0);
        assertThat(first.metricName()).isEqualTo("Tasks");
        assertThat(first.dimensions()).containsExactly(Dimension.builder().name("InstanceId").value("i-0").build());
        assertThat(first.value()).isEqualTo(0.0);
        assertThat(first.unit()).isEqualTo(StandardUnit.COUNT);
        assertThat(first.timestamp()).isEqualTo(at);
        assertThat(requests.get(0).metricData().get(1).value()).isEqualTo(1.0);
    }

    /** Answers every request with HTTP 200 and an empty CBOR map (0xA0), as an rpcv2Cbor service would. */
    static final class EmptyCborAnswers implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "application/cbor")
                                    .putHeader("smithy-protocol", "rpc-v2-cbor").build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(new byte[] {(byte) 0xA0})))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
