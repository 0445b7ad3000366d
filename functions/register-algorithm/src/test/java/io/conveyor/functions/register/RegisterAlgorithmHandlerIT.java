package io.conveyor.functions.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import io.conveyor.storage.BucketLayout;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.SqsMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A descriptor put into moto's S3 → the notification moto delivers to SQS → the register handler,
 * built from its environment as on Lambda → what ECS and the registry hold afterwards.
 */
@AwsEmulator
class RegisterAlgorithmHandlerIT {

    private static final String IN = "conveyor-it-in";
    private static final String OUT = "conveyor-it-out";
    private static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:registration";

    private S3Client s3;
    private SqsClient sqs;
    private EcsClient ecs;
    private String queueUrl;
    private RegisterAlgorithmHandler handler;

    @BeforeEach
    void stack(Emulator emulator) {
        s3 = emulator.clients().s3();
        sqs = emulator.clients().sqs();
        ecs = emulator.clients().ecs();
        s3.createBucket(r -> r.bucket(IN));
        s3.putBucketVersioning(r -> r.bucket(IN).versioningConfiguration(v -> v.status("Enabled")));
        s3.createBucket(r -> r.bucket(OUT));
        queueUrl = sqs.createQueue(r -> r.queueName("registration")).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        // As the template wires it: created and removed objects under algorithms/ (moto wants "prefix" lowercase).
        s3.putBucketNotificationConfiguration(r -> r.bucket(IN).notificationConfiguration(n -> n.queueConfigurations(
                q -> q.queueArn(arn).events(Event.S3_OBJECT_CREATED, Event.S3_OBJECT_REMOVED).filter(f -> f.key(k ->
                        k.filterRules(FilterRule.builder().name("prefix").value(BucketLayout.ALGORITHMS_PREFIX).build()))))));
        SqsMessages.receive(sqs, queueUrl, 1).forEach(m -> sqs.deleteMessage(d -> d.queueUrl(queueUrl)
                .receiptHandle(m.receiptHandle())));
        handler = new RegisterAlgorithmHandler(emulator.environment(Map.of(
                "OUTPUT_BUCKET", OUT, "TASK_FAMILY_PREFIX", "conveyor", "TASK_ROLE_ARN",
                "arn:aws:iam::123456789012:role/conveyor-TaskRole", "EXECUTION_ROLE_ARN",
                "arn:aws:iam::123456789012:role/conveyor-ExecutionRole", "TASK_LOG_GROUP", "/conveyor/tasks",
                "STAGE_IMAGE", "public.ecr.aws/aws-cli/aws-cli:2.22.35")));
    }

