package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One dispatcher kept across batches, as a warm Lambda environment keeps it: what it reuses (an algorithm's record,
 * the cluster's view) while fresh, and what makes it read again.
 */
class DispatchWarmTest {

    static final String SMALL = DispatchOverlapTest.SMALL;
    static final String SMALL_CHANGED = RecentAlgorithmsTest.SMALL_CHANGED;

    final DispatchFixture rig = new DispatchFixture();
    final AtomicInteger clusterReads = new AtomicInteger();

    DispatchWarmTest() {
        rig.clusterReader = () -> {
            clusterReads.incrementAndGet();
            return List.copyOf(rig.cluster);
        };
        rig.instance("ci-1", 4096, 8192);
    }

    /** One batch of one new input, {@code seconds} after the last. */
    Dispatcher.Verdict batch(Dispatcher warm, int seconds, String file) {
        rig.now = rig.now.plusSeconds(seconds);
        return warm.dispatch(List.of(message("m-" + file, rig.input("inputs/small/" + file, "v1", 5))), "inv")
                .get("m-" + file);
    }

    @Test
    void dispatch_batchesWithinTheFreshTimes_readTheRegistryAndTheClusterOnce() {
        // Given a warm dispatcher and small registered
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();

        // When three batches come 4 s apart (within 10 s of the first)
        batch(warm, 0, "a.txt");
        batch(warm, 4, "b.txt");
        batch(warm, 4, "c.txt");

        // Then each started its job, on one read of the registry and one of the cluster
        assertThat(rig.jobs.all()).hasSize(3).allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.STARTING));
        assertThat(rig.registry.reads).containsExactly("small");
        assertThat(clusterReads.get()).isEqualTo(1);
    }

    @Test
    void dispatch_batchAfterTheRegistrationsFreshTime_runsTheNewRevision() {
        // Given a warm dispatcher that started a job of small, then small registered again with a new revision
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        String changed = rig.registry.register(SMALL_CHANGED);

        // When the next input comes 10 s later
        batch(warm, 10, "b.txt");

        // Then it read the registry again, and the job is of the new revision
        assertThat(rig.registry.reads).containsExactly("small", "small");
        assertThat(rig.record("b.txt").revision()).isEqualTo(changed);
    }

    @Test
    void dispatch_algorithmRegisteredAfterAnEarlierBatchFoundNone_isNotRefusedOnWhatThatBatchRead() {
        // Given a warm dispatcher whose first batch found no algorithm 'small' (its job refused)
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        assertThat(rig.record("a.txt").state()).isEqualTo(JobState.FAILED);
        assertThat(rig.record("a.txt").reason()).contains("unknown algorithm 'small'");

        // When small is registered and an input comes 1 s later
        rig.registry.register(SMALL);
        Dispatcher.Verdict verdict = batch(warm, 1, "b.txt");

        // Then that batch read the registry before refusing anything, and started the job
        assertThat(verdict).isEqualTo(new Dispatcher.Verdict.Done());
        assertThat(rig.record("b.txt").state()).isEqualTo(JobState.STARTING);
        assertThat(rig.registry.reads).containsExactly("small", "small");
    }

    @Test
    void dispatch_retryOfAJobMadeForANewerRevision_startsItRatherThanRefusingIt() {
        // Given a warm dispatcher holding small's first revision
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        // and a job made for the second revision by another dispatcher, whose start was refused for room
        String changed = rig.registry.register(SMALL_CHANGED);
        rig.launcher.script.add(new TaskStart.Result.Refused("RESOURCE:CPU on ci-1", true, TaskStart.Result.Why.INSTANCE));
        rig.dispatch(message("m-b", rig.input("inputs/small/b.txt", "v1", 5)));
        String jobId = rig.record("b.txt").id();
        assertThat(rig.record("b.txt").state()).isEqualTo(JobState.QUEUED);

        // When the warm dispatcher gets that job's message 2 s later
        rig.now = rig.now.plusSeconds(2);
        Dispatcher.Verdict verdict = warm.dispatch(List.of(jobMessage("m-retry", jobId)), "inv").get("m-retry");

        // Then it read the registry again and started it on the second revision
        assertThat(verdict).isEqualTo(new Dispatcher.Verdict.Done());
        assertThat(rig.record("b.txt").state()).isEqualTo(JobState.STARTING);
        assertThat(rig.record("b.txt").revision()).isEqualTo(changed);
    }

    @Test
    void dispatch_startRefusedAsTheDefinitionGone_nextBatchReadsTheRegistryAgain() {
        // Given a warm dispatcher holding small, then small retired (its task definition deregistered)
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        rig.registry.retire("small", SMALL);

        // When the next batch, 1 s later, starts a job on the held record and ECS says the definition is inactive
        rig.launcher.script.add(new TaskStart.Result.Refused("InvalidParameterException (HTTP 400): TaskDefinition is "
                + "inactive", false, TaskStart.Result.Why.DEFINITION_GONE));
        batch(warm, 1, "b.txt");
        // and another input comes 1 s after that
        batch(warm, 1, "c.txt");

        // Then that job failed as ECS said; the batch after it read the registry and refused its job as retired
        assertThat(rig.record("b.txt").state()).isEqualTo(JobState.FAILED);
        assertThat(rig.record("b.txt").reason()).contains("TaskDefinition is inactive");
        assertThat(rig.record("c.txt").state()).isEqualTo(JobState.FAILED);
        assertThat(rig.record("c.txt").reason()).contains("'small' was retired");
        assertThat(rig.registry.reads).containsExactly("small", "small");
        assertThat(rig.launcher.started).hasSize(2);
    }

    @Test
    void dispatch_throttledStart_keepsTheClusterView() {
        // Given a warm dispatcher whose second batch's start was throttled for good
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        rig.launcher.script.add(new TaskStart.Result.Refused("ThrottlingException", true, TaskStart.Result.Why.THROTTLED));
        Dispatcher.Verdict throttled = batch(warm, 1, "b.txt");

        // When a third batch comes 1 s later
        batch(warm, 1, "c.txt");

        // Then the throttled job waits, and the cluster was read once: a throttle says nothing of its room
        assertThat(throttled).isInstanceOf(Dispatcher.Verdict.Wait.class);
        assertThat(rig.record("c.txt").state()).isEqualTo(JobState.STARTING);
        assertThat(clusterReads.get()).isEqualTo(1);
    }

    @Test
    void dispatch_startRefusedForRoom_nextBatchReadsTheCluster() {
        // Given a warm dispatcher whose second batch's start ECS refused for memory
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");
        rig.launcher.script.add(new TaskStart.Result.Refused("RESOURCE:MEMORY on ci-1", true,
                TaskStart.Result.Why.INSTANCE));
        batch(warm, 1, "b.txt");

        // When a third batch comes 1 s later
        batch(warm, 1, "c.txt");

        // Then it read the cluster again
        assertThat(clusterReads.get()).isEqualTo(2);
    }

    @Test
    void dispatch_clusterViewOlderThanItsFreshTime_isReadAgain() {
        // Given a warm dispatcher whose view was read by its first batch
        rig.registry.register(SMALL);
        Dispatcher warm = rig.dispatcher();
        batch(warm, 0, "a.txt");

        // When batches come 29 s, then 30 s after it
        batch(warm, 29, "b.txt");
        int within = clusterReads.get();
        batch(warm, 1, "c.txt");

        // Then the one within the view's fresh time reused it, the other read the cluster
        assertThat(Dispatcher.CLUSTER_VIEW_FRESH_FOR).isEqualTo(Duration.ofSeconds(30));
        assertThat(within).isEqualTo(1);
        assertThat(clusterReads.get()).isEqualTo(2);
    }
}
