package io.conveyor.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetMonitorTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final IdlePolicy POLICY = new IdlePolicy("conveyor", 10, "Conveyor", "Tasks");
    static final String JOB = "job-0123456789abcdef01234567";

    final FakeFleet fake = new FakeFleet();
    final FleetMonitor monitor = new FleetMonitor(fake.ports(), POLICY, Clock.fixed(NOW, ZoneOffset.UTC));

    static FleetInstance running(String id, Duration ago) {
        return new FleetInstance(id, "m6i.large", FleetInstance.State.RUNNING, NOW.minus(ago));
    }

    static ContainerInstanceLoad load(String id, int running, int pending) {
        return new ContainerInstanceLoad("arn:aws:ecs:us-east-1:123456789012:container-instance/conveyor/" + id, id,
                "ACTIVE", true, running, pending);
    }

    // --- the idle decision: tasks, never CPU

    @Test
    void sweep_instanceWithOneTaskAtZeroCpu_publishesOneSoItIsNotIdle() {
        // Given an I/O-bound job: one running task, whatever its CPU (the load knows no CPU at all)
        fake.instances.add(running("i-busy", Duration.ofHours(1)));
        fake.loads.add(load("i-busy", 1, 0));

        FleetReport report = monitor.sweep();

        assertThat(fake.published).containsExactly(Map.of("i-busy", 1));
        assertThat(report.idle()).isZero();
    }

    @Test
    void sweep_instanceWithNoTask_publishesZero() {
        fake.instances.add(running("i-idle", Duration.ofHours(1)));
        fake.loads.add(load("i-idle", 0, 0));

        FleetReport report = monitor.sweep();

        assertThat(fake.published).containsExactly(Map.of("i-idle", 0));
        assertThat(report.idle()).isEqualTo(1);
        assertThat(report.counts()).containsEntry("metricsPublished", 1);
    }

    @Test
    void sweep_pendingTaskOnly_countsAsBusy() {
        fake.instances.add(running("i-starting", Duration.ofHours(1)));
        fake.loads.add(load("i-starting", 0, 2));

        monitor.sweep();

        assertThat(fake.published).containsExactly(Map.of("i-starting", 2));
    }

    @Test
    void sweep_idleInstanceWithinLaunchGrace_publishesNothingForIt() {
        // Given an instance started 2 minutes ago whose jobs have not come back from the queue yet
        fake.instances.add(running("i-fresh", Duration.ofMinutes(2)));
        fake.loads.add(load("i-fresh", 0, 0));
        fake.instances.add(running("i-old", Duration.ofHours(1)));
        fake.loads.add(load("i-old", 0, 0));

        monitor.sweep();

        // Then no zero is published for it: missing data never stops a machine
        assertThat(fake.published).containsExactly(Map.of("i-old", 0));
    }

    @Test
    void sweep_stoppedInstanceStillRegistered_publishesNothingForIt() {
        fake.instances.add(new FleetInstance("i-stopped", "m6i.large", FleetInstance.State.STOPPED,
                NOW.minus(Duration.ofHours(2))));
        fake.loads.add(new ContainerInstanceLoad("arn:ci/stopped", "i-stopped", "DRAINING", false, 0, 0));

        monitor.sweep();

        assertThat(fake.published).isEmpty();
    }

    @Test
    void sweep_containerInstanceNotConveyors_publishesNothingForIt() {
        fake.loads.add(load("i-someone-else", 0, 0));

        monitor.sweep();

        assertThat(fake.published).isEmpty();
    }

    // --- reconciliation

    @Test
    void sweep_runningInstanceWithoutAlarm_createsIt() {
        fake.instances.add(running("i-1", Duration.ofMinutes(1)));
        fake.instances.add(new FleetInstance("i-2", "m6i.large", FleetInstance.State.PENDING, NOW));

        FleetReport report = monitor.sweep();

        assertThat(fake.created).containsExactly("i-1", "i-2");
        assertThat(report.actions().alarmsCreated()).containsExactly("conveyor-idle-i-1", "conveyor-idle-i-2");
        assertThat(report.counts()).containsEntry("alarmsCreated", 2);
    }

    @Test
    void sweep_instanceWithItsAlarm_createsNothing() {
        fake.instances.add(running("i-1", Duration.ofHours(1)));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-1", "i-1", IdleAlarm.State.OK, NOW.minusSeconds(600)));

        monitor.sweep();

        assertThat(fake.created).isEmpty();
        assertThat(fake.deleted).isEmpty();
    }

    @Test
    void sweep_alarmOfTerminatedOrUnknownInstance_deletesIt() {
        // Given alarms of an instance EC2 no longer lists (terminated) and of a stopped one
        fake.instances.add(new FleetInstance("i-stopped", "m6i.large", FleetInstance.State.STOPPED, null));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-gone", "i-gone", IdleAlarm.State.OK, NOW));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-stopped", "i-stopped", IdleAlarm.State.OK, NOW));

        FleetReport report = monitor.sweep();

        // Then only the orphan goes; a stopped instance keeps its alarm for when it runs again
        assertThat(fake.deleted).containsExactly("conveyor-idle-i-gone");
        assertThat(fake.created).isEmpty();
        assertThat(report.actions().alarmsDeleted()).containsExactly("conveyor-idle-i-gone");
    }

    @Test
    void sweep_restartedInstanceWhoseAlarmFiredBeforeItsStart_resetsTheAlarm() {
        // Given an instance started again 3 minutes ago, its alarm still in ALARM from the stop an hour ago
        fake.instances.add(running("i-back", Duration.ofMinutes(3)));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-back", "i-back", IdleAlarm.State.ALARM,
                NOW.minus(Duration.ofHours(1))));

        FleetReport report = monitor.sweep();

        // Then it is set to OK: an alarm that stays in ALARM would never fire its stop again
        assertThat(fake.reset).containsOnlyKeys("conveyor-idle-i-back");
        assertThat(fake.reset.get("conveyor-idle-i-back")).contains("started again");
        assertThat(report.actions().alarmsReset()).containsExactly("conveyor-idle-i-back");
    }

    @Test
    void sweep_alarmJustFired_leavesItWhileTheStopIsUnderWay() {
        fake.instances.add(running("i-stopping-soon", Duration.ofHours(1)));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-stopping-soon", "i-stopping-soon", IdleAlarm.State.ALARM,
                NOW.minusSeconds(30)));

        monitor.sweep();

        assertThat(fake.reset).isEmpty();
    }

    @Test
    void sweep_alarmInAlarmLongerThanTheStopTakes_resetsItSoTheNextIdlePeriodTriesAgain() {
        fake.instances.add(running("i-stuck", Duration.ofHours(2)));
        fake.alarms.add(new IdleAlarm("conveyor-idle-i-stuck", "i-stuck", IdleAlarm.State.ALARM,
                NOW.minus(Duration.ofMinutes(20))));

        monitor.sweep();

        assertThat(fake.reset).containsOnlyKeys("conveyor-idle-i-stuck");
    }

    @Test
    void sweep_alarmsUnreachable_stillStopsOverdueTasksAndReportsTheFailure() {
        fake.alarmsFail = new IllegalStateException("CloudWatch said no");
        fake.tasks.add(new RunningTask("arn:task/1", JOB + "-1", NOW.minusSeconds(700), 600));

        FleetReport report = monitor.sweep();

        assertThat(fake.stopped).containsOnlyKeys("arn:task/1");
        assertThat(report.actions().failures()).containsExactly("reconcile-alarms: CloudWatch said no");
    }

    // --- never registered

    @Test
    void sweep_runningPastTheBoundWithoutRegistering_terminatesIt() {
        fake.instances.add(running("i-lost", IdlePolicy.REGISTRATION_BOUND.plusMinutes(1)));

        FleetReport report = monitor.sweep();

        assertThat(fake.terminated).containsExactly("i-lost");
        assertThat(report.counts()).containsEntry("instancesTerminated", 1);
    }

    @Test
    void sweep_notRegisteredYetWithinTheBound_leavesIt() {
        fake.instances.add(running("i-booting", IdlePolicy.REGISTRATION_BOUND.minusMinutes(1)));
        fake.instances.add(new FleetInstance("i-pending", "m6i.large", FleetInstance.State.PENDING,
                NOW.minus(Duration.ofHours(1))));

        monitor.sweep();

        assertThat(fake.terminated).isEmpty();
    }

    @Test
    void sweep_registeredLongAgo_leavesIt() {
        fake.instances.add(running("i-fine", Duration.ofDays(1)));
        fake.loads.add(load("i-fine", 1, 0));

        monitor.sweep();

        assertThat(fake.terminated).isEmpty();
    }

    // --- timeouts

    @Test
    void sweep_conveyorTaskPastItsTimeout_stopsItWithTheTimeoutReason() {
        fake.tasks.add(new RunningTask("arn:task/late", JOB + "-2", NOW.minusSeconds(601), 600));

        FleetReport report = monitor.sweep();

        assertThat(fake.stopped).containsExactly(Map.entry("arn:task/late", JobTask.timeoutReason(600)));
        assertThat(JobTask.isTimeout(fake.stopped.get("arn:task/late"))).isTrue();
        assertThat(report.actions().tasksStopped()).containsExactly("arn:task/late");
    }

    @Test
    void sweep_tasksNotOverdueOrNotConveyors_leavesThemAlone() {
        fake.tasks.add(new RunningTask("arn:task/in-time", JOB + "-1", NOW.minusSeconds(599), 600));
        fake.tasks.add(new RunningTask("arn:task/no-tag", JOB + "-1", NOW.minusSeconds(99_999), null));
        fake.tasks.add(new RunningTask("arn:task/foreign", "ecs-svc/123", NOW.minusSeconds(99_999), 60));
        fake.tasks.add(new RunningTask("arn:task/not-started", JOB + "-1", null, 60));

        FleetReport report = monitor.sweep();

        assertThat(fake.stopped).isEmpty();
        assertThat(report.counts()).containsEntry("tasksStopped", 0);
    }

    // --- races: draining on stop, active again on start

    @Test
    void instanceChanged_stopping_drainsItsContainerInstance() {
        fake.instances.add(new FleetInstance("i-1", "m6i.large", FleetInstance.State.STOPPING, null));
        fake.loads.add(load("i-1", 0, 0));

        FleetReport report = monitor.instanceChanged(new InstanceStateChange("i-1", "stopping"));

        assertThat(fake.drained).containsExactly(load("i-1", 0, 0).containerInstanceArn());
        assertThat(report.counts()).containsEntry("instancesDrained", 1);
    }

    @Test
    void instanceChanged_runningAgainWhileDraining_activatesIt() {
        fake.instances.add(running("i-1", Duration.ofSeconds(10)));
        fake.loads.add(new ContainerInstanceLoad("arn:ci/1", "i-1", "DRAINING", false, 0, 0));

        FleetReport report = monitor.instanceChanged(new InstanceStateChange("i-1", "running"));

        assertThat(fake.activated).containsExactly("arn:ci/1");
        assertThat(report.actions().instancesActivated()).containsExactly("arn:ci/1");
    }

    @Test
    void instanceChanged_stoppedOrAlreadyActive_changesNoState() {
        fake.loads.add(load("i-1", 0, 0));

        monitor.instanceChanged(new InstanceStateChange("i-1", "stopped"));
        monitor.instanceChanged(new InstanceStateChange("i-1", "running"));

        assertThat(fake.drained).isEmpty();
        assertThat(fake.activated).isEmpty();
    }

    @Test
    void instanceChanged_instanceOfAnotherStackOrUntagged_changesNothing() {
        // Given an instance in the cluster that is not among the stack's tagged instances (another stack's,
        // or untagged), an idle one of the stack's, and no alarms yet
        fake.loads.add(load("i-foreign", 0, 0));
        fake.instances.add(running("i-ours", Duration.ofHours(1)));
        fake.loads.add(load("i-ours", 0, 0));

        // When EC2 reports the foreign instance stopping, then running
        FleetReport stopping = monitor.instanceChanged(new InstanceStateChange("i-foreign", "stopping"));
        FleetReport running = monitor.instanceChanged(new InstanceStateChange("i-foreign", "running"));

        // Then nothing is drained or activated, and no sweep runs on its account
        assertThat(fake.drained).isEmpty();
        assertThat(fake.activated).isEmpty();
        assertThat(fake.published).isEmpty();
        assertThat(fake.created).isEmpty();
        assertThat(stopping.counts()).allSatisfy((action, count) -> assertThat(count).as(action).isZero());
        assertThat(running.counts()).allSatisfy((action, count) -> assertThat(count).as(action).isZero());
    }
}
