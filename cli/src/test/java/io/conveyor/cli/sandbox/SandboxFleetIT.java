package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.TeardownReport;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The fleet end to end on the sandbox: an instance lost mid-task, an idle instance stopped by its
 * alarm and started again for new work, and the stack's teardown. Each test has a sandbox of its
 * own, so that the instances it counts are its own.
 */
class SandboxFleetIT {

    static final String SLOW = """
            {"name": "slow", "image": "busybox:1.36", "retries": 0,
             "command": ["sh", "-c", "sleep 3; wc -w < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/count\\""],
             "resources": {"vcpu": 0.5, "memoryMiB": 256}}""";

    @Test
    void killedInstance_jobRunsAgainUncountedAndSucceeds() throws Exception {
        try (SandboxRun run = SandboxRun.start("lost", Map.of(), Sandbox.Staging.SDK)) {
            // Given a job whose algorithm runs for a few seconds, running
            run.register("slow.json", SLOW);
            run.upload("inputs/slow/a.txt", "one two three\n".getBytes(StandardCharsets.UTF_8));
            run.awaitJob("inputs/slow/a.txt", job -> job.state() == JobState.RUNNING, Duration.ofSeconds(90));

            // When its instance is terminated under it
            String instance = running(run).get(0).instanceId();
            run.sandbox.fleet().kill(instance);

            // Then the job runs again elsewhere, the lost attempt not counted, and succeeds
            JobRecord job = run.awaitEnded("inputs/slow/a.txt");
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.interruptions()).isEqualTo(1);
            assertThat(job.attempt()).isEqualTo(2);
            assertThat(job.countedAttempts()).isEqualTo(1);
            assertThat(job.tasks().get(0).stoppedReason()).isEqualTo("Host EC2 (instance " + instance
                    + ") stopped/terminated.");
            assertThat(run.output(job, "count").trim()).isEqualTo("3");
            assertThat(running(run)).extracting(Instance::instanceId).doesNotContain(instance);
        }
    }

    @Test
    void idleInstance_isStoppedByItsAlarmThenStartedAgainForNewWork_andTheTeardownLeavesNothing() throws Exception {
        // A sandbox minute lasts 3 s: an instance idle for one minute past its launch grace is stopped.
        try (SandboxRun run = SandboxRun.start("idle", Map.of("IdleMinutes", "1"), Sandbox.Staging.SDK)) {
            run.register("slow.json", SLOW.replace("sleep 3; ", ""));
            run.upload("inputs/slow/first.txt", "one\n".getBytes(StandardCharsets.UTF_8));
            JobRecord first = run.awaitEnded("inputs/slow/first.txt");
            assertThat(first.state()).isEqualTo(JobState.SUCCEEDED);
            String instance = instances(run).get(0).instanceId();

            // When it sits idle, its alarm stops it
            SandboxRun.await("the idle alarm's stop", Duration.ofSeconds(90),
                    () -> state(run, instance) == InstanceStateName.STOPPED);

            // Then new work starts that instance again rather than launching another (it may be stopped
            // again by now: one idle minute lasts 3 s here)
            run.upload("inputs/slow/second.txt", "one two\n".getBytes(StandardCharsets.UTF_8));
            JobRecord second = run.awaitEnded("inputs/slow/second.txt");
            assertThat(second.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(instances(run)).extracting(Instance::instanceId).containsExactly(instance);
            assertThat(second.placedOn()).isEqualTo(first.placedOn());

            // And the teardown leaves no instance, alarm or active task definition
            TeardownReport report = run.sandbox.teardown();
            assertThat(report.complete()).as(report.reason()).isTrue();
            assertThat(instances(run)).allSatisfy(i -> assertThat(i.state().name()).isEqualTo(InstanceStateName.TERMINATED));
            assertThat(run.sandbox.alarms().list()).isEmpty();
            try (EcsClient ecs = run.sandbox.emulator().ecs()) {
                assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("idle-").status(TaskDefinitionStatus.ACTIVE))
                        .taskDefinitionArns()).isEmpty();
                assertThat(ecs.listContainerInstances(r -> r.cluster(run.sandbox.stack().clusterName()))
                        .containerInstanceArns()).isEmpty();
            }
        }
    }

    static List<Instance> instances(SandboxRun run) {
        try (Ec2Client ec2 = run.sandbox.emulator().ec2()) {
            return ec2.describeInstances(r -> r.filters(f -> f.name("tag:conveyor:stack")
                    .values(run.sandbox.stack().stackName()))).reservations().stream()
                    .flatMap(reservation -> reservation.instances().stream()).toList();
        }
    }

    static List<Instance> running(SandboxRun run) {
        return instances(run).stream().filter(i -> i.state().name() == InstanceStateName.RUNNING).toList();
    }

    static InstanceStateName state(SandboxRun run, String instanceId) {
        return instances(run).stream().filter(i -> i.instanceId().equals(instanceId)).findFirst().orElseThrow()
                .state().name();
    }
}
