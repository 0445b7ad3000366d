package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobTask;
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
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The agent against moto: tasks started as dispatch starts them run their three containers as
 * processes, land their output in the output bucket, and their state changes reach a queue through an
 * EventBridge rule on the cluster, as task-events gets them.
 */
@AwsEmulator
class EcsAgentIT {

    static final String JOB = "job-0123456789abcdef01234567";
    static final String SLEEPER = """
            {"name": "sleeper", "image": "public.ecr.aws/docker/library/busybox:1.36",
             "command": ["sh", "-c", "echo started on \\"$CONVEYOR_INPUT\\"; sleep 60"],
             "resources": {"vcpu": 1, "memoryMiB": 1024, "gpu": 0}, "timeoutSeconds": 600, "retries": 1}""";

    @TempDir
    Path work;

    static TaskStateChange parse(JsonNode event) {
        return EcsTaskEvents.parse(event.toString());
    }

    static boolean stopped(List<JsonNode> events) {
        return events.stream().anyMatch(e -> "STOPPED".equals(e.path("detail").path("lastStatus").asText()));
    }

    void runsWordCount(Emulator emulator, boolean awsCli) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, awsCli)) {
            RegistrationOutcome registered = rig.register(WrappedTasks.WORD_COUNT);
            String instance = rig.launchRegistered("m6i.large");

            String taskArn = rig.start(WrappedTasks.WORD_COUNT, JOB, "inputs/word-count/my notes.txt",
                    "the quick brown fox\n", rig.containerInstanceOf(instance), registered.taskDefinitionArn());

            List<JsonNode> events = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(60),
                    EcsAgentIT::stopped);
            assertThat(events).extracting(e -> e.path("detail").path("lastStatus").asText())
                    .containsExactly("RUNNING", "STOPPED");
            assertThat(events).allSatisfy(event -> {
                assertThat(event.path("source").asText()).isEqualTo("aws.ecs");
                assertThat(event.path("detail-type").asText()).isEqualTo("ECS Task State Change");
                assertThat(event.path("resources")).singleElement()
                        .satisfies(arn -> assertThat(arn.asText()).isEqualTo(taskArn));
            });
            TaskStateChange running = parse(events.get(0));
            TaskStateChange stopped = parse(events.get(1));
            assertThat(running.version()).isLessThan(stopped.version());
            assertThat(JobTask.fromStartedBy(stopped.startedBy())).contains(new JobTask(JOB, 1));
            assertThat(stopped.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                    .containsExactly("stage-in=0", "algorithm=0", "stage-out=0");
            assertThat(stopped.stopCode()).isEqualTo("EssentialContainerExited");
            assertThat(TaskEvents.ending(stopped)).isEqualTo(new JobEvent.Succeeded());
            // the algorithm's output, uploaded by stage-out where dispatch said
            assertThat(rig.object("outputs/word-count/my notes.txt/" + JOB + "/count").trim()).isEqualTo("4");
            // the handlers' DescribeTasks tell what ECS would, and the instance's reservation is freed
            Task described = rig.gapped.ecs().describeTasks(r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks().get(0);
            assertThat(described.lastStatus()).isEqualTo("STOPPED");
            assertThat(described.startedAt()).isNotNull();
            assertThat(described.stoppedAt()).isAfterOrEqualTo(described.startedAt());
            assertThat(rig.ecs.describeTasks(r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks().get(0)
                    .desiredStatus()).as("moto's task").isEqualTo("STOPPED");
            assertThat(rig.ecs.describeContainerInstances(r -> r.cluster(FleetRig.CLUSTER)
                    .containerInstances(rig.containerInstanceOf(instance))).containerInstances().get(0)
                    .remainingResources()).filteredOn(r -> r.name().equals("MEMORY"))
                    .singleElement().satisfies(r -> assertThat(r.integerValue()).isEqualTo(7482));
        }
    }

    @Test
    void startTask_wrappedWordCount_runsStageInAlgorithmStageOutAndItsEventsReachTheRulesQueue(Emulator emulator) {
        runsWordCount(emulator, LocalContainers.awsCliInstalled(Environment.system()));
    }

    @Test
    void startTask_withoutTheAwsCli_stagesThroughTheSdkToTheSameEnd(Emulator emulator) {
        runsWordCount(emulator, false);
    }

    @Test
    void stopTask_byOthers_endsTheAlgorithmAndReportsUserInitiatedWithTheirReason(Emulator emulator) {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, LocalContainers.awsCliInstalled(Environment.system()))) {
            RegistrationOutcome registered = rig.register(SLEEPER);
            String instance = rig.launchRegistered("m6i.large");
            String taskArn = rig.start(SLEEPER, JOB, "inputs/sleeper/a.txt", "x", rig.containerInstanceOf(instance),
                    registered.taskDefinitionArn());
            List<JsonNode> running = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(30),
                    events -> !events.isEmpty());
            assertThat(running).extracting(e -> e.path("detail").path("lastStatus").asText()).containsExactly("RUNNING");
            FleetRig.await("the algorithm running", Duration.ofSeconds(30), () -> rig.gapped.ecs().describeTasks(
                    r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks().get(0).containers().stream()
                    .anyMatch(c -> c.name().equals("algorithm") && "RUNNING".equals(c.lastStatus())));
            Instant startedAt = rig.gapped.ecs().describeTasks(r -> r.cluster(FleetRig.CLUSTER).tasks(taskArn)).tasks()
                    .get(0).startedAt();
            assertThat(startedAt).as("fleet-monitor reads startedAt for the timeout").isNotNull();

            // fleet-monitor's timeout, as EcsClusterTasks.stop sends it
            rig.gapped.ecs().stopTask(r -> r.cluster(FleetRig.CLUSTER).task(taskArn).reason(JobTask.timeoutReason(600)));

            List<JsonNode> events = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(30),
                    EcsAgentIT::stopped);
            TaskStateChange stopped = parse(events.getLast());
            assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
            assertThat(stopped.stopCode()).isEqualTo("UserInitiated");
            assertThat(stopped.stoppedReason()).isEqualTo(JobTask.timeoutReason(600));
            assertThat(stopped.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                    .containsExactly("stage-in=0", "algorithm=143", "stage-out=null");
            assertThat(TaskEvents.ending(stopped)).isEqualTo(new JobEvent.TimedOut(600, null));
            // moto freed the task's reservation once (a second StopTask would free it twice)
            assertThat(rig.ecs.describeContainerInstances(r -> r.cluster(FleetRig.CLUSTER)
                    .containerInstances(rig.containerInstanceOf(instance))).containerInstances().get(0)
                    .remainingResources()).filteredOn(r -> r.name().equals("MEMORY"))
                    .singleElement().satisfies(r -> assertThat(r.integerValue()).isEqualTo(7482));
            // its output went to the task log group, as the awslogs driver would send it
            String stream = TaskLogs.streamName("sleeper", "algorithm", TaskState.taskId(taskArn));
            try (var logs = rig.plain.logs()) {
                FleetRig.await("the algorithm's log", Duration.ofSeconds(10), () -> !logs.getLogEvents(
                        r -> r.logGroupName(FleetRig.LOG_GROUP).logStreamName(stream)).events().isEmpty());
                assertThat(logs.getLogEvents(r -> r.logGroupName(FleetRig.LOG_GROUP).logStreamName(stream)).events())
                        .extracting(e -> e.message()).singleElement().satisfies(line -> assertThat(line)
                                .startsWith("started on " + work).endsWith("/volume/input/a.txt"));
            }
        }
    }
}
