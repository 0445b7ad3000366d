package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.registration.TaskDefinitionWrapper;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DescribeContainerInstancesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

class EcsGapsTest {

    static final Instant STARTED = Instant.parse("2026-11-21T09:31:09Z");

    static SdkRequest request(EcsGaps gaps, SdkRequest request) {
        return gaps.modifyRequest(InterceptorContext.builder().request(request).build(), new ExecutionAttributes());
    }

    static SdkResponse response(EcsGaps gaps, SdkResponse response) {
        return gaps.modifyResponse(InterceptorContext.builder().request(SendMessageRequest.builder().build())
                .response(response).build(), new ExecutionAttributes());
    }

    static EcsGaps gaps(Map<String, Boolean> connected, Map<String, Task> known) {
        return new EcsGaps(id -> Optional.ofNullable(connected.get(id)), arn -> Optional.ofNullable(known.get(arn)));
    }

    @Test
    void modifyRequest_wrappedDefinition_givesEachContainerAShareAddingUpToTheTasks() {
        RegisterTaskDefinitionRequest wrapped = software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest
                .builder().family("f").cpu("512").memory("1000").containerDefinitions(
                        ContainerDefinition.builder().name("stage-in").build(),
                        ContainerDefinition.builder().name("algorithm").build(),
                        ContainerDefinition.builder().name("stage-out").build()).build();

        RegisterTaskDefinitionRequest sent = (RegisterTaskDefinitionRequest) request(gaps(Map.of(), Map.of()), wrapped);

        assertThat(sent.containerDefinitions()).extracting(ContainerDefinition::memoryReservation)
                .containsExactly(334, 333, 333);
        assertThat(sent.containerDefinitions()).extracting(ContainerDefinition::cpu).containsExactly(171, 171, 170);
        assertThat(sent.containerDefinitions()).extracting(ContainerDefinition::memory).containsOnlyNulls();
        assertThat(sent.memory()).isEqualTo("1000");
    }

    @Test
    void modifyRequest_containersWithTheirOwnMemory_keepItAndTheRestShareWhatIsLeft() {
        RegisterTaskDefinitionRequest request = RegisterTaskDefinitionRequest.builder().family("f").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("a").memory(256).cpu(0).build(),
                        ContainerDefinition.builder().name("b").build()).build();
        RegisterTaskDefinitionRequest complete = RegisterTaskDefinitionRequest.builder().family("f").memory("512")
                .containerDefinitions(ContainerDefinition.builder().name("a").memoryReservation(512).build()).build();

        RegisterTaskDefinitionRequest sent = (RegisterTaskDefinitionRequest) request(gaps(Map.of(), Map.of()), request);

