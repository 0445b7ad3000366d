package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.conveyor.aws.AwsClients;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Throttling and server errors as the SDK meets them, against moto. */
@AwsEmulator
class FaultyHttpClientIT {

    static AwsClients faulty(Emulator emulator, Faults faults) {
        return emulator.clients().withHttpClient(client -> new FaultyHttpClient(client, faults));
    }

    @Test
    void throttledCalls_areRetriedByTheSdkAndEveryPutLands(Emulator emulator) {
        // Given S3 calls of which a third are throttled
        Faults faults = new Faults(new Faults.Settings(0, 0, 0, 11, Map.of("s3", 0.33), Map.of()));
        try (S3Client plain = emulator.clients().s3(); S3Client s3 = faulty(emulator, faults).s3()) {
            plain.createBucket(r -> r.bucket("faults"));

            // When 20 objects are put through them
            for (int i = 0; i < 20; i++) {
                int n = i;
                s3.putObject(r -> r.bucket("faults").key("k" + n), RequestBody.fromString("v" + n));
            }

            // Then the SDK's retries carried every one through, and throttles did happen
            assertThat(plain.listObjectsV2(r -> r.bucket("faults")).keyCount()).isEqualTo(20);
            assertThat(faults.injected()).containsKey("throttle=s3");
            assertThat(faults.injected().get("throttle=s3")).isGreaterThan(2);
        }
    }

    @Test
    void serverErrorAfterTheCall_losesTheAnswerNotTheEffect(Emulator emulator) {
        // Given every ECS call answered with a server error after it ran, without the SDK's retries
        Faults faults = new Faults(new Faults.Settings(0, 0, 0, 1, Map.of(), Map.of("ecs", 1.0)));
        try (EcsClient ecs = faulty(emulator, faults).ecsWithoutRetries(); EcsClient plain = emulator.clients().ecs()) {
            // When a cluster is made
            assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("lost-answer")))
                    .isInstanceOf(EcsException.class).hasMessageContaining("sandbox fault")
                    .satisfies(e -> assertThat(((EcsException) e).statusCode()).isEqualTo(500));

            // Then it exists all the same: the call ran, its answer was lost
            assertThat(plain.listClusters().clusterArns()).anyMatch(arn -> arn.endsWith("/lost-answer"));
            assertThat(faults.injected()).containsEntry("error=ecs", 1L);
        }
    }

    @Test
    void faultsOfOneService_leaveTheOthersAlone(Emulator emulator) {
        Faults faults = new Faults(new Faults.Settings(0, 0, 0, 1, Map.of("ecs", 1.0), Map.of()));
        try (S3Client s3 = faulty(emulator, faults).s3()) {
            s3.createBucket(r -> r.bucket("untouched"));

            assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).contains("untouched");
            assertThat(faults.injected()).isEmpty();
        }
    }

    @Test
    void throttledS3_looksLikeS3sSlowDown(Emulator emulator) {
        Faults faults = new Faults(new Faults.Settings(0, 0, 0, 1, Map.of("s3", 1.0), Map.of()));
        try (S3Client s3 = faulty(emulator, faults).s3()) {
            assertThatThrownBy(() -> s3.listBuckets()).isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("SlowDown"));
            assertThat(faults.injected().get("throttle=s3")).isGreaterThan(1L).as("the SDK tried again");
        }
    }

    @Test
    void startsOverEcsRate_areAnsweredAsEcsThrottlesAndTheSdkRetriesThem(Emulator emulator) {
        // Given ECS's task starts limited to one a second with a burst of one
        Faults faults = new Faults(Faults.NONE.withEcsRate(new EcsStartLimit.Rate(1, 1)));
        AwsClients clients = faulty(emulator, faults);
        try (EcsClient once = clients.ecsWithoutRetries(); EcsClient retrying = clients.ecs()) {
            once.createCluster(r -> r.clusterName("rated"));

            // When two StartTask calls come at once (the task definition is unknown: moto's answer is an error)
            Throwable first = catchThrowable(() -> once.startTask(r -> r.cluster("rated").taskDefinition("nope:1")
                    .containerInstances("i-1")));
            Throwable second = catchThrowable(() -> once.startTask(r -> r.cluster("rated").taskDefinition("nope:1")
                    .containerInstances("i-1")));
            // and a third through a client with the SDK's retries
            Throwable retried = catchThrowable(() -> retrying.startTask(r -> r.cluster("rated")
                    .taskDefinition("nope:1").containerInstances("i-1")));

            // Then the first reached moto, the second was throttled as ECS throttles (HTTP 400, ThrottlingException)
            assertThat(first).isInstanceOf(EcsException.class)
                    .satisfies(e -> assertThat(((EcsException) e).isThrottlingException()).isFalse());
            assertThat(second).isInstanceOf(EcsException.class).satisfies(e -> {
                EcsException ecs = (EcsException) e;
                assertThat(ecs.statusCode()).isEqualTo(400);
                assertThat(ecs.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(ecs.isThrottlingException()).isTrue();
            });
            // and the SDK's retries waited for the bucket's next token and reached moto
            assertThat(retried).isInstanceOf(EcsException.class)
                    .satisfies(e -> assertThat(((EcsException) e).isThrottlingException()).isFalse());
            assertThat(faults.ecsStarts().calls() - faults.ecsStarts().throttled()).isEqualTo(2);
            assertThat(faults.injected().get("ecs-rate")).isEqualTo(faults.ecsStarts().throttled()).isGreaterThan(1L);
        }
    }
}
