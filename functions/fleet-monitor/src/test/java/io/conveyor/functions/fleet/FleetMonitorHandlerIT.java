package io.conveyor.functions.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsClusterTasks;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.fleet.FleetMonitor;
import io.conveyor.fleet.FleetReport;
import io.conveyor.fleet.IdleAlarm;
import io.conveyor.fleet.IdleAlarms;
import io.conveyor.fleet.IdlePolicy;
import io.conveyor.jobs.JobTask;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * fleet-monitor's ECS and EC2 parts against moto: overdue tasks stopped with Conveyor's reason,
 * instances that never registered terminated, stopping instances drained and made ACTIVE again. The
 * CloudWatch ports are recorded in memory (moto cannot parse the SDK's CBOR CloudWatch requests; the
 * requests themselves are checked in CloudWatchIdleAlarmsTest).
 */
@AwsEmulator
class FleetMonitorHandlerIT {

    static final String CLUSTER = "conveyor-it";
    static final String STACK = "conveyor-it";
    static final IdlePolicy POLICY = new IdlePolicy(STACK, 10, "Conveyor", "Tasks");
    static final String JOB = "job-0123456789abcdef01234567";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Emulator emulator;
    private final List<Map<String, Integer>> published = new ArrayList<>();
    private final List<String> alarmsCreated = new ArrayList<>();