        assertThat(sent.containerDefinitions()).extracting(c -> c.memory() + "/" + c.memoryReservation() + "/" + c.cpu())
                .containsExactly("256/null/0", "null/256/null");
        assertThat(request(gaps(Map.of(), Map.of()), complete)).isSameAs(complete);
    }

    @Test
    void modifyRequest_realWrappedDefinition_addsUpToItsTaskLevelValues() {
        RegisterTaskDefinitionRequest sent = WrappedTasks.registration(WrappedTasks.WORD_COUNT);

        assertThat(sent.containerDefinitions().stream().mapToInt(ContainerDefinition::memoryReservation).sum())
                .isEqualTo(Integer.parseInt(sent.memory()));
        assertThat(sent.containerDefinitions().stream().mapToInt(ContainerDefinition::cpu).sum())
                .isEqualTo(Integer.parseInt(sent.cpu()));
    }

    static Resource resource(String name, int value) {
        return Resource.builder().name(name).type("INTEGER").integerValue(value).build();
    }

    @Test
    void modifyResponse_containerInstance_getsItsTypesResourcesLessWhatTasksReserveAndTheSimulatorsAgent() {
        ContainerInstance fromMoto = ContainerInstance.builder().containerInstanceArn("arn:ci/1").ec2InstanceId("i-1")
                .agentConnected(true).status("ACTIVE")
                .attributes(a -> a.name("ecs.instance-type").value("m6i.large"))
                .registeredResources(resource("CPU", 4096), resource("MEMORY", 7482),
                        Resource.builder().name("PORTS").type("STRINGSET").stringSetValue("22").build())
                .remainingResources(resource("CPU", 4096 - 512), resource("MEMORY", 7482 - 1000)).build();

        DescribeContainerInstancesResponse mended = (DescribeContainerInstancesResponse) response(
                gaps(Map.of("i-1", false), Map.of()),
                DescribeContainerInstancesResponse.builder().containerInstances(fromMoto).build());

        ContainerInstance instance = mended.containerInstances().get(0);
        int memory = (int) (8192 * 0.9) - 128;
        assertThat(instance.registeredResources()).extracting(r -> r.name() + "=" + r.integerValue())
                .containsExactly("CPU=2048", "MEMORY=" + memory, "PORTS=null");
        assertThat(instance.remainingResources()).extracting(r -> r.name() + "=" + r.integerValue())
                .containsExactly("CPU=1536", "MEMORY=" + (memory - 1000));
        assertThat(instance.agentConnected()).isFalse();
    }

    @Test
    void modifyResponse_unknownTypeAndUnknownInstance_keepWhatMotoSaid() {
        ContainerInstance fromMoto = ContainerInstance.builder().ec2InstanceId("i-2").agentConnected(true)
                .attributes(a -> a.name("ecs.instance-type").value("x9.huge"))
                .registeredResources(resource("CPU", 4096)).remainingResources(resource("CPU", 4096)).build();

        DescribeContainerInstancesResponse mended = (DescribeContainerInstancesResponse) response(gaps(Map.of(), Map.of()),
                DescribeContainerInstancesResponse.builder().containerInstances(fromMoto).build());

        assertThat(mended.containerInstances()).containsExactly(fromMoto);
    }

    @Test
    void modifyResponse_taskTheAgentRuns_isDescribedAsTheAgentKnowsIt() {
        TaskState state = WrappedTasks.state(STARTED);
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        Task fromMoto = WrappedTasks.task().toBuilder().lastStatus("DEPROVISIONING")
                .containers(Container.builder().name("stage-in").exitCode(0).lastStatus("PENDING").build()).build();

        DescribeTasksResponse mended = (DescribeTasksResponse) response(gaps(Map.of(),
                Map.of(WrappedTasks.TASK_ARN, state.snapshot())), DescribeTasksResponse.builder().tasks(fromMoto).build());

        Task task = mended.tasks().get(0);
        assertThat(task.startedAt()).isEqualTo(STARTED);
        assertThat(task.lastStatus()).isEqualTo("RUNNING");
        assertThat(task.containers()).extracting(c -> c.name() + ":" + c.lastStatus() + ":" + c.exitCode())
                .containsExactly("stage-in:RUNNING:null", "algorithm:PENDING:null", "stage-out:PENDING:null");
        assertThat(task.tags()).isEqualTo(fromMoto.tags());
    }

    @Test
    void modifyResponse_stopTaskTheAgentHasNotSeenYet_showsAtOnce() {
        TaskState state = WrappedTasks.state(STARTED);
        state.containerRunning(TaskDefinitionWrapper.STAGE_IN, STARTED);
        Task fromMoto = WrappedTasks.task().toBuilder().desiredStatus("STOPPED").stoppedReason("Conveyor: timed out").build();

        Task task = ((DescribeTasksResponse) response(gaps(Map.of(), Map.of(WrappedTasks.TASK_ARN, state.snapshot())),
                DescribeTasksResponse.builder().tasks(fromMoto).build())).tasks().get(0);

        assertThat(task.desiredStatus()).isEqualTo("STOPPED");
        assertThat(task.lastStatus()).isEqualTo("RUNNING");
        assertThat(task.stoppedReason()).isEqualTo("Conveyor: timed out");
    }

    @Test
    void modifyResponse_taskNotYetTakenUp_isPendingWithoutExitCodes() {
        Task fromMoto = WrappedTasks.task().toBuilder()
                .containers(Container.builder().name("stage-in").exitCode(0).lastStatus("RUNNING").build()).build();

        Task task = ((DescribeTasksResponse) response(gaps(Map.of(), Map.of()),
                DescribeTasksResponse.builder().tasks(fromMoto).build())).tasks().get(0);

        assertThat(task.lastStatus()).isEqualTo("PENDING");
        assertThat(task.containers()).extracting(Container::exitCode).containsOnlyNulls();
    }

    @Test
    void modifyResponse_otherOperations_passUnchanged() {
        ListTasksResponse list = ListTasksResponse.builder().taskArns("a").build();

        assertThat(response(gaps(Map.of(), Map.of()), list)).isSameAs(list);
    }
}
