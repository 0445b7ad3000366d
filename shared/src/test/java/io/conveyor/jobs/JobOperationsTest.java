package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cancel and retry by hand, on in-memory ports: every state, chain children, races, a changed algorithm. */
class JobOperationsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/aaaa";
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 2}""";

    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final List<List<String>> queued = new ArrayList<>();
    /** Each stop asked for: attempt's startedBy, task ARN (or null), reason. */
    final List<List<String>> stops = new ArrayList<>();
    RunningAttempts attempts = (attempt, taskArn, reason) -> {
        stops.add(java.util.Arrays.asList(attempt.startedBy(), taskArn, reason));
        return 1;
    };
    String revision;

    @BeforeEach
    void register() {
        revision = registry.register(WORD_COUNT);
    }

    JobOperations operations() {
        return operations(jobs);
    }

    JobOperations operations(JobStore store) {
        return new JobOperations(store, ids -> queued.add(List.copyOf(ids)), (a, t, r) -> attempts.stop(a, t, r),
                registry, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
    }

    // ------------------------------------------------------------------ cancel

    @ParameterizedTest
    @EnumSource(JobState.class)
    void cancel_everyState_cancelsWhatIsNotOverAndStopsWhatRuns(JobState state) {
        // Given a job in the state
        JobRecord record = inState(state, "a.txt");
        jobs.create(record);

        // When alice cancels it
        JobOperations.Outcome outcome = operations().cancel(record.id(), "alice", "wrong input");

        // Then a job not over is CANCELLED with who and why; only a running attempt's task is stopped
        JobRecord after = jobs.get(record.id()).orElseThrow();
        if (state.terminal()) {
            assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOTHING_TO_DO);
            assertThat(outcome.message()).isEqualTo("the job is " + state + " already");
            assertThat(after).isEqualTo(record);
        } else {
            assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
            assertThat(after.state()).isEqualTo(JobState.CANCELLED);
            assertThat(after.reason()).isEqualTo("cancelled by alice: wrong input");
            assertThat(outcome.message()).startsWith("cancelled (was " + state + ")");
        }
        if (state == JobState.STARTING || state == JobState.RUNNING) {
            assertThat(stops).containsExactly(java.util.Arrays.asList(record.id() + "-1",
                    state == JobState.RUNNING ? TASK : null, "Conveyor: cancelled by alice: wrong input"));
            assertThat(outcome.message()).endsWith("its task (attempt 1) was asked to stop");
        } else {
            assertThat(stops).isEmpty();
        }
        assertThat(queued).isEmpty();
    }

    @Test
    void cancel_unknownJob_isNotFound() {
        JobOperations.Outcome outcome = operations().cancel("job-00000000000000000000000f", "alice", null);

        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOT_FOUND);
        assertThat(outcome.message()).isEqualTo("no job job-00000000000000000000000f");
    }

    @Test
    void cancel_succeededParent_cancelsItsPendingChildrenAndLeavesAStartedOne() {
        // Given a succeeded job whose chain made three children: one queued, one waiting, one running
        JobRecord queuedChild = inState(JobState.QUEUED, "out/1.txt");
        JobRecord waitingChild = inState(JobState.WAITING_FOR_CAPACITY, "out/2.txt");
        JobRecord runningChild = inState(JobState.RUNNING, "out/3.txt");
        JobRecord parent = JobFixtures.after(inState(JobState.RUNNING, "a.txt"), T0, JobEvent.AttemptEnded.of(1,
                new JobEvent.Succeeded()).withChildren(List.of(queuedChild, waitingChild, runningChild)));
        List.of(parent, queuedChild, waitingChild, runningChild).forEach(jobs::create);

        // When the parent is cancelled
        JobOperations.Outcome outcome = operations().cancel(parent.id(), "alice", null);

        // Then the parent stays SUCCEEDED, its pending children are CANCELLED, the started one runs on
        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(outcome.cancelledChildren()).containsExactly(queuedChild.id(), waitingChild.id());
        assertThat(jobs.get(parent.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jobs.get(queuedChild.id()).orElseThrow().reason())
                .isEqualTo("cancelled by alice with its parent " + parent.id());
        assertThat(jobs.get(waitingChild.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.get(runningChild.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(stops).isEmpty();
    }

    @Test
    void cancel_dispatchStartsTheJobBetweenReadAndWrite_cancelsWhatItBecameAndStopsItsTask() {
        // Given a queued job, and dispatch placing it just after the cancel read it
        JobRecord record = inState(JobState.QUEUED, "a.txt");
        jobs.create(record);
        JobStore racing = storeChangingOnFirstReplace(() -> jobs.overwrite(JobFixtures.after(record, T0,
                new JobEvent.StartRequested("ci-1"))));

        // When it is cancelled
        JobOperations.Outcome outcome = operations(racing).cancel(record.id(), "alice", null);

        // Then the conditional write lost, the cancel was applied to the STARTING record, and its task stopped
        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(outcome.message()).startsWith("cancelled (was STARTING)");
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(stops).containsExactly(java.util.Arrays.asList(record.id() + "-1", null,
                "Conveyor: cancelled by alice"));
    }

    @Test
    void cancel_taskEventsEndTheJobBetweenReadAndWrite_leavesTheSuccessAlone() {
        JobRecord record = inState(JobState.RUNNING, "a.txt");
        jobs.create(record);
        JobStore racing = storeChangingOnFirstReplace(() -> jobs.overwrite(JobFixtures.after(record, T0,
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()))));

        JobOperations.Outcome outcome = operations(racing).cancel(record.id(), "alice", null);

        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOTHING_TO_DO);
        assertThat(outcome.message()).isEqualTo("the job is SUCCEEDED already");
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(stops).isEmpty();
    }

    @Test
    void cancel_stopTaskFails_recordStaysCancelledAndTheOutcomeSaysWhichTask() {
        JobRecord record = inState(JobState.RUNNING, "a.txt");
        jobs.create(record);
        attempts = (attempt, taskArn, reason) -> {
            throw new IllegalStateException("AccessDeniedException: ecs:StopTask");
        };

        JobOperations.Outcome outcome = operations().cancel(record.id(), "alice", null);

        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(outcome.message()).isEqualTo("cancelled (was RUNNING); its task (attempt 1, " + TASK
                + ") could not be stopped: AccessDeniedException: ecs:StopTask");
    }

    @Test
    void cancel_veryLongReason_isCutToWhatEcsKeeps() {
        JobRecord record = inState(JobState.RUNNING, "a.txt");
        jobs.create(record);

        operations().cancel(record.id(), "alice", "x".repeat(400));

        assertThat(stops.get(0).get(2)).hasSize(Effect.StopTask.MAX_STOP_REASON).startsWith("Conveyor: cancelled by alice");
    }

    // ------------------------------------------------------------------ retry

    @ParameterizedTest
    @EnumSource(JobState.class)
    void retry_everyState_queuesOnlyAFinishedJobAndASucceededOneOnlyWhenForced(JobState state) {
        JobRecord record = inState(state, "a.txt");
        jobs.create(record);

        JobOperations.Outcome plain = operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));
        JobOperations.Outcome forced = operations().retry(record.id(), new JobOperations.RetryOptions("bob", true));

        boolean runsAgain = state == JobState.FAILED || state == JobState.CANCELLED;
        assertThat(plain.kind()).isEqualTo(runsAgain ? JobOperations.Outcome.Kind.DONE
                : JobOperations.Outcome.Kind.NOTHING_TO_DO);
        assertThat(forced.kind()).as("forced, after a plain retry").isEqualTo(state == JobState.SUCCEEDED
                ? JobOperations.Outcome.Kind.DONE : JobOperations.Outcome.Kind.NOTHING_TO_DO);
        if (runsAgain || state == JobState.SUCCEEDED) {
            JobRecord after = jobs.get(record.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(JobState.QUEUED);
            assertThat(after.reason()).isEqualTo("retried by bob");
            assertThat(after.maxAttempts()).isEqualTo(record.countedAttempts() + 3);
            assertThat(queued).containsExactly(List.of(record.id()));
        } else {
            assertThat(plain.message()).isEqualTo("only a finished job runs again; this one is " + state);
            assertThat(jobs.get(record.id()).orElseThrow()).isEqualTo(record);
            assertThat(queued).isEmpty();
        }
    }

    @Test
    void retry_afterTheAlgorithmChanged_runsOnTheCurrentRevisionAndSaysFromWhichToWhich() {
        // Given a failed job of revision 1, and the algorithm registered again since
        JobRecord record = inState(JobState.FAILED, "a.txt");
        jobs.create(record);
        String current = registry.register(WORD_COUNT.replace("\"retries\": 2", "\"retries\": 0"));

        // When it is retried
        JobOperations.Outcome outcome = operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));

        // Then it runs on the current revision, with that revision's retries, and the outcome says so
        assertThat(outcome.revisionChanged()).isTrue();
        assertThat(outcome.revisionBefore()).isEqualTo(revision);
        assertThat(outcome.revisionAfter()).isEqualTo(current);
        assertThat(outcome.message()).endsWith("; algorithm 'word-count' changed: revision " + revision.substring(0, 12)
                + " → " + current.substring(0, 12));
        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.revision()).isEqualTo(current);
        assertThat(after.maxAttempts() - after.countedAttempts()).isEqualTo(1);
    }

    @Test
    void retry_sameRevision_saysItIsTheSame() {
        JobRecord record = inState(JobState.CANCELLED, "a.txt");
        jobs.create(record);

        JobOperations.Outcome outcome = operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));

        assertThat(outcome.revisionChanged()).isFalse();
        assertThat(outcome.message()).isEqualTo("queued again (was CANCELLED), up to 3 attempt(s) on the same revision "
                + revision.substring(0, 12));
    }

    @Test
    void retry_retiredOrUnknownAlgorithm_changesNothingAndSaysWhy() {
        JobRecord record = inState(JobState.FAILED, "a.txt");
        jobs.create(record);
        registry.retire("word-count", WORD_COUNT);

        JobOperations.Outcome retired = operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));
        registry.algorithms.clear();
        JobOperations.Outcome unknown = operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));
        JobOperations.Outcome missing = operations().retry("job-00000000000000000000000f",
                new JobOperations.RetryOptions("bob", false));

        assertThat(retired.message()).isEqualTo("algorithm 'word-count' was retired: there is no revision to run the job on");
        assertThat(unknown.message()).isEqualTo("algorithm 'word-count' is not registered: there is no revision to run"
                + " the job on");
        assertThat(missing.kind()).isEqualTo(JobOperations.Outcome.Kind.NOT_FOUND);
        assertThat(jobs.get(record.id()).orElseThrow()).isEqualTo(record);
        assertThat(queued).isEmpty();
    }

    @Test
    void cancel_retriedJobNotYetPlaced_isCancelledWithNothingToStop() {
        // Given a failed job retried, then cancelled before dispatch got to it
        JobRecord record = inState(JobState.FAILED, "a.txt");
        jobs.create(record);
        operations().retry(record.id(), new JobOperations.RetryOptions("bob", false));

        JobOperations.Outcome cancelled = operations().cancel(record.id(), "alice", null);

        // Then it is CANCELLED with nothing to stop: its queued message finds it so (DispatchCancelledJobsTest)
        assertThat(cancelled.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(jobs.get(record.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(stops).isEmpty();
    }

    // ------------------------------------------------------------------ selection

    @Test
    void select_byInputPrefixOrState_givesTheIdsNewestFirst() {
        JobRecord a = inState(JobState.FAILED, "batch/a.txt");
        JobRecord b = inState(JobState.FAILED, "other/b.txt");
        JobRecord c = inState(JobState.QUEUED, "batch/c.txt");
        List.of(a, b, c).forEach(jobs::create);

        List<String> byPrefix = operations().select(JobQuery.newest(10)
                .withInputPrefix("s3://in/inputs/word-count/batch/"));
        List<String> failed = operations().select(JobQuery.newest(10).withState(JobState.FAILED));

        assertThat(byPrefix).containsExactlyInAnyOrder(a.id(), c.id());
        assertThat(failed).containsExactlyInAnyOrder(a.id(), b.id());
    }

    // ------------------------------------------------------------------ fixtures

    /** A job of word-count's current revision, in the state, reached through the lifecycle (attempt 1 if it ran). */
    JobRecord inState(JobState state, String name) {
        JobRecord queuedRecord = JobFixtures.queued(JobFixtures.job("s3://in/inputs/word-count/" + name, "v1",
                "word-count", revision, 3).withOutput("s3://out/outputs/word-count/" + name + "/"), T0);
        TaskRun running = new TaskRun(1, TASK, 3, "RUNNING", null, null, null, null, null);
        Map<JobState, JobEvent[]> events = new EnumMap<>(JobState.class);
        events.put(JobState.QUEUED, new JobEvent[0]);
        events.put(JobState.WAITING_FOR_CAPACITY, new JobEvent[] {new JobEvent.WaitingForCapacity("no room")});
        events.put(JobState.STARTING, new JobEvent[] {new JobEvent.StartRequested("ci-1")});
        events.put(JobState.RUNNING, new JobEvent[] {new JobEvent.StartRequested("ci-1"),
                JobEvent.TaskRunning.onEcs(running)});
        events.put(JobState.SUCCEEDED, new JobEvent[] {new JobEvent.StartRequested("ci-1"),
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded())});
        events.put(JobState.FAILED, new JobEvent[] {new JobEvent.StartRequested("ci-1"), new JobEvent.Abandoned("broke")});
        events.put(JobState.CANCELLED, new JobEvent[] {new JobEvent.CancelRequested("by hand")});
        return JobFixtures.after(queuedRecord, T0, events.get(state));
    }

    /** The store, but the first conditional replace finds the record changed by {@code meanwhile}. */
    JobStore storeChangingOnFirstReplace(Runnable meanwhile) {
        return new JobStore() {
            boolean raced;

            @Override
            public Optional<JobRecord> get(String id) {
                return jobs.get(id);
            }

            @Override
            public Optional<Versioned> read(String id) {
                return jobs.read(id);
            }

            @Override
            public boolean create(JobRecord record) {
                return jobs.create(record);
            }

            @Override
            public boolean replace(JobRecord record, String version) {
                if (!raced) {
                    raced = true;
                    meanwhile.run();
                }
                return jobs.replace(record, version);
            }

            @Override
            public List<JobRecord> all() {
                return jobs.all();
            }

            @Override
            public List<JobSummary> list(JobQuery query) {
                return jobs.list(query);
            }
        };
    }
}
