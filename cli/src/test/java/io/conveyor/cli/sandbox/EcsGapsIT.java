package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;

/**
 * The gap in moto that {@link EcsGaps} mends first, shown on moto itself: should a moto release place
 * wrapped definitions by their task-level memory, the first test fails and the mend can go.
 */
@AwsEmulator
class EcsGapsIT {

    static final String CLUSTER = "gaps";

    static String containerInstance(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); var ec2 = emulator.clients().ec2()) {
            ecs.createCluster(r -> r.clusterName(CLUSTER));
            EcsFleet.launchContainerInstances(ec2, ecs, CLUSTER, 1);
            return ecs.listContainerInstances(r -> r.cluster(CLUSTER)).containerInstanceArns().get(0);
        }
    }

    static RegisterTaskDefinitionRequest wrapped() {
        return io.conveyor.aws.EcsTaskDefinitions.request(io.conveyor.registration.TaskDefinitionWrapper.wrap(
                WrappedTasks.descriptor(WrappedTasks.WORD_COUNT), "0".repeat(64), WrappedTasks.SETTINGS));
    }

    @Test
    void startTask_wrappedDefinitionAsRegistered_motoAnswers500(Emulator emulator) {
        String instance = containerInstance(emulator);
        try (EcsClient ecs = emulator.clients().ecs()) {
            String definition = ecs.registerTaskDefinition(wrapped()).taskDefinition().taskDefinitionArn();

            assertThatThrownBy(() -> ecs.startTask(r -> r.cluster(CLUSTER).taskDefinition(definition)
                    .containerInstances(instance))).isInstanceOfSatisfying(EcsException.class,
                    e -> assertThat(e.statusCode()).isEqualTo(500));
        }
    }

    @Test
    void startTask_wrappedDefinitionRegisteredThroughTheGaps_startsAndReservesTheTasksMemory(Emulator emulator) {
        String instance = containerInstance(emulator);
        EcsGaps gaps = new EcsGaps(id -> Optional.empty(), arn -> Optional.empty());
        try (EcsClient ecs = emulator.clients().with(gaps).ecs(); EcsClient plain = emulator.clients().ecs()) {
            String definition = ecs.registerTaskDefinition(wrapped()).taskDefinition().taskDefinitionArn();

            List<String> started = ecs.startTask(r -> r.cluster(CLUSTER).taskDefinition(definition)
                    .containerInstances(instance)).tasks().stream().map(t -> t.taskArn()).toList();

            assertThat(started).hasSize(1);
            assertThat(plain.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(instance))
                    .containerInstances().get(0).remainingResources()).filteredOn(r -> r.name().equals("MEMORY")
                    || r.name().equals("CPU")).extracting(r -> r.name() + "=" + r.integerValue())
                    .containsExactly("CPU=" + (4096 - 512), "MEMORY=" + (7482 - 512));
            assertThat(ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(started)).tasks().get(0).lastStatus())
                    .as("not yet taken up by an agent").isEqualTo("PENDING");
        }
    }
}
