package io.conveyor.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.FleetInstance.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TeardownTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration POLL = Duration.ofSeconds(10);

    /** Every call to a port, in order. */
    private final List<String> calls = new ArrayList<>();
    private final MutableClock clock = new MutableClock(START);
    private final FakeInstances instances = new FakeInstances();
    private final List<Duration> sleeps = new ArrayList<>();

    private Teardown teardown(Teardown.ContainerInstances containerInstances, Teardown.TaskDefinitions taskDefinitions,
                              Teardown.Alarms alarms) {
        return new Teardown(instances, containerInstances, taskDefinitions, alarms, clock, duration -> {
            sleeps.add(duration);
            clock.advance(duration);
            instances.tick();
        }, POLL);
    }

    private Teardown teardown() {
        return teardown(() -> {
            calls.add("deregister-container-instances");
            return 2;
        }, () -> {
            calls.add("deregister-task-definitions");
            return 3;
        }, () -> {
            calls.add("delete-alarms");
            return 4;
        });
    }

    @Test
    void run_instancesThatTerminate_removesEverythingInOrder() {
        // Given two running instances and a stopped one, which take one poll to terminate
        instances.add("i-0aaa", State.RUNNING).add("i-0bbb", State.RUNNING).add("i-0ccc", State.STOPPED);

        // When
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)));

        // Then task definitions go first, the instances are terminated and waited for, and only then
        // the container instances and alarms go
        assertThat(calls).containsExactly("deregister-task-definitions", "describe", "terminate [i-0aaa, i-0bbb, i-0ccc]",
                "describe", "describe", "deregister-container-instances", "delete-alarms");
        assertThat(report.complete()).isTrue();
        assertThat(report).isEqualTo(new TeardownReport(3, 2, 3, 4, List.of(), List.of()));
        assertThat(sleeps).containsExactly(POLL);
    }

    @Test
    void run_quietPeriod_keepsLookingAndTerminatesALateLaunch() {
        // Given no instance yet, but one that a dispatch still running launches after the first look
        instances.launchOnTick = Map.entry(2, "i-0late");

        // When the teardown must keep looking for 45 s
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)), START.plus(Duration.ofSeconds(45)));

        // Then the late instance is terminated and waited for, and the quiet period is honoured
        assertThat(calls).contains("terminate [i-0late]");
        assertThat(report.terminatedInstances()).isEqualTo(1);
        assertThat(report.complete()).isTrue();
        assertThat(clock.instant()).isAfterOrEqualTo(START.plus(Duration.ofSeconds(45)));
    }

    @Test
    void run_quietPeriodWithNothingLaunched_endsWhenItIsOver() {
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)), START.plus(Duration.ofSeconds(25)));

        assertThat(report.complete()).isTrue();
        assertThat(sleeps).containsExactly(POLL, POLL, Duration.ofSeconds(5));
        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofSeconds(25)));
    }

    @Test
    void run_noInstances_neverTerminatesOrSleeps() {
        // Given nothing launched
        // When
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)));

        // Then
        assertThat(calls).containsExactly("deregister-task-definitions", "describe", "describe",
                "deregister-container-instances", "delete-alarms");
        assertThat(sleeps).isEmpty();
        assertThat(report.complete()).isTrue();
        assertThat(report.terminatedInstances()).isZero();
    }

    @Test
    void run_instanceShuttingDown_isWaitedForNotTerminatedAgain() {
        // Given an instance already shutting down, terminated after two polls
        instances.add("i-0aaa", State.SHUTTING_DOWN);
        instances.ticksToTerminate = 2;

        // When
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)));

        // Then
        assertThat(calls).noneMatch(call -> call.startsWith("terminate"));
        assertThat(sleeps).hasSize(2);
        assertThat(report.complete()).isTrue();
    }

    @Test
    void run_instanceLaunchedDuringTheWait_isTerminatedToo() {
        // Given one instance, and another one a dispatch still running launches after the first poll
        instances.add("i-0aaa", State.RUNNING);
        instances.launchOnTick = Map.entry(1, "i-0new");

        // When
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)));

        // Then
        assertThat(calls).contains("terminate [i-0aaa]", "terminate [i-0new]");
        assertThat(report.terminatedInstances()).isEqualTo(2);
        assertThat(report.complete()).isTrue();
    }

    @Test
    void run_instancesStillThereAtTheDeadline_stopsWaitingAndNamesThem() {
        // Given an instance EC2 never finishes terminating
        instances.add("i-0stuck", State.RUNNING);
        instances.ticksToTerminate = Integer.MAX_VALUE;

        // When the deadline is 25 s away
        TeardownReport report = teardown().run(START.plusSeconds(25));

        // Then the wait ends at the deadline (10 + 10 + 5 s), the last steps still run, and the
        // instance is named
        assertThat(sleeps).containsExactly(POLL, POLL, Duration.ofSeconds(5));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(25));
        assertThat(calls).endsWith("deregister-container-instances", "delete-alarms");
        assertThat(report.complete()).isFalse();
        assertThat(report.instancesLeft()).containsExactly("i-0stuck");
        assertThat(report.reason()).isEqualTo("instances not terminated by the deadline: i-0stuck");
    }

    @Test
    void run_stepsFail_everyOtherStepStillRunsAndEachFailureIsNamed() {
        // Given ECS and CloudWatch refusing
        instances.add("i-0aaa", State.RUNNING);
        Teardown teardown = teardown(() -> {
            throw new IllegalStateException("ClusterContainsTasksException");
        }, () -> {
            throw new IllegalStateException("AccessDenied on ecs:DeregisterTaskDefinition");
        }, () -> {
            calls.add("delete-alarms");
            throw new IllegalStateException("AccessDenied on cloudwatch:DeleteAlarms");
        });

        // When
        TeardownReport report = teardown.run(START.plus(Duration.ofMinutes(10)));

        // Then the instances were still terminated, and the reason names the three steps
        assertThat(calls).contains("terminate [i-0aaa]", "delete-alarms");
        assertThat(report.terminatedInstances()).isEqualTo(1);
        assertThat(report.instancesLeft()).isEmpty();
        assertThat(report.failures()).containsExactly(
                "deregister-task-definitions: IllegalStateException: AccessDenied on ecs:DeregisterTaskDefinition",
                "deregister-container-instances: IllegalStateException: ClusterContainsTasksException",
                "delete-alarms: IllegalStateException: AccessDenied on cloudwatch:DeleteAlarms");
    }

    @Test
    void run_describeFailsOnce_waitKeepsLookingAndSucceeds() {
        // Given an instance, and one failed look during the wait
        instances.add("i-0aaa", State.RUNNING);
        instances.failOnDescribe = 2;

        // When
        TeardownReport report = teardown().run(START.plus(Duration.ofMinutes(10)));

        // Then the failed look is followed by another after one poll interval
        assertThat(calls).containsExactly("deregister-task-definitions", "describe", "terminate [i-0aaa]", "describe",
                "describe", "deregister-container-instances", "delete-alarms");
        assertThat(sleeps).containsExactly(POLL);
        assertThat(report.complete()).isTrue();
    }

    @Test
    void run_describeKeepsFailing_reportsTheInstancesAndTheError() {
        // Given EC2 answering the first look only
        instances.add("i-0aaa", State.RUNNING);
        instances.ticksToTerminate = Integer.MAX_VALUE;
        instances.failFromDescribe = 2;

        // When
        TeardownReport report = teardown().run(START.plusSeconds(15));

        // Then
        assertThat(report.complete()).isFalse();
        assertThat(report.reason())
                .isEqualTo("could not see whether the instances terminated: IllegalStateException: RequestLimitExceeded");
    }

    /** Instances that terminate a number of clock ticks (sleeps) after TerminateInstances. */
    private final class FakeInstances implements Teardown.Instances {
        private final Map<String, State> states = new LinkedHashMap<>();
        private final Map<String, Integer> terminatingSince = new LinkedHashMap<>();
        int ticksToTerminate = 1;
        int ticks;
        int describes;
        int failOnDescribe = -1;
        int failFromDescribe = Integer.MAX_VALUE;
        Map.Entry<Integer, String> launchOnTick;

        FakeInstances add(String id, State state) {
            states.put(id, state);
            if (state == State.SHUTTING_DOWN) {
                terminatingSince.put(id, 0);
            }
            return this;
        }

        void tick() {
            ticks++;
            terminatingSince.forEach((id, since) -> {
                if (ticksToTerminate != Integer.MAX_VALUE && ticks - since >= ticksToTerminate) {
                    states.put(id, State.TERMINATED);
                }
            });
            if (launchOnTick != null && launchOnTick.getKey() == ticks) {
                states.put(launchOnTick.getValue(), State.PENDING);
            }
        }

        @Override
        public List<FleetInstance> notTerminated() {
            calls.add("describe");
            describes++;
            if (describes == failOnDescribe || describes >= failFromDescribe) {
                throw new IllegalStateException("RequestLimitExceeded");
            }
            return states.entrySet().stream().filter(entry -> entry.getValue() != State.TERMINATED)
                    .map(entry -> new FleetInstance(entry.getKey(), "m6i.large", entry.getValue())).toList();
        }

        @Override
        public void terminate(List<String> instanceIds) {
            calls.add("terminate " + instanceIds);
            instanceIds.forEach(id -> {
                states.put(id, State.SHUTTING_DOWN);
                terminatingSince.put(id, ticks);
            });
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
