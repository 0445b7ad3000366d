package io.conveyor.functions.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.Registrar;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.RecordingTaskDefinitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;

class RegisterAlgorithmHandlerTest {

    private static final String BUCKET = "conveyor-123456789012-us-east-1-in";
    private static final ObjectRef DESCRIPTOR = new ObjectRef(BUCKET, "algorithms/word-count.json");

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final RecordingTaskDefinitions ecs = new RecordingTaskDefinitions();
    private final ObjectStoreRegistry registry = new ObjectStoreRegistry(store, "conveyor-123456789012-us-east-1-out");
    private final RegisterAlgorithmHandler handler = new RegisterAlgorithmHandler(new Registrar(store,
            new DescriptorValidator(), registry, registry, ecs, new WrapSettings("conveyor", "arn:task-role", "arn:execution-role",
            "/conveyor/tasks", "us-east-1", "public.ecr.aws/aws-cli/aws-cli:2.22.35"), Clock.systemUTC()));

    private void uploadExample() throws Exception {
        store.write(DESCRIPTOR, Files.readAllBytes(Path.of("..", "..", "algorithms", "word-count.json")), "application/json");
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/descriptor-created.json", type = SQSEvent.class)
    void handleRequest_descriptorCreated_registersItOnceHoweverOftenTheEventComes(SQSEvent event) throws Exception {
        uploadExample();

        SQSBatchResponse first = handler.handleRequest(event, null);
        SQSBatchResponse duplicate = handler.handleRequest(event, null);

        assertThat(first.getBatchItemFailures()).isEmpty();
        assertThat(duplicate.getBatchItemFailures()).isEmpty();
        assertThat(ecs.revisions()).singleElement()
                .satisfies(revision -> assertThat(revision.spec().family()).isEqualTo("conveyor-word-count"));
        assertThat(registry.outcome(DESCRIPTOR.key())).hasValueSatisfying(
                outcome -> assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.UNCHANGED));
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/descriptor-removed.json", type = SQSEvent.class)
    void handleRequest_descriptorRemoved_retiresWhatItRegistered(SQSEvent event) throws Exception {
        uploadExample();
        handler.handleRequest(RegisterAlgorithmHandlerTest.created(event), null);
        store.delete(DESCRIPTOR);

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(registry.algorithm("word-count").orElseThrow().active()).isFalse();
        assertThat(ecs.revisions()).singleElement().satisfies(revision -> assertThat(revision.active()).isFalse());
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/s3-test-event.json", type = SQSEvent.class)
    void handleRequest_s3TestEvent_isConsumedQuietly(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ecs.revisions()).isEmpty();
        assertThat(store.asked()).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/register-algorithm/descriptor-created.json", type = SQSEvent.class)
    void handleRequest_vcpuBeyondADouble_recordsARejectionAndConsumesTheMessage(SQSEvent event) throws Exception {
        // Given a descriptor whose vCPU count (1e400) no double holds
        String json = Files.readString(Path.of("..", "..", "algorithms", "word-count.json"))
                .replaceFirst("\"vcpu\": [0-9.]+", "\"vcpu\": 1e400");
        store.write(DESCRIPTOR, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");

        // When
        SQSBatchResponse response = handler.handleRequest(event, null);

        // Then the message is done with (no retry, no dead letter), and the author reads why
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ecs.revisions()).isEmpty();
        assertThat(registry.outcome(DESCRIPTOR.key())).hasValueSatisfying(outcome -> {
            assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
            assertThat(outcome.errors()).singleElement()
                    .satisfies(problem -> assertThat(problem.path()).isEqualTo("/resources/vcpu"));
        });
    }

    /** The same message, saying the object was created (the sample of a removal names the same key). */
    private static SQSEvent created(SQSEvent removal) {
        SQSEvent event = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("created");
        message.setBody(removal.getRecords().get(0).getBody().replace("ObjectRemoved:Delete", "ObjectCreated:Put"));
        event.setRecords(java.util.List.of(message));
        return event;
    }
}
