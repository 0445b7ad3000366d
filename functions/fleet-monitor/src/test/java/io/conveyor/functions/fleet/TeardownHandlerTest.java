package io.conveyor.functions.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.fleet.Teardown;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;

class TeardownHandlerTest {

    private final ResponseUrl responseUrl = new ResponseUrl();
    private final AtomicInteger teardownCalls = new AtomicInteger();
    private final CustomResourceResponder responder = new CustomResourceResponder(HttpClient.newHttpClient(),
            Duration.ofSeconds(5), 3, Duration.ofMillis(10));

    @AfterEach
    void stopServer() {
        responseUrl.close();
    }

    private TeardownHandler handler(Teardown.Alarms alarms) {
        Teardown teardown = new Teardown(NO_INSTANCES, () -> 0, () -> {
            teardownCalls.incrementAndGet();
            return 0;
        }, alarms, Clock.systemUTC(), duration -> { }, Duration.ofSeconds(1));
        return new TeardownHandler("conveyor", teardown, responder, Clock.systemUTC(), Duration.ZERO);
    }

    private static final Teardown.Instances NO_INSTANCES = new Teardown.Instances() {
        @Override
        public List<io.conveyor.fleet.FleetInstance> notTerminated() {
            return List.of();
        }

        @Override
        public void terminate(List<String> instanceIds) {
        }
    };

    @ParameterizedTest
    @Event(value = "events/teardown/create.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_create_answersSuccessWithTheStacksIdAndTearsNothingDown(CloudFormationCustomResourceEvent event) {
        // Given
        event.setResponseUrl(responseUrl.url());

        // When
        handler(() -> 0).handleRequest(event, null);

        // Then one PUT, without a content type, of the documented fields with the request's ids echoed
        assertThat(teardownCalls).hasValue(0);
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.path()).startsWith("/arn%3Aaws%3Acloudformation");
            assertThat(request.headers().getOrDefault("Content-type", List.of(""))).containsExactly("");
            JsonNode body = request.json();
            assertThat(body.path("Status").asText()).isEqualTo("SUCCESS");
            assertThat(body.path("PhysicalResourceId").asText()).isEqualTo("conveyor-teardown-conveyor");
            assertThat(body.path("StackId").asText()).isEqualTo(event.getStackId());
            assertThat(body.path("RequestId").asText()).isEqualTo("2f0c6b1e-5d4a-4c3b-8a29-1b0e9f8d7c65");
            assertThat(body.path("LogicalResourceId").asText()).isEqualTo("Teardown");
            assertThat(body.path("NoEcho").asBoolean(true)).isFalse();
            assertThat(body.has("Reason")).isFalse();
        });
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_update_echoesTheExistingIdSoThatNothingIsReplaced(CloudFormationCustomResourceEvent event) {
        // Given an update of a resource created under another id
        event.setRequestType("Update");
        event.setPhysicalResourceId("conveyor-teardown-before-rename");
        event.setResponseUrl(responseUrl.url());

        // When
        handler(() -> 0).handleRequest(event, null);

        // Then
        assertThat(teardownCalls).hasValue(0);
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.json().path("Status").asText()).isEqualTo("SUCCESS");
            assertThat(request.json().path("PhysicalResourceId").asText()).isEqualTo("conveyor-teardown-before-rename");
        });
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_unknownRequestType_answersFailedNamingIt(CloudFormationCustomResourceEvent event) {
        // Given
        event.setRequestType("Rename");
        event.setResponseUrl(responseUrl.url());

        // When
        handler(() -> 0).handleRequest(event, null);

        // Then
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.json().path("Status").asText()).isEqualTo("FAILED");
            assertThat(request.json().path("Reason").asText())
                    .isEqualTo("RequestType 'Rename' is not Create, Update or Delete");
        });
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_teardownThrowsAnError_stillAnswersFailed(CloudFormationCustomResourceEvent event) {
        // Given a teardown that dies with an Error, not an exception
        event.setResponseUrl(responseUrl.url());
        Teardown dying = new Teardown(NO_INSTANCES, () -> 0, () -> {
            throw new OutOfMemoryError("Java heap space");
        }, () -> 0, Clock.systemUTC(), duration -> { }, Duration.ofSeconds(1));

        // When
        new TeardownHandler("conveyor", dying, responder, Clock.systemUTC(), Duration.ZERO).handleRequest(event, null);

        // Then
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.json().path("Status").asText()).isEqualTo("FAILED");
            assertThat(request.json().path("Reason").asText())
                    .isEqualTo("teardown failed: java.lang.OutOfMemoryError: Java heap space");
            assertThat(request.json().path("PhysicalResourceId").asText()).isEqualTo("conveyor-teardown-conveyor");
        });
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_responseUrlRefusesTwice_isSentAgain(CloudFormationCustomResourceEvent event) {
        // Given a URL answering 503 twice
        try (ResponseUrl flaky = new ResponseUrl(List.of(503, 503))) {
            event.setResponseUrl(flaky.url());

            // When
            handler(() -> 0).handleRequest(event, null);

            // Then the third attempt carried it
            assertThat(flaky.received()).hasSize(3)
                    .allSatisfy(request -> assertThat(request.json().path("Status").asText()).isEqualTo("SUCCESS"));
        }
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_responseUrlUnreachable_returnsInsteadOfHanging(CloudFormationCustomResourceEvent event) {
        // Given a URL nothing listens on
        responseUrl.close();
        event.setResponseUrl(responseUrl.url());
        long started = System.nanoTime();

        // When
        handler(() -> 0).handleRequest(event, null);

        // Then three refused attempts, and back well within a second or so
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @Event(value = "events/teardown/delete.json", type = CloudFormationCustomResourceEvent.class)
    void handleRequest_hugeReason_isCutToFitCloudFormationsLimit(CloudFormationCustomResourceEvent event) {
        // Given a failure whose message alone is over the 4096-byte limit
        event.setResponseUrl(responseUrl.url());
        String huge = "x".repeat(5_000);

        // When
        handler(() -> {
            throw new IllegalStateException(huge);
        }).handleRequest(event, null);

        // Then
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.body().length).isLessThanOrEqualTo(4096);
            assertThat(request.json().path("Status").asText()).isEqualTo("FAILED");
            assertThat(request.json().path("Reason").asText())
                    .startsWith("teardown incomplete, delete the stack again to retry: delete-alarms: IllegalStateException: xxx")
                    .endsWith(" ... (cut; the log has all)");
        });
    }
}
