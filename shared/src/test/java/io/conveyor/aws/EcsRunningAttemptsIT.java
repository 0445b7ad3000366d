package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobTask;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

@AwsEmulator
class EcsRunningAttemptsIT {

    static final JobTask ATTEMPT = new JobTask("job-0123456789abcdef01234567", 2);

    @Test
    void stop_attemptWhoseTaskTheRecordDoesNotKnow_stopsTheTaskItsStartedByNamesWithTheReason(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            // Given a task of attempt 2 and one of another attempt, both running
            String mine = start(ecs, ec2, ATTEMPT.startedBy());
            String other = start(ecs, ec2, new JobTask(ATTEMPT.jobId(), 1).startedBy());

            // When attempt 2 is stopped without its task ARN (a STARTING record)
            int stopped = new EcsRunningAttempts(ecs, "conveyor").stop(ATTEMPT, null, "Conveyor: cancelled by alice");

            // Then only its task got the StopTask, with the reason
            assertThat(stopped).isEqualTo(1);
            assertThat(task(ecs, mine).stoppedReason()).isEqualTo("Conveyor: cancelled by alice");
            assertThat(task(ecs, other).stoppedReason()).as("moto answers \"\" for none").isNullOrEmpty();
        }
    }

    @Test
    void stop_attemptWithItsTaskArn_stopsThatTask(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            String mine = start(ecs, ec2, ATTEMPT.startedBy());

            int stopped = new EcsRunningAttempts(ecs, "conveyor").stop(ATTEMPT, mine, "Conveyor: cancelled by bob");

            assertThat(stopped).isEqualTo(1);
            assertThat(task(ecs, mine).stoppedReason()).isEqualTo("Conveyor: cancelled by bob");
        }
    }

    @Test
    void stop_attemptWithNoTask_stopsNothing(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs()) {
            ecs.createCluster(r -> r.clusterName("conveyor"));

            assertThat(new EcsRunningAttempts(ecs, "conveyor").stop(ATTEMPT, null, "Conveyor: cancelled")).isZero();
        }
    }

    /** Starts a task started by {@code startedBy} on the cluster's one container instance; returns its ARN. */
    static String start(EcsClient ecs, Ec2Client ec2, String startedBy) {
        if (ecs.listClusters().clusterArns().stream().noneMatch(arn -> arn.endsWith("/conveyor"))) {
            ecs.createCluster(r -> r.clusterName("conveyor"));
            EcsFleet.launchContainerInstances(ec2, ecs, "conveyor", 1);
            ecs.registerTaskDefinition(r -> r.family("conveyor-wc").networkMode(NetworkMode.BRIDGE)
                    .containerDefinitions(c -> c.name("algorithm").image("busybox:1.36").cpu(128).memory(128)));
        }
        List<String> instances = ecs.listContainerInstances(r -> r.cluster("conveyor")).containerInstanceArns();
        return ecs.startTask(r -> r.cluster("conveyor").taskDefinition("conveyor-wc").containerInstances(instances.get(0))
                .startedBy(startedBy)).tasks().get(0).taskArn();
    }

    static Task task(EcsClient ecs, String arn) {
        return ecs.describeTasks(r -> r.cluster("conveyor").tasks(arn)).tasks().get(0);
    }
}
