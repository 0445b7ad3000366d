package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.dispatch.TaskOverrides;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobEvent;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.registration.Registrar;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.tasks.TaskEvents;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fleet and the agent on the stack {@link StackBuilder} makes from template.yaml: the template's
 * own rules route the agent's task state changes to the task-events queue and the simulator's instance
 * notifications to fleet-monitor's delivery queue; instances come from its launch template, task
 * output goes to its task log group.
 */
@AwsEmulator
class FleetOnStackIT {

    @TempDir
    Path work;

    static SandboxStack.FunctionBinding function(SandboxStack stack, String logicalId) {
        return stack.functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst().orElseThrow();
    }

    static <T extends SandboxStack.EventSource> T source(SandboxStack.FunctionBinding function, Class<T> type) {
        return function.sources().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    void wordCount_onTheTemplatesStack_runsAndItsEventsFollowTheTemplatesRules(Emulator emulator) throws Exception {
        assertThat(MotoServer.leaveTasksToTheAgent(emulator.endpoint())).isTrue();
        AwsClients plain = emulator.clients();
        SandboxStack stack;
        try (StackBuilder builder = new StackBuilder(plain)) {
            stack = builder.build(StackTemplateTest.project());
        }
        try (EcsAgent agent = EcsAgent.builder(plain, stack).workDirectory(work).emulator(emulator.endpoint(), "test", "test")
                .pollEvery(Duration.ofMillis(100)).build();
             Ec2Simulator simulator = new Ec2Simulator(plain, stack, Clock.systemUTC(), Duration.ZERO, agent,
                     Duration.ofMillis(100));
             S3Client s3 = plain.s3(); var sqs = plain.sqs()) {
            agent.watch(simulator);
            AwsClients gapped = plain.with(new EcsGaps(simulator, agent));
            agent.start();
            simulator.start();

            // the register function's work, with its environment from the template
            Map<String, String> register = function(stack, "RegisterAlgorithmFunction").environment();
            WrapSettings wrap = new WrapSettings(register.get("TASK_FAMILY_PREFIX"), register.get("TASK_ROLE_ARN"),
                    register.get("EXECUTION_ROLE_ARN"), register.get("TASK_LOG_GROUP"), stack.region(),
                    register.get("STAGE_IMAGE"));
            String key = BucketLayout.ALGORITHMS_PREFIX + "word-count.json";
            s3.putObject(r -> r.bucket(stack.inputBucket()).key(key), RequestBody.fromString(WrappedTasks.WORD_COUNT));
            RegistrationOutcome registered = new Registrar(new S3ObjectStore(s3), new DescriptorValidator(),
                    new ObjectStoreRegistry(new S3ObjectStore(s3), stack.outputBucket()),
                    new ObjectStoreRegistry(new S3ObjectStore(s3), stack.outputBucket()),
                    new EcsTaskDefinitions(gapped.ecs()), wrap, Clock.systemUTC()).reconcile(new ObjectRef(stack.inputBucket(), key));
            // the capacity function's launch, from the template's launch template
            Map<String, String> capacity = function(stack, "CapacityFunction").environment();
            String instance = new Ec2InstanceFleet(gapped.ec2(), stack.stackName(), capacity.get("LAUNCH_TEMPLATE_ID"),
                    capacity.get("LAUNCH_TEMPLATE_VERSION"), List.of()).launch("m6i.large", 1, "conveyor-it").get(0);
            FleetRig.await("the instance registered", Duration.ofSeconds(20), () -> !gapped.ecs()
                    .listContainerInstances(r -> r.cluster(stack.clusterName())).containerInstanceArns().isEmpty());
            String containerInstance = gapped.ecs().listContainerInstances(r -> r.cluster(stack.clusterName()))
                    .containerInstanceArns().get(0);

            // dispatch's start
            Descriptor descriptor = WrappedTasks.descriptor(WrappedTasks.WORD_COUNT);
            String input = "inputs/word-count/notes.txt";
            String version = s3.putObject(r -> r.bucket(stack.inputBucket()).key(input),
                    RequestBody.fromString("one two three four five\n")).versionId();
            String job = "job-00000000000000000000abcd";
            String prefix = BucketLayout.outputPrefix("word-count", BucketLayout.restOf(input), job);
            String output = "s3://" + stack.outputBucket() + "/" + prefix;
            TaskStart.Result started = new EcsContainerScheduler(gapped.ecs(), gapped.ecsWithoutRetries(),
                    stack.clusterName()).start(List.of(TaskOverrides.of(job, 1, registered.taskDefinitionArn(),
                    containerInstance, descriptor, new ObjectRef(stack.inputBucket(), input), version, output, Map.of())))
                    .get(0);
            assertThat(started).isInstanceOf(TaskStart.Result.Started.class);

            // the template's TaskStateChangeRule → TaskEventsQueue
            String taskEvents = source(function(stack, "TaskEventsFunction"), SandboxStack.EventSource.Sqs.class).queueUrl();
            List<JsonNode> changes = FleetRig.events(sqs, taskEvents, Duration.ofSeconds(60), EcsAgentIT::stopped);
            assertThat(changes).extracting(e -> e.path("detail").path("lastStatus").asText())
                    .containsExactly("RUNNING", "STOPPED");
            assertThat(TaskEvents.ending(EcsTaskEvents.parse(changes.get(1).toString()))).isEqualTo(new JobEvent.Succeeded());
            assertThat(s3.getObjectAsBytes(r -> r.bucket(stack.outputBucket()).key(prefix + "count")).asUtf8String().trim())
                    .isEqualTo("5");
            // the fleet-monitor function's InstanceStateChanges rule → its delivery queue
            String fleetMonitor = function(stack, "FleetMonitorFunction").sources().stream()
                    .filter(SandboxStack.EventSource.Rule.class::isInstance).map(SandboxStack.EventSource.Rule.class::cast)
                    .findFirst().orElseThrow().deliveryQueueUrl();
            List<JsonNode> notifications = FleetRig.events(sqs, fleetMonitor, Duration.ofSeconds(10),
                    list -> Ec2SimulatorIT.states(list, instance).size() >= 2);
            assertThat(Ec2SimulatorIT.states(notifications, instance)).containsExactly("pending", "running");
        }
    }
}
