package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.testing.RecordingInterceptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * The requests the sweeper sends to CloudWatch. moto cannot parse the SDK's CBOR CloudWatch protocol,
 * so CloudWatch's side is a stub HTTP client answering in CBOR, and the requests are read off an
 * {@link software.amazon.awssdk.core.interceptor.ExecutionInterceptor}.
 */
class CloudWatchAlarmSweeperTest {

    private static final String PREFIX = "conveyor-idle-";

    private final RecordingInterceptor requests = new RecordingInterceptor();

    @Test
    void deleteAll_manyAlarms_deletesTheStacksInBatchesOfAHundred() {
        // Given 150 idle alarms of this stack, and alarms under the same prefix that are not its own:
        // another stack's (named conveyor-idle-x) and an alarm not named after an instance
        List<String> ours = IntStream.range(0, 150).mapToObj(i -> PREFIX + String.format("i-0%016x", i)).toList();
        List<String> listed = new ArrayList<>(ours);
        listed.add("conveyor-idle-x-idle-i-0123456789abcdef0");
        listed.add("conveyor-idle-summary");
        CloudWatchAlarmSweeper sweeper = new CloudWatchAlarmSweeper(client(new Answers(listed)), PREFIX);

        // When
        int deleted = sweeper.deleteAll();

        // Then one look by prefix (metric alarms), then two deletions of 100 and 50 of this stack's alarms
        assertThat(deleted).isEqualTo(150);
        assertThat(requests.requests(DescribeAlarmsRequest.class)).singleElement().satisfies(request -> {
            assertThat(request.alarmNamePrefix()).isEqualTo(PREFIX);
            assertThat(request.alarmTypes()).containsExactly(AlarmType.METRIC_ALARM);
        });
        List<DeleteAlarmsRequest> deletions = requests.requests(DeleteAlarmsRequest.class);
        assertThat(deletions).extracting(request -> request.alarmNames().size()).containsExactly(100, 50);
        assertThat(deletions.stream().flatMap(request -> request.alarmNames().stream()))
                .containsExactlyElementsOf(ours);
    }

    @Test
    void deleteAll_noAlarms_deletesNothing() {
        // Given no alarm under the prefix
        CloudWatchAlarmSweeper sweeper = new CloudWatchAlarmSweeper(client(new Answers(List.of())), PREFIX);

        // When
        int deleted = sweeper.deleteAll();

        // Then
        assertThat(deleted).isZero();
        assertThat(requests.requests(DeleteAlarmsRequest.class)).isEmpty();
    }

    @Test
    void constructor_blankPrefix_refusesSinceItMatchesEveryAlarm() {
        assertThatThrownBy(() -> new CloudWatchAlarmSweeper(client(new Answers(List.of())), " "))
                .hasMessage("prefix: must not be blank (it would match every alarm)");
    }

    private CloudWatchClient client(SdkHttpClient http) {
        return CloudWatchClient.builder().region(Region.US_EAST_1).httpClient(http)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(requests)).build();
    }

    /** CloudWatch's answers in its CBOR protocol: the listed alarms to DescribeAlarms, nothing to DeleteAlarms. */
    private record Answers(List<String> alarmNames) implements SdkHttpClient {

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String path = request.httpRequest().encodedPath();
            byte[] body = path.endsWith("/DescribeAlarms") ? cbor(alarmNames) : cbor(null);
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "application/cbor")
                                    .putHeader("smithy-protocol", "rpc-v2-cbor").build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
                }

                @Override
                public void abort() {
                }
            };
        }

        private static byte[] cbor(List<String> names) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator generator = new CBORFactory().createGenerator(out)) {
                generator.writeStartObject();
                if (names != null) {
                    generator.writeArrayFieldStart("MetricAlarms");
                    for (String name : names) {
                        generator.writeStartObject();
                        generator.writeStringField("AlarmName", name);
                        generator.writeEndObject();
                    }
                    generator.writeEndArray();
                }
                generator.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        public String clientName() {
            return "cloudwatch-answers";
        }

        @Override
        public void close() {
        }
    }
}
