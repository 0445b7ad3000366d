package io.conveyor.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.conveyor.aws.AwsClients;
import io.conveyor.config.Environment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The instant endpoint answers the SDK's real clients as AWS would, and refuses what it does not know. */
class InstantAwsEndpointTest {

    private static final String INSTANCE = "arn:aws:ecs:us-east-1:123456789012:container-instance/bench/"
            + "00000000000000000000000000000003";
    private static final byte[] RECORD = "{\"name\":\"word-count\"}".getBytes(StandardCharsets.UTF_8);

    private InstantAwsEndpoint endpoint;
    private AwsClients aws;

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

    @BeforeEach
    void start() throws Exception {
        endpoint = new InstantAwsEndpoint("out", "registry/algorithms/word-count.json", RECORD, "bench", 4, 2);
        aws = AwsClients.from(Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint.uri().toString())));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void startTask_throughEcsClient_answersTheTaskTheSdkParses() {
        // Given the handler's kind of ECS client pointed at the endpoint
        // When it starts a task on one instance
        StartTaskResponse response = aws.ecsWithoutRetries().startTask(r -> r.cluster("bench")
                .taskDefinition("arn:aws:ecs:us-east-1:123456789012:task-definition/word-count:1")
                .containerInstances(INSTANCE).startedBy("job-1"));

        // Then the SDK parses one task on that instance and no failure; nothing was refused
        assertThat(response.failures()).isEmpty();
        assertThat(response.tasks()).singleElement().satisfies(task -> {
            assertThat(task.taskArn()).startsWith("arn:aws:ecs:us-east-1:123456789012:task/bench/");
            assertThat(task.containerInstanceArn()).isEqualTo(INSTANCE);
        });
        assertThat(endpoint.refused()).isEmpty();
        assertThat(endpoint.requests()).isEqualTo(1);
    }

    @Test
    void describeContainerInstances_listedInstances_haveRoom() {
        // Given the instances the cluster lists
        var arns = aws.ecs().listContainerInstances(r -> r.cluster("bench")).containerInstanceArns();

        // When they are described
        var described = aws.ecs().describeContainerInstances(r -> r.cluster("bench").containerInstances(arns))
                .containerInstances();

        // Then each is active, connected, and has a whole m6i.large free
        assertThat(arns).hasSize(4);
        assertThat(described).hasSize(4).allSatisfy(instance -> {
            assertThat(instance.status()).isEqualTo("ACTIVE");
            assertThat(instance.agentConnected()).isTrue();
            assertThat(instance.remainingResources()).anySatisfy(r -> assertThat(r.name() + "=" + r.integerValue())
                    .isEqualTo("CPU=2048"));
        });
    }

    @Test
    void s3_recordPutAndRegistryGet_answered() {
        // Given the handler's kind of S3 client pointed at the endpoint
        S3Client s3 = aws.s3();

        // When it creates a job record and reads the registry record
        var put = s3.putObject(r -> r.bucket("out").key("jobs/j-1.json").ifNoneMatch("*"),
                RequestBody.fromString("{}"));
        var got = s3.getObjectAsBytes(r -> r.bucket("out").key("registry/algorithms/word-count.json"));

        // Then the write has an ETag and the read returns the record's bytes
        assertThat(put.eTag()).isNotBlank();
        assertThat(got.asByteArray()).isEqualTo(RECORD);
        assertThat(endpoint.refused()).isEmpty();
    }

    @Test
    void unknownOperation_refusedWithItsName() {
        // Given operations dispatch's warm path does not call, on ECS and on S3 (a copy is a PUT too)
        // When the SDK sends them
        Throwable ecs = catchThrowable(() -> aws.ecsWithoutRetries().listClusters());
        Throwable s3 = catchThrowable(() -> aws.s3().deleteObject(r -> r.bucket("out").key("jobs/j-1.json")));
        Throwable copy = catchThrowable(() -> aws.s3().copyObject(r -> r.sourceBucket("out").sourceKey("jobs/j-1.json")
                .destinationBucket("out").destinationKey("jobs/j-2.json")));

        // Then each is answered HTTP 400 naming it, and remembered as refused
        assertThat(ecs).isInstanceOf(EcsException.class).hasMessageContaining("ListClusters");
        assertThat(((EcsException) ecs).statusCode()).isEqualTo(400);
        assertThat(s3).isInstanceOf(S3Exception.class).hasMessageContaining("DELETE /out/jobs/j-1.json");
        assertThat(copy).isInstanceOf(S3Exception.class).hasMessageContaining("PUT");
        assertThat(endpoint.refused()).hasSize(3).startsWith("AmazonEC2ContainerServiceV20141113.ListClusters",
                "S3 DELETE /out/jobs/j-1.json").last(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("S3 PUT").endsWith("/out/jobs/j-2.json");
    }
}
