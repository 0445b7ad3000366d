package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.config.Environment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

class PrimingTest {

    /** Every request that reached the real HTTP client, which refuses it (as if the network were down). */
    private final List<String> left = new CopyOnWriteArrayList<>();
    /** Every signed request the SDK was about to send, per service. */
    private final List<String> signed = new CopyOnWriteArrayList<>();

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

    private AwsClients clients() {
        SdkHttpClient network = new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                left.add(request.httpRequest().method() + " " + request.httpRequest().getUri());
                throw new IllegalStateException("no network in this test");
            }

            @Override
            public void close() {
            }
        };
        ExecutionInterceptor signing = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.httpRequest().firstMatchingHeader("Authorization").orElse("").startsWith("AWS4-HMAC-SHA256")) {
                    signed.add(context.httpRequest().host());
                }
            }
        };
        return AwsClients.from(Environment.of(Map.of("AWS_REGION", "us-east-1"))).with(signing)
                .withHttpClient(http -> network);
    }

    @Test
    void prime_everyClient_signsRequestsButNoneLeavesTheProcess() {
        // Given every client a function may build, behind a network that records and refuses
        // (held, as a handler holds its clients: priming keeps them only weakly)
        AwsClients aws = clients();
        List<Object> held = List.of(aws.s3(), aws.sqs(), aws.ecs(), aws.ecsWithoutRetries(), aws.ecsForStarts(),
                aws.dynamoDb(), aws.eventBridge(), aws.cloudWatch(), aws.ec2());

        // When the clients are primed
        aws.priming().prime();
        java.lang.ref.Reference.reachabilityFence(held);

        // Then each service's requests were marshalled and signed, and not one reached the network
        assertThat(signed).anyMatch(host -> host.endsWith(".s3.amazonaws.com")).anyMatch(host -> host.startsWith("sqs"))
                .anyMatch(host -> host.startsWith("ecs")).anyMatch(host -> host.startsWith("dynamodb"))
                .anyMatch(host -> host.startsWith("events")).anyMatch(host -> host.startsWith("monitoring"))
                .anyMatch(host -> host.startsWith("ec2"));
        assertThat(left).isEmpty();
        assertThat(aws.priming().active()).isFalse();
    }

    @Test
    void prime_thenACall_reachesTheNetworkAgain() {
        // Given primed clients
        AwsClients aws = clients();
        var s3 = aws.s3();
        aws.priming().prime();

        // When the function makes its first real call
        try {
            s3.headBucket(r -> r.bucket("conveyor-out"));
        } catch (RuntimeException expected) {
            // the test's network refuses it
        }

        // Then it went to the network, not to the priming gate
        assertThat(left).anyMatch(request -> request.startsWith("HEAD ") && request.contains("conveyor-out"));
    }

    @Test
    void prime_aFunctionsOwnPath_runsBehindTheGateAndItsFailureStaysInside() {
        // Given a function's own path that calls its client and then fails on the empty answer, and a second path
        AwsClients aws = clients();
        var s3 = aws.s3();
        List<Boolean> gated = new CopyOnWriteArrayList<>();
        aws.priming().path(() -> {
            gated.add(aws.priming().active());
            s3.headObject(r -> r.bucket("conveyor-out").key("registry/state.json"));
            throw new IllegalStateException("an empty answer is not a record");
        });
        aws.priming().path(() -> gated.add(aws.priming().active()));

        // When the function is primed
        aws.priming().prime();

        // Then both paths ran while the gate answered, the call never reached the network, and priming ended
        assertThat(gated).containsExactly(true, true);
        assertThat(left).isEmpty();
        assertThat(aws.priming().active()).isFalse();
    }

    @Test
    void s3_twoClientsOfOneConfiguration_shareOneHttpClient() {
        // Given one configuration whose HTTP client wrapper records what it is given
        List<SdkHttpClient> given = new CopyOnWriteArrayList<>();
        AwsClients aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "us-east-1"))).withHttpClient(http -> {
            given.add(http);
            return http;
        });

        // When two clients and a client of a copy are built
        aws.s3();
        aws.sqs();
        aws.with(new ExecutionInterceptor() { }).ecs();

        // Then all three were given the same url-connection client (one TLS context, not three)
        assertThat(given).hasSize(3);
        assertThat(given).allSatisfy(http -> assertThat(http).isSameAs(given.get(0)));
    }
}
