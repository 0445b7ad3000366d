package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobEvent;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.tasks.TaskEvents;
import io.conveyor.tasks.TaskStateChange;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;

/**
 * The instance simulator against moto: instances launched from the launch template boot and register,
 * their state changes reach a queue through an EventBridge rule, and a stopped or killed instance takes
 * its tasks with it.
 */
@AwsEmulator
class Ec2SimulatorIT {

    @TempDir
    Path work;

    static List<String> states(List<JsonNode> events, String instanceId) {
        return events.stream().filter(e -> instanceId.equals(e.path("detail").path("instance-id").asText()))
                .map(e -> e.path("detail").path("state").asText()).toList();
    }

    ContainerInstance described(FleetRig rig, String containerInstanceArn) {
        return rig.gapped.ecs().describeContainerInstances(r -> r.cluster(FleetRig.CLUSTER)
                .containerInstances(containerInstanceArn)).containerInstances().get(0);
    }

    @Test
    void runInstances_fromTheLaunchTemplate_bootsThenRegistersWithItsTypesResources(Emulator emulator) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ofSeconds(1), LocalContainers.awsCliInstalled(Environment.system()))) {
            Instant launched = Instant.now();

            String instance = rig.launchRegistered("c5.xlarge");

            assertThat(Duration.between(launched, Instant.now())).as("booted first").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            List<JsonNode> events = FleetRig.events(rig.sqs, rig.instanceEventsQueue, Duration.ofSeconds(10),
                    list -> states(list, instance).size() >= 2);
            assertThat(states(events, instance)).containsExactly("pending", "running");
            assertThat(events.get(0).path("source").asText()).isEqualTo("aws.ec2");
            assertThat(events.get(0).path("detail-type").asText()).isEqualTo("EC2 Instance State-change Notification");
            assertThat(events.get(0).path("resources").get(0).asText())
                    .isEqualTo("arn:aws:ec2:us-east-1:123456789012:instance/" + instance);
            ContainerInstance registered = described(rig, rig.containerInstanceOf(instance));
            assertThat(registered.agentConnected()).isTrue();
            assertThat(registered.registeredResources()).filteredOn(r -> r.name().equals("CPU") || r.name().equals("MEMORY"))
                    .extracting(r -> r.name() + "=" + r.integerValue())
                    .containsExactly("CPU=4096", "MEMORY=" + ((int) (8192 * 0.9) - 128));
        }
    }

    @Test
    void stopAndStart_disconnectsTheAgentThenReconnectsTheSameContainerInstance(Emulator emulator) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, LocalContainers.awsCliInstalled(Environment.system()))) {
            String instance = rig.launchRegistered("m6i.large");
            String containerInstance = rig.containerInstanceOf(instance);

            rig.ec2.stopInstances(r -> r.instanceIds(instance));
            FleetRig.await("agent disconnected", Duration.ofSeconds(10),
                    () -> !described(rig, containerInstance).agentConnected());
            rig.simulator.bootDelay(Duration.ofSeconds(1));
            rig.ec2.startInstances(r -> r.instanceIds(instance));
            FleetRig.await("agent reconnected", Duration.ofSeconds(10),
                    () -> described(rig, containerInstance).agentConnected());

            List<JsonNode> events = FleetRig.events(rig.sqs, rig.instanceEventsQueue, Duration.ofSeconds(10),
                    list -> states(list, instance).size() >= 6);
            assertThat(states(events, instance)).containsExactly("pending", "running", "stopping", "stopped", "pending",
                    "running");
            assertThat(rig.ecs.listContainerInstances(r -> r.cluster(FleetRig.CLUSTER)).containerInstanceArns())
                    .containsExactly(containerInstance);
        }
    }

    @Test
    void startTask_ontoAStoppedInstance_stopsAtOnceAsItsHostsTasksDid(Emulator emulator) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, LocalContainers.awsCliInstalled(Environment.system()))) {
            RegistrationOutcome registered = rig.register(EcsAgentIT.SLEEPER);
            String instance = rig.launchRegistered("m6i.large");
            String containerInstance = rig.containerInstanceOf(instance);
            rig.ec2.stopInstances(r -> r.instanceIds(instance));
            FleetRig.await("agent disconnected", Duration.ofSeconds(10),
                    () -> !described(rig, containerInstance).agentConnected());

            // moto takes a StartTask that ECS would refuse (AGENT): a dispatch that raced the stop
            rig.start(EcsAgentIT.SLEEPER, EcsAgentIT.JOB, "inputs/sleeper/a.txt", "x", containerInstance,
                    registered.taskDefinitionArn());

            List<JsonNode> events = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(20),
                    EcsAgentIT::stopped);
            assertThat(events).extracting(e -> e.path("detail").path("lastStatus").asText()).containsExactly("STOPPED");
            TaskStateChange stopped = EcsTaskEvents.parse(events.getFirst().toString());
            assertThat(stopped.stoppedReason()).isEqualTo("Host EC2 (instance " + instance + ") stopped/terminated.");
            assertThat(stopped.containers()).extracting(c -> c.exitCode()).containsOnlyNulls();
            assertThat(TaskEvents.ending(stopped)).isInstanceOf(JobEvent.InstanceLost.class);
            assertThat(work.toFile().list()).as("no container ran").isEmpty();
        }
    }

    @Test
    void kill_instanceMidTask_stopsItsTaskWithTheHostReasonAndDeregistersIt(Emulator emulator) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, LocalContainers.awsCliInstalled(Environment.system()))) {
            RegistrationOutcome registered = rig.register(EcsAgentIT.SLEEPER);
            String instance = rig.launchRegistered("m6i.large");
            String taskArn = rig.start(EcsAgentIT.SLEEPER, EcsAgentIT.JOB, "inputs/sleeper/a.txt", "x",
                    rig.containerInstanceOf(instance), registered.taskDefinitionArn());
            FleetRig.await("the algorithm running", Duration.ofSeconds(30), () -> rig.gapped.ecs().describeTasks(
                    r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks().get(0).containers().stream()
                    .anyMatch(c -> c.name().equals("algorithm") && "RUNNING".equals(c.lastStatus())));

            rig.simulator.kill(instance);

            List<JsonNode> events = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(20),
                    EcsAgentIT::stopped);
            TaskStateChange stopped = EcsTaskEvents.parse(events.getLast().toString());
            assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
            assertThat(stopped.stoppedReason()).isEqualTo("Host EC2 (instance " + instance + ") stopped/terminated.");
            assertThat(stopped.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                    .containsExactly("stage-in=0", "algorithm=137", "stage-out=null");
            assertThat(TaskEvents.ending(stopped)).isInstanceOf(JobEvent.InstanceLost.class);
            assertThat(rig.ecs.describeTasks(r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks().get(0)
                    .stoppedReason()).as("moto's task").isEqualTo(stopped.stoppedReason());
            assertThat(rig.ecs.listContainerInstances(r -> r.cluster(FleetRig.CLUSTER)).containerInstanceArns()).isEmpty();
            assertThat(states(FleetRig.events(rig.sqs, rig.instanceEventsQueue, Duration.ofSeconds(10),
                    list -> states(list, instance).contains("terminated")), instance))
                    .containsSubsequence("shutting-down", "terminated");
        }
    }
}
