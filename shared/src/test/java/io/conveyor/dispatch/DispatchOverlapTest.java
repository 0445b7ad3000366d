package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A batch's jobs claimed and started at once: each job's own steps in order, one job's failure its own. */
class DispatchOverlapTest {

    static final String SMALL = """
            {"name": "small", "image": "busybox:1.36", "command": ["run"],
             "resources": {"vcpu": 0.25, "memoryMiB": 256}}""";

    final DispatchFixture rig = new DispatchFixture();

    @Test
    void dispatch_tenJobsWithSlowStarts_startsThemAtOnceEachAfterItsRecordSaysStarting() {
        // Given room for ten jobs, and an ECS whose starts each wait until four are under way
        rig.registry.register(SMALL);
        rig.instance("ci-1", 4096, 8192);
        rig.parallelism = 4;
        CountDownLatch fourAtOnce = new CountDownLatch(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<JobState> stateAtStart = Collections.synchronizedList(new ArrayList<>());
        rig.starter = new TaskLauncher() {
            @Override
            public List<TaskStart.Result> start(List<TaskStart> starts) {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                stateAtStart.add(rig.jobs.get(starts.get(0).jobId()).orElseThrow().state());
                fourAtOnce.countDown();
                await(fourAtOnce);
                running.decrementAndGet();
                return List.of(new TaskStart.Result.Started("arn:task/" + starts.get(0).jobId()));
            }

            @Override
            public boolean anyTaskStartedBy(String startedBy) {
                return false;
            }
        };
        List<Dispatcher.Message> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(message("m" + i, rig.input("inputs/small/f" + i + ".txt", "v1", 5)));
        }

        // When the batch is dispatched
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(batch.toArray(Dispatcher.Message[]::new));

        // Then four starts were under way at once, none more, each after its job's claim was written
        assertThat(most.get()).isEqualTo(4);
        assertThat(stateAtStart).hasSize(10).containsOnly(JobState.STARTING);
        assertThat(verdicts.values()).containsOnly(new Dispatcher.Verdict.Done());
        assertThat(rig.jobs.all()).hasSize(10).allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.STARTING));
    }

    @Test
    void dispatch_oneJobsRecordCannotBeWritten_theOthersStartAndOnlyItsMessageFails() {
        // Given room for all, and S3 refusing the record of one job
        rig.registry.register(SMALL);
        rig.instance("ci-1", 4096, 8192);
        rig.parallelism = 8;
        rig.store = rig.failingFor(record -> record.input().endsWith("f3.txt"));
        List<Dispatcher.Message> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(message("m" + i, rig.input("inputs/small/f" + i + ".txt", "v1", 5)));
        }

        // When the batch is dispatched with its jobs overlapped
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(batch.toArray(Dispatcher.Message[]::new));

        // Then only that job's message comes back; the seven others started, one task each
        assertThat(verdicts.get("m3")).isInstanceOf(Dispatcher.Verdict.Failed.class);
        verdicts.forEach((id, verdict) -> {
            if (!id.equals("m3")) {
                assertThat(verdict).as(id).isEqualTo(new Dispatcher.Verdict.Done());
            }
        });
        assertThat(rig.launcher.started).hasSize(7).extracting(TaskStart::jobId).doesNotHaveDuplicates();
        assertThat(rig.launcher.started).noneMatch(s -> s.environment().values().stream()
                .anyMatch(env -> String.valueOf(env.get("CONVEYOR_INPUT_KEY")).endsWith("f3.txt")));
    }

    @Test
    void dispatch_oneStartRefusedAmongOverlapped_onlyThatJobWaitsAndIsQueuedAgain() {
        // Given room for all, and ECS refusing exactly one job's start for resources
        rig.registry.register(SMALL);
        rig.instance("ci-1", 4096, 8192);
        rig.parallelism = 8;
        StorageInputs inputs = new StorageInputs();
        String refusedKey = "inputs/small/f5.txt";
        rig.starter = new TaskLauncher() {
            @Override
            public synchronized List<TaskStart.Result> start(List<TaskStart> starts) {
                TaskStart start = starts.get(0);
                boolean refused = refusedKey.equals(start.environment().get(
                        io.conveyor.registration.TaskDefinitionWrapper.STAGE_IN).get("CONVEYOR_INPUT_KEY"));
                inputs.started.add(start.jobId());
                return List.of(refused ? new TaskStart.Result.Refused("RESOURCE:CPU on ci-1", true)
                        : new TaskStart.Result.Started("arn:task/" + start.jobId()));
            }

            @Override
            public boolean anyTaskStartedBy(String startedBy) {
                return false;
            }
        };
        List<Dispatcher.Message> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(message("m" + i, rig.input("inputs/small/f" + i + ".txt", "v1", 5)));
        }

        // When the batch is dispatched
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(batch.toArray(Dispatcher.Message[]::new));

        // Then that job's message waits and its record is queued again with no attempt counted; the others are done
        assertThat(verdicts.get("m5")).isEqualTo(new Dispatcher.Verdict.Wait(10, "RESOURCE:CPU on ci-1"));
        assertThat(verdicts).hasSize(8);
        verdicts.forEach((id, verdict) -> {
            if (!id.equals("m5")) {
                assertThat(verdict).as(id).isEqualTo(new Dispatcher.Verdict.Done());
            }
        });
        assertThat(rig.record("f5.txt").state()).isEqualTo(JobState.QUEUED);
        assertThat(rig.record("f5.txt").attempt()).isZero();
        assertThat(inputs.started).hasSize(8).doesNotHaveDuplicates();
    }

    /** What the launcher was asked to start. */
    static final class StorageInputs {
        final List<String> started = new ArrayList<>();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