    /**
     * moto leaves startedAt out of its tasks (ECS sets it once a task runs): this puts it back into
     * DescribeTasks answers, as if every task had started two hours ago.
     */
    static final class StartedTwoHoursAgo implements ExecutionInterceptor {
        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof DescribeTasksResponse response) {
                Instant started = Instant.now().minus(Duration.ofHours(2));
                return response.toBuilder().tasks(response.tasks().stream()
                        .map(task -> task.startedAt() == null ? task.toBuilder().startedAt(started).build() : task)
                        .toList()).build();
            }
            return context.response();
        }
    }

    FleetMonitor monitor(AwsClients aws, Clock clock) {
        EcsClient ecs = aws.ecs();
        Ec2InstanceFleet fleet = new Ec2InstanceFleet(aws.ec2(), STACK);
        EcsClusterTasks tasks = new EcsClusterTasks(ecs, CLUSTER);
        IdleAlarms alarms = new IdleAlarms() {
            @Override
            public List<IdleAlarm> list() {
                return List.of();
            }

            @Override
            public void create(String instanceId) {
                alarmsCreated.add(instanceId);
            }

            @Override
            public void delete(List<String> names) {
            }

            @Override
            public void reset(String name, String reason) {
            }
        };
        return new FleetMonitor(new FleetMonitor.Ports(new EcsContainerScheduler(ecs, CLUSTER), fleet, fleet, tasks,
                tasks, (counts, at) -> published.add(counts), alarms), POLICY, clock);
    }

    /** Keeps moto's ECS tasks RUNNING across DescribeTasks calls (its default advances them to STOPPED). */
    void tasksStayRunning(Emulator emulator) throws Exception {
        this.emulator = emulator;
        moto("set-transition", "{\"model_name\": \"ecs::task\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
    }

    @AfterEach
    void tasksAdvanceAgain() throws Exception {
        if (emulator != null) {
            moto("unset-transition", "{\"model_name\": \"ecs::task\"}");
        }
    }

    private void moto(String action, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(emulator.endpoint() + "/moto-api/state-manager/" + action))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode() / 100).as(response.body()).isEqualTo(2);
    }

    static String launch(Ec2Client ec2, boolean tagged) {
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        return ec2.runInstances(r -> {
            r.imageId(imageId).instanceType(InstanceType.C5_LARGE).minCount(1).maxCount(1);
            if (tagged) {
                r.tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                        .tags(tag -> tag.key(Ec2InstanceFleet.STACK_TAG).value(STACK)));
            }
        }).instances().get(0).instanceId();
    }

    static String register(EcsClient ecs, String instanceId) {
        String document = "{\"instanceId\":\"" + instanceId + "\",\"region\":\"" + Emulator.REGION
                + "\",\"instanceType\":\"c5.large\",\"availabilityZone\":\"us-east-1a\"}";
        return ecs.registerContainerInstance(r -> r.cluster(CLUSTER).instanceIdentityDocument(document))
                .containerInstance().containerInstanceArn();
    }

    static ScheduledEvent instanceEvent(String instanceId, String state) {
        ScheduledEvent event = new ScheduledEvent();
        event.setDetailType("EC2 Instance State-change Notification");
        event.setSource("aws.ec2");
        Map<String, Object> detail = new HashMap<>();
        detail.put("instance-id", instanceId);
        detail.put("state", state);
        event.setDetail(detail);
        return event;
    }

    @Test
    void sweep_conveyorTaskPastItsTimeout_isStoppedWithTheTimeoutReason(Emulator emulator) throws Exception {
        // Given a Conveyor task with a 60-second timeout, started two hours ago, and a task of someone else
        tasksStayRunning(emulator);
        AwsClients aws = emulator.clients().with(new StartedTwoHoursAgo());
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            ecs.createCluster(r -> r.clusterName(CLUSTER));
            String containerInstance = register(ecs, launch(ec2, true));
            ecs.registerTaskDefinition(r -> r.family("conveyor-it-word-count").networkMode(NetworkMode.BRIDGE)
                    .containerDefinitions(c -> c.name("algorithm").image("public.ecr.aws/docker/library/busybox:1.36")
                            .cpu(128).memory(128).essential(true)));
            String late = ecs.startTask(r -> r.cluster(CLUSTER).taskDefinition("conveyor-it-word-count")
                    .containerInstances(containerInstance).startedBy(new JobTask(JOB, 1).startedBy())
                    .tags(t -> t.key(JobTask.TAG_TIMEOUT).value("60"))).tasks().get(0).taskArn();
            String foreign = ecs.startTask(r -> r.cluster(CLUSTER).taskDefinition("conveyor-it-word-count")
                    .containerInstances(containerInstance).startedBy("someone-else")
                    .tags(t -> t.key(JobTask.TAG_TIMEOUT).value("60"))).tasks().get(0).taskArn();

            // When
            FleetReport report = new FleetMonitorHandler(monitor(aws, Clock.systemUTC()))
                    .handleRequest(scheduled(), null);

            // Then ECS holds the stop with Conveyor's reason (task-events turns it into FAILED, timeout)
            Map<String, Task> tasks = new HashMap<>();
            ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(late, foreign)).tasks()
                    .forEach(task -> tasks.put(task.taskArn(), task));
            assertThat(tasks.get(late).lastStatus()).isEqualTo("STOPPED");
            assertThat(tasks.get(late).stoppedReason()).isEqualTo(JobTask.timeoutReason(60));
            assertThat(tasks.get(foreign).lastStatus()).isEqualTo("RUNNING");
            assertThat(report.actions().tasksStopped()).containsExactly(late);
            assertThat(report.counts()).containsEntry("tasksStopped", 1);
        }
    }

    @Test
    void sweep_instanceNeverRegisteredPastTheBound_isTerminated(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            // Given two Conveyor instances, one registered with the cluster, and an instance not Conveyor's
            ecs.createCluster(r -> r.clusterName(CLUSTER));
            String lost = launch(ec2, true);
            String joined = launch(ec2, true);
            register(ecs, joined);
            String foreign = launch(ec2, false);

            // When the sweep runs 16 minutes after their launch
            Clock later = Clock.offset(Clock.systemUTC(), IdlePolicy.REGISTRATION_BOUND.plusMinutes(1));
            FleetReport report = monitor(emulator.clients(), later).sweep();

            // Then only the one that never registered is terminated; the registered one's count is published
            Map<String, InstanceStateName> states = new HashMap<>();
            ec2.describeInstances(r -> r.instanceIds(lost, joined, foreign)).reservations()
                    .forEach(res -> res.instances().forEach(i -> states.put(i.instanceId(), i.state().name())));
            assertThat(states.get(lost)).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
            assertThat(states.get(joined)).isEqualTo(InstanceStateName.RUNNING);
            assertThat(states.get(foreign)).isEqualTo(InstanceStateName.RUNNING);
            assertThat(report.actions().instancesTerminated()).containsExactly(lost);
            assertThat(published).containsExactly(Map.of(joined, 0));
            assertThat(alarmsCreated).containsExactlyInAnyOrder(lost, joined);
        }
    }

    @Test
    void instanceChanged_stoppingThenRunning_drainsThenActivatesItsContainerInstance(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            // Given a registered Conveyor instance
            ecs.createCluster(r -> r.clusterName(CLUSTER));
            String instance = launch(ec2, true);
            String containerInstance = register(ecs, instance);
            FleetMonitorHandler handler = new FleetMonitorHandler(monitor(emulator.clients(), Clock.systemUTC()));

            // When EC2 says it is stopping
            FleetReport stopping = handler.handleRequest(instanceEvent(instance, "stopping"), null);

            // Then dispatch no longer places on it (it places only on ACTIVE container instances)
            assertThat(status(ecs, containerInstance)).isEqualTo("DRAINING");
            assertThat(stopping.actions().instancesDrained()).containsExactly(containerInstance);

            // When it runs again (a started instance keeps its container instance)
            FleetReport running = handler.handleRequest(instanceEvent(instance, "running"), null);

            // Then it takes tasks again
            assertThat(status(ecs, containerInstance)).isEqualTo("ACTIVE");
            assertThat(running.actions().instancesActivated()).containsExactly(containerInstance);
        }
    }

    static String status(EcsClient ecs, String containerInstance) {
        return ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(containerInstance))
                .containerInstances().get(0).status();
    }

    static ScheduledEvent scheduled() {
        ScheduledEvent event = new ScheduledEvent();
        event.setDetailType("Scheduled Event");
        event.setSource("aws.events");
        event.setDetail(new HashMap<>());
        return event;
    }
}
