package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.FleetReport;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

@AwsEmulator
class EcsContainerSchedulerIT {

    @Test
    void containerInstances_registeredInstances_reportEc2IdsStatusAndTaskCounts(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            // Given a cluster with two container instances, one of them running a task
            ecs.createCluster(r -> r.clusterName("conveyor"));
            List<String> instanceIds = EcsFleet.launchContainerInstances(ec2, ecs, "conveyor", 2);
            String busy = EcsFleet.startTaskOn(ecs, "conveyor", instanceIds.get(0));

            // When
            List<ContainerInstanceLoad> loads = new EcsContainerScheduler(ecs, "conveyor").containerInstances();
            FleetReport report = FleetReport.of(loads);

            // Then
            assertThat(loads).extracting(ContainerInstanceLoad::ec2InstanceId)
                    .containsExactlyInAnyOrderElementsOf(instanceIds);
            assertThat(loads).allSatisfy(load -> assertThat(load.status()).isEqualTo("ACTIVE"));
            assertThat(loads).filteredOn(load -> load.ec2InstanceId().equals(busy))
                    .singleElement().satisfies(load -> assertThat(load.activeTasks()).isEqualTo(1));
            assertThat(report.idle()).isEqualTo(1);
            assertThat(report.tasks()).isEqualTo(1);
        }
    }

    @Test
    void containerInstances_emptyCluster_isEmpty(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs()) {
            ecs.createCluster(r -> r.clusterName("conveyor"));

            assertThat(new EcsContainerScheduler(ecs, "conveyor").containerInstances()).isEmpty();
        }
    }
}