    /** Hands every message waiting in the queue to the handler, as the event source mapping would. */
    private SQSBatchResponse deliver(int expected) {
        var messages = SqsMessages.receive(sqs, queueUrl, expected);
        assertThat(messages).hasSize(expected);
        SQSBatchResponse response = handler.handleRequest(SqsMessages.toEvent(messages, QUEUE_ARN), null);
        messages.forEach(m -> sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        return response;
    }

    private void upload(String key, byte[] content) {
        s3.putObject(r -> r.bucket(IN).key(key).contentType("application/json"), RequestBody.fromBytes(content));
    }

    private JsonNode outcome(String file) throws Exception {
        return Json.mapper().readTree(s3.getObjectAsBytes(r -> r.bucket(OUT).key("registry/outcomes/" + file)).asByteArray());
    }

    private static byte[] example(String file) throws Exception {
        return Files.readAllBytes(Path.of("..", "..", "algorithms", file));
    }

    @Test
    void descriptorUploaded_registersTheWrappedTaskDefinition() throws Exception {
        upload("algorithms/word-count.json", example("word-count.json"));

        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        DescribeTaskDefinitionResponse described = ecs.describeTaskDefinition(r -> r.taskDefinition("conveyor-word-count")
                .include(TaskDefinitionField.TAGS));
        var definition = described.taskDefinition();
        assertThat(definition.containerDefinitions()).extracting(ContainerDefinition::name)
                .containsExactly("stage-in", "algorithm", "stage-out");
        ContainerDefinition algorithm = definition.containerDefinitions().get(1);
        assertThat(algorithm.image()).isEqualTo("public.ecr.aws/docker/library/busybox:1.36");
        assertThat(algorithm.dependsOn()).singleElement().satisfies(d -> {
            assertThat(d.containerName()).isEqualTo("stage-in");
            assertThat(d.conditionAsString()).isEqualTo("SUCCESS");
        });
        assertThat(definition.containerDefinitions()).allSatisfy(c -> assertThat(c.privileged()).isNotEqualTo(Boolean.TRUE));
        assertThat(definition.containerDefinitions()).extracting(ContainerDefinition::essential)
                .containsExactly(false, false, true);
        ContainerDefinition stageOut = definition.containerDefinitions().get(2);
        assertThat(stageOut.dependsOn()).singleElement().satisfies(d -> {
            assertThat(d.containerName()).isEqualTo("algorithm");
            assertThat(d.conditionAsString()).isEqualTo("COMPLETE");
        });
        assertThat(definition.placementConstraints()).singleElement().satisfies(p ->
                assertThat(p.expression()).isEqualTo("attribute:ecs.instance-type in [t3.small, t3.medium]"));
        assertThat(definition.taskRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/conveyor-TaskRole");
        assertThat(definition.cpu()).isEqualTo("256");
        assertThat(definition.memory()).isEqualTo("256");
        // The input, the output, and stage-in's marker out of the algorithm's reach: task-scoped volumes, as
        // ECS kept them; the algorithm runs without networking, as user 1000 (issue 15, finding 10).
        assertThat(definition.volumes()).extracting(v -> v.name() + ":" + v.dockerVolumeConfiguration().scopeAsString())
                .containsExactly("input:task", "output:task", "stage:task");
        assertThat(algorithm.user()).isEqualTo("1000:1000");
        assertThat(algorithm.disableNetworking()).isTrue();
        assertThat(algorithm.mountPoints()).noneMatch(m -> m.sourceVolume().equals("stage"));
        assertThat(described.tags()).anySatisfy(tag -> {
            assertThat(tag.key()).isEqualTo("conveyor:algorithm");
            assertThat(tag.value()).isEqualTo("word-count");
        });
        JsonNode outcome = outcome("word-count.json");
        assertThat(outcome.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(outcome.path("taskDefinitionArn").asText()).isEqualTo(definition.taskDefinitionArn());
    }

    @Test
    void sameDescriptorUploadedTwice_registersOneRevision() throws Exception {
        upload("algorithms/word-count.json", example("word-count.json"));
        deliver(1);
        upload("algorithms/word-count.json", example("word-count.json"));

        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        List<String> revisions = ecs.listTaskDefinitions(r -> r.familyPrefix("conveyor-word-count")).taskDefinitionArns();
        assertThat(revisions).hasSize(1);
        assertThat(outcome("word-count.json").path("status").asText()).isEqualTo("UNCHANGED");
    }

    @Test
    void badDescriptorUploaded_registersNothingAndRecordsEveryError() throws Exception {
        upload("algorithms/broken.json", "{\"name\": \"Broken!\", \"image\": \"busybox:1\", \"colour\": \"red\"}".getBytes());

        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("conveyor-")).taskDefinitionArns()).isEmpty();
        JsonNode outcome = outcome("broken.json");
        assertThat(outcome.path("status").asText()).isEqualTo("REJECTED");
        assertThat(outcome.path("errors")).extracting(e -> e.path("path").asText())
                .containsExactly("", "", "/colour", "/name");
    }

    @Test
    void descriptorDeleted_retiresTheAlgorithmAndDeregistersItsRevision() throws Exception {
        upload("algorithms/word-count.json", example("word-count.json"));
        deliver(1);

        // A plain delete in a versioned bucket leaves a delete marker, for which S3 notifies
        // ObjectRemoved:DeleteMarkerCreated; moto 5.2.1 sends nothing then. Deleting the version itself
        // (ObjectRemoved:Delete, which moto does send) leaves the key just as absent to the registrar.
        String version = s3.headObject(r -> r.bucket(IN).key("algorithms/word-count.json")).versionId();
        s3.deleteObject(r -> r.bucket(IN).key("algorithms/word-count.json").versionId(version));
        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("conveyor-word-count").status(TaskDefinitionStatus.ACTIVE))
                .taskDefinitionArns()).isEmpty();
        JsonNode record = Json.mapper().readTree(s3.getObjectAsBytes(r -> r.bucket(OUT)
                .key("registry/algorithms/word-count.json")).asByteArray());
        assertThat(record.path("status").asText()).isEqualTo("RETIRED");
        assertThat(outcome("word-count.json").path("status").asText()).isEqualTo("RETIRED");
    }

    @Test
    void pipelineUploadedAfterItsAlgorithms_isRecordedForDispatchAndRetiredWhenDeleted() throws Exception {
        // Given the bundled text-report pipeline's algorithms registered
        upload("algorithms/word-count.json", example("word-count.json"));
        upload("algorithms/concatenate.json", example("concatenate.json"));
        assertThat(deliver(2).getBatchItemFailures()).isEmpty();

        // When the pipeline file is uploaded
        upload("algorithms/text-report.json", example("text-report.json"));
        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        // Then its outcome names the pipeline, and the catalog dispatch reads serves it at the file's revision
        JsonNode outcome = outcome("text-report.json");
        assertThat(outcome.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(outcome.path("pipeline").asText()).isEqualTo("text-report");
        var catalog = new io.conveyor.registration.ObjectStorePipelineCatalog(new io.conveyor.aws.S3ObjectStore(s3), OUT);
        assertThat(catalog.pipeline("text-report")).hasValueSatisfying(pipeline ->
                assertThat(pipeline.revision()).isEqualTo(outcome.path("sha256").asText()));

        // When the file's version is deleted (moto sends no event for a delete marker; see above)
        String version = s3.headObject(r -> r.bucket(IN).key("algorithms/text-report.json")).versionId();
        s3.deleteObject(r -> r.bucket(IN).key("algorithms/text-report.json").versionId(version));
        assertThat(deliver(1).getBatchItemFailures()).isEmpty();

        // Then the pipeline is retired
        assertThat(outcome("text-report.json").path("status").asText()).isEqualTo("RETIRED");
        assertThat(catalog.pipeline("text-report")).isEmpty();
    }
}
