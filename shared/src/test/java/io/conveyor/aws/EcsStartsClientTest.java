package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.conveyor.config.Environment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;

/** The StartTask client: throttled calls are tried again, nothing else is. */
class EcsStartsClientTest {

    private static final String THROTTLED = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
    private static final String STARTED = "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:123456789012:task/c/1\"}],"
            + "\"failures\":[]}";

    /** What ECS answers, in order: a status and a body, or {@link #NO_ANSWER}. */
    private static final Object[] NO_ANSWER = {0, ""};

    private final Deque<Object[]> answers = new ArrayDeque<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterAll
    static void forget() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private EcsClient starts() {
        SdkHttpClient ecs = new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                sent.add(request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?"));
                Object[] answer = answers.isEmpty() ? new Object[] {200, STARTED} : answers.removeFirst();
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        if (answer == NO_ANSWER) {
                            throw new IOException("connection reset");
                        }
                        byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
                        return HttpExecuteResponse.builder().response(SdkHttpFullResponse.builder()
                                        .statusCode((Integer) answer[0]).putHeader("Content-Type", "application/x-amz-json-1.1")
                                        .putHeader("Content-Length", Integer.toString(body.length)).build())
                                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
                    }

                    @Override
                    public void abort() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
        return AwsClients.from(Environment.of(Map.of("AWS_REGION", "us-east-1"))).withHttpClient(http -> ecs)
                .ecsForStarts();
    }

    private static StartTaskResponse start(EcsClient ecs) {
        return ecs.startTask(r -> r.cluster("c").taskDefinition("td:1").containerInstances("ci"));
    }

    @Test
    void startTask_throttledTwice_isTriedAgainAndStarts() {
        // Given ECS throttles the first two calls
        answers.add(new Object[] {400, THROTTLED});
        answers.add(new Object[] {400, THROTTLED});

        // When a task is started
        StartTaskResponse response = start(starts());

        // Then the third call started it
        assertThat(response.tasks()).hasSize(1);
        assertThat(sent).hasSize(3).allMatch(target -> target.endsWith(".StartTask"));
    }

    @Test
    void startTask_alwaysThrottled_givesUpAfterItsAttemptsWithTheThrottle() {
        // Given ECS throttles every call
        for (int i = 0; i < 10; i++) {
            answers.add(new Object[] {400, THROTTLED});
        }

        // When a task is started
        Throwable thrown = catchThrowable(() -> start(starts()));

        // Then the caller gets the throttle after the client's attempts
        assertThat(thrown).isInstanceOf(EcsException.class);
        assertThat(((EcsException) thrown).isThrottlingException()).isTrue();
        assertThat(sent).hasSize(AwsClients.START_ATTEMPTS);
    }

    @Test
    void startTask_serverError_isNotTriedAgain() {
        // Given ECS fails the call with a server error (the task may have started)
        answers.add(new Object[] {500, "{\"__type\":\"ServerException\",\"message\":\"internal\"}"});

        // When a task is started
        Throwable thrown = catchThrowable(() -> start(starts()));

        // Then the error reaches the caller after one call
        assertThat(thrown).isInstanceOf(EcsException.class);
        assertThat(((EcsException) thrown).statusCode()).isEqualTo(500);
        assertThat(sent).hasSize(1);
    }

    @Test
    void startTask_noAnswer_isNotTriedAgain() {
        // Given the connection breaks before ECS answers (the task may have started)
        answers.add(NO_ANSWER);

        // When a task is started
        Throwable thrown = catchThrowable(() -> start(starts()));

        // Then the caller learns there was no answer, after one call
        assertThat(thrown).isInstanceOf(SdkClientException.class);
        assertThat(sent).hasSize(1);
    }
}
