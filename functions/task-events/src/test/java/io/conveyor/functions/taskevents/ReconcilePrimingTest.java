package io.conveyor.functions.taskevents;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.AwsClients;
import io.conveyor.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/** SnapStart primes a whole reconcile pass behind the gate: operators must not read its empty answers as faults. */
class ReconcilePrimingTest {

    private static final String QUEUES = "https://sqs.us-east-1.amazonaws.com/123456789012/";

    private PrintStream stderr;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        stderr = System.err;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void prime_aWholePass_logsNoWarningOrErrorAndNothingLeaves() {
        // Given the reconciler as the function builds it, behind a network that refuses every request
        List<String> left = new java.util.concurrent.CopyOnWriteArrayList<>();
        AwsClients aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "us-east-1")))
                .withHttpClient(http -> new SdkHttpClient() {
                    @Override
                    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                        left.add(request.httpRequest().getUri().toString());
                        throw new IllegalStateException("no network in this test");
                    }

                    @Override
                    public void close() {
                    }
                });
        // (every variable the template gives the reconcile function)
        Environment env = Environment.of(Map.ofEntries(Map.entry("AWS_REGION", "us-east-1"),
                Map.entry("CLUSTER_ARN", "arn:aws:ecs:us-east-1:123456789012:cluster/c"),
                Map.entry("INPUT_BUCKET", "in"), Map.entry("OUTPUT_BUCKET", "out"),
                Map.entry("JOBS_QUEUE_URL", QUEUES + "jobs"), Map.entry("JOB_INDEX_TABLE", "index"),
                Map.entry("STACK_NAME", "s"), Map.entry("JOB_EVENTS", "terminal"), Map.entry("JOB_EVENTS_BUS", "bus"),
                Map.entry("RECONCILE_SETTLE_MINUTES", "10"),
                Map.entry("REGISTRATION_DEAD_LETTER_QUEUE_URL", QUEUES + "registration-dlq"),
                Map.entry("JOBS_DEAD_LETTER_QUEUE_URL", QUEUES + "jobs-dlq"),
                Map.entry("TASK_EVENTS_DEAD_LETTER_QUEUE_URL", QUEUES + "task-events-dlq")));
        new ReconcileHandler(aws, env, Clock.systemUTC());

        // When SnapStart's checkpoint primes it
        aws.priming().prime();

        // Then no line reads as a fault, and no request reached the network
        String text = logged.toString(StandardCharsets.UTF_8);
        assertThat(Arrays.stream(text.split("\n")).filter(line -> line.contains("WARN") || line.contains("ERROR")))
                .as(text).isEmpty();
        assertThat(left).isEmpty();
    }
}
