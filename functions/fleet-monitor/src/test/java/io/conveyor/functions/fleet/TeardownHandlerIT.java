package io.conveyor.functions.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsClusterContainerInstances;
import io.conveyor.aws.EcsStackTaskDefinitions;
import io.conveyor.fleet.Teardown;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeregisterContainerInstanceRequest;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The stack's Delete through the handler, against moto (EC2, ECS) and a local server standing in for
 * the ResponseURL. CloudWatch's side is a recording port: moto cannot parse the SDK's CBOR CloudWatch
 * protocol (the adapter's requests are tested in CloudWatchAlarmSweeperTest).
 */
@AwsEmulator
class TeardownHandlerIT {

    static final String STACK = "conveyor-it";
    /** Another stack whose families share this one's prefix ("conveyor-it-"). */
    static final String OTHER_STACK = "conveyor-it-x";
    static final String CLUSTER = "conveyor-it-cluster";

    private final ResponseUrl responseUrl = new ResponseUrl();
    private final RecordingInterceptor calls = new RecordingInterceptor();
    private final List<String> alarmSweeps = new ArrayList<>();
    private Ec2Client ec2;
    private EcsClient ecs;

    @BeforeEach
    void clients(Emulator emulator) {
        AwsClients clients = emulator.clients().with(calls);
        ec2 = clients.ec2();
        ecs = clients.ecs();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterEach
    void stopServer() {
        responseUrl.close();
    }

    private TeardownHandler handler(Teardown.Alarms alarms) {
        Teardown teardown = new Teardown(new Ec2InstanceFleet(ec2, STACK), new EcsClusterContainerInstances(ecs, CLUSTER),
                new EcsStackTaskDefinitions(ecs, STACK), alarms, Clock.systemUTC(), duration -> Thread.sleep(10),
                Duration.ofMillis(100));
        return new TeardownHandler(STACK, teardown, new CustomResourceResponder(HttpClient.newHttpClient(),
                Duration.ofSeconds(5), 3, Duration.ofMillis(10)), Clock.systemUTC(), Duration.ZERO);
    }

    private CloudFormationCustomResourceEvent deleteEvent() {
        CloudFormationCustomResourceEvent event = EventLoader.loadEvent("events/teardown/delete.json",
                CloudFormationCustomResourceEvent.class);
        event.setResponseUrl(responseUrl.url());
        return event;
    }

    @Test
    void handleRequest_delete_removesOnlyThisStacksInstancesAndTaskDefinitions() {
        // Given two container instances of this stack (one stopped), one of another stack, one untagged
        List<String> ours = EcsFleet.launchContainerInstances(ec2, ecs, CLUSTER, 2);
        tag(ours, STACK);
        ec2.stopInstances(request -> request.instanceIds(ours.get(1)));
        String theirs = launch(OTHER_STACK);
        String untagged = launch(null);
        // ... and task definitions: two revisions of this stack's word-count; the other stack's word-count
        // (its family starts with this stack's prefix); and one family both stacks share, conveyor-it-x-sum:
        // this stack's algorithm x-sum and the other stack's algorithm sum
        register(STACK, "word-count");
        register(STACK, "word-count");
        register(OTHER_STACK, "word-count");
        register(STACK, "x-sum");
        register(OTHER_STACK, "sum");
        int before = calls.requests().size();

        // When CloudFormation deletes the Teardown resource
        handler(() -> {
            alarmSweeps.add("swept");
            return 3;
        }).handleRequest(deleteEvent(), null);

        // Then this stack's instances are terminated, no other
        assertThat(states()).containsEntry(ours.get(0), "terminated").containsEntry(ours.get(1), "terminated")
                .containsEntry(theirs, "running").containsEntry(untagged, "running");
        assertThat(calls.requests(TerminateInstancesRequest.class)).singleElement()
                .satisfies(request -> assertThat(request.instanceIds()).containsExactlyInAnyOrderElementsOf(ours));
        // ... its container instances deregistered with force, and the cluster empty
        assertThat(calls.requests(DeregisterContainerInstanceRequest.class)).hasSize(2)
                .allSatisfy(request -> assertThat(request.force()).isTrue());
        assertThat(ecs.listContainerInstances(request -> request.cluster(CLUSTER)).containerInstanceArns()).isEmpty();
        // ... its revisions INACTIVE, the other stack's ACTIVE, even in the shared family
        assertThat(revisions(TaskDefinitionStatus.ACTIVE)).containsExactly(
                "conveyor-it-x-sum:2 (sum)", "conveyor-it-x-word-count:1 (word-count)");
        assertThat(revisions(TaskDefinitionStatus.INACTIVE)).containsExactly(
                "conveyor-it-word-count:1 (word-count)", "conveyor-it-word-count:2 (word-count)",
                "conveyor-it-x-sum:1 (x-sum)");
        // ... the alarms swept, and CloudFormation told SUCCESS with its ids echoed
        assertThat(alarmSweeps).containsExactly("swept");
        assertThat(calls.requests().size()).isGreaterThan(before);
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("PUT");
            JsonNode body = request.json();
            assertThat(body.path("Status").asText()).isEqualTo("SUCCESS");
            assertThat(body.path("PhysicalResourceId").asText()).isEqualTo("conveyor-teardown-conveyor");
            assertThat(body.path("RequestId").asText()).isEqualTo("7bfe2d31-3ac9-4d1e-9e7c-2a0e5f1c9d11");
            assertThat(body.path("StackId").asText())
                    .isEqualTo("arn:aws:cloudformation:us-east-1:123456789012:stack/conveyor/5b9a4a70-a7f0-11f0-9b2e-0e1d2c3b4a59");
            assertThat(body.path("LogicalResourceId").asText()).isEqualTo("Teardown");
        });
    }

    @Test
    void handleRequest_deleteWithAFailingStep_answersFailedWithTheReasonAfterDoingTheRest() {
        // Given an instance of this stack, and CloudWatch refusing to delete alarms
        List<String> ours = EcsFleet.launchContainerInstances(ec2, ecs, CLUSTER, 1);
        tag(ours, STACK);
        register(STACK, "word-count");

        // When
        handler(() -> {
            throw new IllegalStateException("User is not authorized to perform: cloudwatch:DeleteAlarms");
        }).handleRequest(deleteEvent(), null);

        // Then the rest was done, and the PUT says FAILED and why
        assertThat(states()).containsEntry(ours.get(0), "terminated");
        assertThat(revisions(TaskDefinitionStatus.ACTIVE)).isEmpty();
        assertThat(responseUrl.received()).singleElement().satisfies(request -> {
            assertThat(request.json().path("Status").asText()).isEqualTo("FAILED");
            assertThat(request.json().path("Reason").asText()).isEqualTo("teardown incomplete, delete the stack again "
                    + "to retry: delete-alarms: IllegalStateException: User is not authorized to perform: "
                    + "cloudwatch:DeleteAlarms");
            assertThat(request.json().path("PhysicalResourceId").asText()).isEqualTo("conveyor-teardown-conveyor");
        });
    }

    @Test
    void handleRequest_deleteTwice_secondFindsNothingAndSucceeds() {
        // Given a teardown already done (a retried stack deletion)
        tag(EcsFleet.launchContainerInstances(ec2, ecs, CLUSTER, 1), STACK);
        register(STACK, "word-count");
        handler(() -> 0).handleRequest(deleteEvent(), null);
        int terminations = calls.requests(TerminateInstancesRequest.class).size();

        // When
        handler(() -> 0).handleRequest(deleteEvent(), null);

        // Then
        assertThat(calls.requests(TerminateInstancesRequest.class)).hasSize(terminations);
        assertThat(responseUrl.received()).hasSize(2)
                .allSatisfy(request -> assertThat(request.json().path("Status").asText()).isEqualTo("SUCCESS"));
    }

    private void tag(List<String> instanceIds, String stack) {
        ec2.createTags(request -> request.resources(instanceIds)
                .tags(tag -> tag.key(Ec2InstanceFleet.STACK_TAG).value(stack)));
    }

    private String launch(String stack) {
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        return ec2.runInstances(request -> {
            request.imageId(imageId).instanceType(InstanceType.C5_LARGE).minCount(1).maxCount(1);
            if (stack != null) {
                request.tagSpecifications(spec -> spec.resourceType(ResourceType.INSTANCE)
                        .tags(tag -> tag.key(Ec2InstanceFleet.STACK_TAG).value(stack)));
            }
        }).instances().get(0).instanceId();
    }

    /** A revision of {@code <stack>-<algorithm>}, tagged the way registration tags it. */
    private void register(String stack, String algorithm) {
        ecs.registerTaskDefinition(request -> request.family(stack + "-" + algorithm).networkMode(NetworkMode.BRIDGE)
                .containerDefinitions(c -> c.name("algorithm").image("public.ecr.aws/docker/library/busybox:1.36")
                        .cpu(128).memory(128).essential(true))
                .tags(tag -> tag.key(TaskDefinitionWrapper.TAG_ALGORITHM).value(algorithm)));
    }

    private Map<String, String> states() {
        return ec2.describeInstances().reservations().stream().flatMap(reservation -> reservation.instances().stream())
                .collect(Collectors.toMap(instance -> instance.instanceId(), instance -> instance.state().nameAsString(),
                        (a, b) -> a, TreeMap::new));
    }

    /** {@code family:revision (algorithm tag)} of every revision in a status, sorted. */
    private List<String> revisions(TaskDefinitionStatus status) {
        return ecs.listTaskDefinitions(request -> request.status(status)).taskDefinitionArns().stream()
                .map(arn -> arn.substring(arn.lastIndexOf('/') + 1) + " (" + ecs.listTagsForResource(r -> r.resourceArn(arn))
                        .tags().stream().filter(tag -> tag.key().equals(TaskDefinitionWrapper.TAG_ALGORITHM))
                        .map(tag -> tag.value()).findFirst().orElse("") + ")")
                .sorted().toList();
    }
}
