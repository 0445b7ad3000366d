package io.conveyor.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.JobFixtures;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.InMemoryRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskEventDriverTest {

    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/conveyor";
    static final String OUT = "conveyor-out";
    static final String TASK_1 = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/aaaa";
    static final String TASK_2 = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/bbbb";
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 2, "timeoutSeconds": 60,
             "then": ["summarize"]}""";
    static final String SUMMARIZE = """
            {"name": "summarize", "image": "busybox:1.36", "command": ["sum", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 0}""";

    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final InMemoryObjectStore outputs = new InMemoryObjectStore();
    final List<List<String>> queued = new ArrayList<>();
    final List<List<String>> stops = new ArrayList<>();
    final Instant now = Instant.parse("2026-11-21T10:00:00Z");
    String revision;

    TaskEventDriver lifecycle() {
        return lifecycle(jobs);
    }

    TaskEventDriver lifecycle(JobStore store) {
        return new TaskEventDriver(CLUSTER, store, ids -> queued.add(List.copyOf(ids)), (attempt, task, why) -> {
            stops.add(List.of(attempt.startedBy(), String.valueOf(task), why));
            return 1;
        }, registry, outputs,
                Clock.fixed(now, ZoneOffset.UTC));
    }

    @BeforeEach
    void registerAlgorithms() {
        revision = registry.register(WORD_COUNT);
    }

    // ------------------------------------------------------------------ success and its order

    @Test
    void apply_runningThenStopped_recordsRunningThenSucceededWithEveryExitCode() {
        // Given a job whose first attempt was started by dispatch
        JobRecord job = started("inputs/word-count/notes.txt", 3);
        outputs.write(new ObjectRef(OUT, outputKey(job) + "counts.txt"), "3".getBytes(), "text/plain");

        // When ECS reports the task running, then stopped with every container at 0
        TaskEventDriver.Outcome running = lifecycle().apply(running(job, 1, TASK_1, 3));
        JobRecord whileRunning = jobs.get(job.id()).orElseThrow();
        TaskEventDriver.Outcome stopped = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, "EssentialContainerExited",
                "Essential container in task exited"));

        // Then the record went RUNNING, then SUCCEEDED with the task's details
        assertThat(running).isEqualTo(TaskEventDriver.Outcome.RUNNING);
        assertThat(whileRunning.state()).isEqualTo(JobState.RUNNING);
        assertThat(whileRunning.task(1)).get().extracting(TaskRun::taskArn, TaskRun::lastStatus)
                .containsExactly(TASK_1, "RUNNING");
        assertThat(stopped).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        JobRecord done = jobs.get(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.endedAt()).isEqualTo(now.toString());
        assertThat(done.outputs()).containsExactly("counts.txt");
        assertThat(done.outputChecksums()).as("provenance: S3's ETag of each output, from the listing")
                .containsExactly(Map.entry("counts.txt", "etag:" + outputs.describe(new ObjectRef(OUT, outputKey(job)
                        + "counts.txt")).orElseThrow().eTag()));
        TaskRun run = done.task(1).orElseThrow();
        assertThat(run.exitCodes()).containsExactlyInAnyOrderEntriesOf(Map.of(TaskDefinitionWrapper.STAGE_IN, 0,
                TaskDefinitionWrapper.ALGORITHM, 0, TaskDefinitionWrapper.STAGE_OUT, 0));
        assertThat(run.stopCode()).isEqualTo("EssentialContainerExited");
        assertThat(run.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(run.startedAt()).isEqualTo("2026-11-21T09:31:09.771Z");
        assertThat(run.stoppedAt()).isEqualTo("2026-11-21T09:33:41.204Z");
        assertThat(run.version()).isEqualTo(6);
    }

    @Test
    void apply_running_recordsEachContainersLogStreamNamedAsAwslogsNamesIt() {
        // Given a job whose first attempt was started by dispatch
        JobRecord job = started("inputs/word-count/notes.txt", 3);

        // When ECS reports its task running
        lifecycle().apply(running(job, 1, TASK_1, 3));

        // Then the record keeps <stream prefix = algorithm>/<container>/<task id> for each container
        assertThat(jobs.get(job.id()).orElseThrow().task(1).orElseThrow().logStreams()).containsExactlyInAnyOrderEntriesOf(
                Map.of("stage-in", "word-count/stage-in/aaaa", "algorithm", "word-count/algorithm/aaaa",
                        "stage-out", "word-count/stage-out/aaaa"));
    }

    @Test
    void apply_lateRunningAfterSucceeded_neverOverwritesIt() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, "EssentialContainerExited", "done"));
        int writes = jobs.writes();

        TaskEventDriver.Outcome late = lifecycle().apply(running(job, 1, TASK_1, 3));

        assertThat(late).isEqualTo(TaskEventDriver.Outcome.STALE);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jobs.writes()).isEqualTo(writes);
    }

    @Test
    void apply_stoppedBeforeRunning_succeedsThroughRunning() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, "EssentialContainerExited",
                "done"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void apply_sameEventTwice_writesOnce() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        TaskStateChange change = running(job, 1, TASK_1, 3);

        lifecycle().apply(change);
        int writes = jobs.writes();
        TaskEventDriver.Outcome again = lifecycle().apply(change);

        assertThat(again).isIn(TaskEventDriver.Outcome.STALE, TaskEventDriver.Outcome.UNCHANGED);
        assertThat(jobs.writes()).isEqualTo(writes);
    }

    @Test
    void apply_olderVersionOfTheSameTask_isStale() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        lifecycle().apply(running(job, 1, TASK_1, 5));

        TaskEventDriver.Outcome older = lifecycle().apply(stopped(job, 1, TASK_1, 4, 0, 0, 0, null, "x"));

        assertThat(older).isEqualTo(TaskEventDriver.Outcome.STALE);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void apply_pendingAndStopping_changeNothing() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        TaskEventDriver.Outcome pending = lifecycle().apply(change(job, 1, TASK_1, 1, "PENDING", Map.of(), null, null));
        lifecycle().apply(running(job, 1, TASK_1, 3));
        TaskEventDriver.Outcome stopping = lifecycle().apply(change(job, 1, TASK_1, 4, "STOPPING", Map.of(), null, null));

        assertThat(pending).isEqualTo(TaskEventDriver.Outcome.UNCHANGED);
        assertThat(stopping).isEqualTo(TaskEventDriver.Outcome.UNCHANGED);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    // ------------------------------------------------------------------ tasks that run for nothing

    @Test
    void apply_runningOfAJobCancelledWhileStarting_stopsThatTaskAndLeavesTheRecord() {
        // Given a job cancelled after dispatch wrote STARTING, before ECS had its task
        JobRecord cancelled = cancelWhileStarting(started("inputs/word-count/a.txt", 3));
        int writes = jobs.writes();

        // When its task's RUNNING event arrives
        TaskEventDriver.Outcome outcome = lifecycle().apply(running(cancelled, 1, TASK_1, 3));

        // Then that very task is asked to stop, saying who cancelled it, and the record stays as it was
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.ORPHAN_STOPPED);
        assertThat(stops).containsExactly(List.of(cancelled.id() + "-1", TASK_1, "Conveyor: cancelled by alice"));
        assertThat(jobs.get(cancelled.id()).orElseThrow()).isEqualTo(cancelled);
        assertThat(jobs.writes()).isEqualTo(writes);
        assertThat(queued).isEmpty();
    }

    @Test
    void apply_pendingOfAJobCancelledWhileStarting_stopsThatTaskBeforeItRuns() {
        // Given a job cancelled while STARTING
        JobRecord cancelled = cancelWhileStarting(started("inputs/word-count/a.txt", 3));

        // When its task's PENDING event arrives
        TaskEventDriver.Outcome outcome = lifecycle().apply(change(cancelled, 1, TASK_1, 1, "PENDING", Map.of(), null,
                null));

        // Then the task is asked to stop
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.ORPHAN_STOPPED);
        assertThat(stops).extracting(stop -> stop.get(1)).containsExactly(TASK_1);
    }

    @Test
    void apply_taskOfACancelledJobWhoseStopWasAskedAlready_isNotAskedTwice() {
        // Given a cancelled job whose task ECS is stopping already (desired status STOPPED)
        JobRecord cancelled = cancelWhileStarting(started("inputs/word-count/a.txt", 3));
        TaskStateChange running = running(cancelled, 1, TASK_1, 3);
        TaskStateChange stopping = new TaskStateChange(running.eventId(), CLUSTER, TASK_1, running.taskDefinitionArn(),
                running.containerInstanceArn(), "RUNNING", "STOPPED", running.startedBy(), running.group(), 3, null, null,
                running.containers(), running.startedAt(), null);

        // When its RUNNING event arrives
        TaskEventDriver.Outcome outcome = lifecycle().apply(stopping);

        // Then no second StopTask is sent
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.UNCHANGED);
        assertThat(stops).isEmpty();
    }

    @Test
    void apply_stoppedOfACancelledJob_isStaleAndStopsNothing() {
        // Given a job cancelled while STARTING
        JobRecord cancelled = cancelWhileStarting(started("inputs/word-count/a.txt", 3));

        // When its task's STOPPED event arrives (the stop took effect)
        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(cancelled, 1, TASK_1, 5, 0, 143, null,
                "UserInitiated", "Conveyor: cancelled by alice"));

        // Then nothing changes and nothing more is stopped
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.STALE);
        assertThat(stops).isEmpty();
        assertThat(jobs.get(cancelled.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void apply_earlierAttemptsTaskStillRunning_isStoppedWhileTheNextAttemptRuns() {
        // Given a job at attempt 2, and a second task of attempt 1 the record never followed
        JobRecord job = fail(started("inputs/word-count/a.txt", 3), 1, TASK_1);

        // When that task's RUNNING event arrives
        TaskEventDriver.Outcome outcome = lifecycle().apply(running(job, 1, TASK_2, 3));

        // Then it is stopped and attempt 2 goes on
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.ORPHAN_STOPPED);
        assertThat(stops).extracting(stop -> stop.get(1)).containsExactly(TASK_2);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.STARTING);
        assertThat(jobs.get(job.id()).orElseThrow().attempt()).isEqualTo(2);
    }

    JobRecord cancelWhileStarting(JobRecord starting) {
        JobRecord cancelled = JobFixtures.after(starting, now.minusSeconds(200), new JobEvent.CancelRequested(
                "cancelled by alice"));
        jobs.overwrite(cancelled);
        return cancelled;
    }

    // ------------------------------------------------------------------ failures and retries

    @Test
    void apply_algorithmFailsWithRetriesLeft_queuesTheNextAttempt() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 3, 0, "EssentialContainerExited",
                "Essential container in task exited"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.RETRYING);
        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.exitCode()).isEqualTo(3);
        assertThat(record.reason()).isEqualTo("exit code 3; trying again (attempt 2 of 3)");
        assertThat(record.task(1).orElseThrow().exitCodes()).containsEntry(TaskDefinitionWrapper.ALGORITHM, 3);
        assertThat(record.output()).as("the retry writes where the job's output lies").isEqualTo(job.output());
        assertThat(queued).containsExactly(List.of(job.id()));
    }

    @Test
    void apply_lastAttemptFails_endsFailedWithTheReasonAndNoRetry() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        // attempts 1 and 2 failed; dispatch placed attempt 3
        job = fail(job, 1, TASK_1);
        job = fail(job, 2, TASK_2);
        queued.clear();

        String task3 = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/cccc";
        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 3, task3, 6, 0, 137, 0, "EssentialContainerExited",
                "Essential container in task exited"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.FAILED);
        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("exit code 137");
        assertThat(record.exitCode()).isEqualTo(137);
        assertThat(record.tasks()).extracting(TaskRun::attempt).containsExactly(1, 2, 3);
        assertThat(record.endedAt()).isEqualTo(now.toString());
        assertThat(queued).isEmpty();
    }

    @Test
    void apply_earlierAttemptsLateStop_isStaleOnceTheNextAttemptStarted() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        job = fail(job, 1, TASK_1);

        // a duplicate of attempt 1's stop, after attempt 2 was placed
        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 3, 0, null, "again"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.STALE);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.STARTING);
        assertThat(jobs.get(job.id()).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void apply_stopAppliedButItsMessageLost_queuesTheJobAgainWithoutWriting() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        TaskStateChange stop = stopped(job, 1, TASK_1, 6, 0, 3, 0, null, "Essential container in task exited");
        lifecycle().apply(stop);
        int writes = jobs.writes();
        queued.clear();

        TaskEventDriver.Outcome again = lifecycle().apply(stop);

        assertThat(again).isEqualTo(TaskEventDriver.Outcome.REQUEUED);
        assertThat(queued).containsExactly(List.of(job.id()));
        assertThat(jobs.writes()).isEqualTo(writes);
    }

    @Test
    void apply_stageInFails_saysSoAndCountsTheAttempt() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        lifecycle().apply(change(job, 1, TASK_1, 5, "STOPPED", codes(1, null, 65), "EssentialContainerExited",
                "Essential container in task exited"));

        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.reason()).startsWith("stage-in failed (exit code 1)")
                .contains("the input could not be downloaded").endsWith("(attempt 2 of 3)");
        assertThat(record.exitCode()).isNull();
    }

    @Test
    void apply_stageOutFails_saysTheOutputWasNotUploaded() {
        JobRecord job = started("inputs/word-count/a.txt", 1);

        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 1, "EssentialContainerExited", "exited"));

        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("the algorithm succeeded but stage-out failed (exit code 1): the output "
                + "was not (fully) uploaded");
    }

    @Test
    void apply_imageCannotBePulled_failsAsAStartFailureNamingTheContainersReason() {
        JobRecord job = started("inputs/word-count/a.txt", 1);
        TaskStateChange change = new TaskStateChange("e", CLUSTER, TASK_1, "arn:td/word-count:1", "arn:ci/1", "STOPPED",
                "STOPPED", new JobTask(job.id(), 1).startedBy(), "family:conveyor-word-count", 3, "TaskFailedToStart",
                "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
                List.of(new ContainerState(TaskDefinitionWrapper.STAGE_IN, "STOPPED", 0, null),
                        new ContainerState(TaskDefinitionWrapper.ALGORITHM, "STOPPED", null,
                                "CannotPullContainerError: example/word-count:1.0 not found")),
                null, "2026-11-21T09:33:41.204Z");

        lifecycle().apply(change);

        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).startsWith("the task failed to start (TaskFailedToStart: CannotPullContainerError")
                .contains("algorithm: CannotPullContainerError: example/word-count:1.0 not found");
    }

    @Test
    void apply_timedOut_failsWithTheTimeoutOnceRetriesAreSpent() {
        JobRecord job = started("inputs/word-count/a.txt", 1);

        lifecycle().apply(change(job, 1, TASK_1, 7, "STOPPED", codes(0, 143, 0), "UserInitiated",
                JobTask.timeoutReason(60)));

        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("timed out after 60 s (timeoutSeconds)");
        assertThat(record.exitCode()).isNull();
    }

    @Test
    void apply_timedOutWithRetriesLeft_triesAgainLikeTheLocalMode() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        TaskEventDriver.Outcome outcome = lifecycle().apply(change(job, 1, TASK_1, 7, "STOPPED", codes(0, 143, 0),
                "UserInitiated", JobTask.timeoutReason(60)));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.RETRYING);
        assertThat(jobs.get(job.id()).orElseThrow().reason())
                .isEqualTo("timed out after 60 s (timeoutSeconds); trying again (attempt 2 of 3)");
    }

    @Test
    void apply_instanceStopped_queuesAgainWithoutCountingTheAttempt() {
        JobRecord job = started("inputs/word-count/a.txt", 1);  // no retries at all

        TaskEventDriver.Outcome outcome = lifecycle().apply(change(job, 1, TASK_1, 7, "STOPPED", codes(0, 143, null), null,
                "Host EC2 (instance i-0abc1234def567890) stopped/terminated."));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.INTERRUPTED);
        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.attempt()).as("its task keeps the number").isEqualTo(1);
        assertThat(record.interruptions()).isEqualTo(1);
        assertThat(record.countedAttempts()).isZero();
        assertThat(record.mayRetry()).isTrue();
        assertThat(record.reason()).contains("the task's instance went away").contains("not counted as an attempt");
        assertThat(queued).containsExactly(List.of(job.id()));
    }

    @Test
    void apply_instanceLostTooOften_failsTheJob() {
        JobRecord job = started("inputs/word-count/a.txt", 1);
        for (int i = 1; i <= io.conveyor.jobs.JobLifecycle.MAX_INTERRUPTIONS; i++) {
            String task = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/lost" + i;
            assertThat(lifecycle().apply(change(job, job.attempt(), task, 7, "STOPPED", codes(0, null, null),
                    "SpotInterruption", "Your Spot Task was interrupted."))).isEqualTo(TaskEventDriver.Outcome.INTERRUPTED);
            job = placeAgain(job);
        }

        TaskEventDriver.Outcome last = lifecycle().apply(change(job, job.attempt(), "arn:task/last", 7, "STOPPED",
                codes(0, null, null), null, "Host EC2 (instance i-0abc) stopped/terminated."));

        assertThat(last).isEqualTo(TaskEventDriver.Outcome.FAILED);
        assertThat(jobs.get(job.id()).orElseThrow().reason()).endsWith("the job lost its instance "
                + (io.conveyor.jobs.JobLifecycle.MAX_INTERRUPTIONS + 1) + " times");
    }

    @Test
    void apply_stoppedByAUser_cancelsTheJob() {
        JobRecord job = started("inputs/word-count/a.txt", 3);

        TaskEventDriver.Outcome outcome = lifecycle().apply(change(job, 1, TASK_1, 7, "STOPPED", codes(0, 143, null),
                "UserInitiated", "Task stopped by user"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.CANCELLED);
        JobRecord record = jobs.get(job.id()).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.CANCELLED);
        assertThat(record.reason()).isEqualTo("stopped outside Conveyor: Task stopped by user");
        assertThat(queued).isEmpty();
    }

    // ------------------------------------------------------------------ chains

    @Test
    void apply_succeededWithThen_makesAChildPerOutputAndLinksThem() {
        String summarize = registry.register(SUMMARIZE);
        JobRecord job = started("inputs/word-count/run 1/notes+été.txt", 3);
        String key1 = outputKey(job) + "counts.csv";
        String key2 = outputKey(job) + "deep/words.csv";
        outputs.write(new ObjectRef(OUT, key1), "a".getBytes(), "text/csv");
        outputs.write(new ObjectRef(OUT, key2), "b".getBytes(), "text/csv");

        TaskEventDriver.Outcome outcome = lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        JobRecord parent = jobs.get(job.id()).orElseThrow();
        StoredObject first = outputs.describe(new ObjectRef(OUT, key1)).orElseThrow();
        String childId = JobId.of("s3://" + OUT + "/" + key1, "etag:" + first.eTag(), "summarize", summarize);
        assertThat(parent.children()).hasSize(2).contains(childId);
        JobRecord child = jobs.get(childId).orElseThrow();
        assertThat(child.state()).isEqualTo(JobState.QUEUED);
        assertThat(child.parent()).isEqualTo(job.id());
        assertThat(child.algorithm()).isEqualTo("summarize");
        assertThat(child.input()).as("the output where it lies, no copy").isEqualTo("s3://" + OUT + "/" + key1);
        assertThat(child.maxAttempts()).isEqualTo(1);
        assertThat(child.output()).isEqualTo("s3://" + OUT + "/outputs/summarize/word-count/run 1/notes+été.txt/"
                + job.id() + "/counts.csv/" + childId + "/");
        assertThat(queued).containsExactly(parent.children());
    }

    @Test
    void apply_succeededChainEventTwice_makesEachChildOnce() {
        registry.register(SUMMARIZE);
        JobRecord job = started("inputs/word-count/a.txt", 3);
        outputs.write(new ObjectRef(OUT, outputKey(job) + "out.csv"), "a".getBytes(), "text/csv");
        TaskStateChange stop = stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done");

        lifecycle().apply(stop);
        TaskEventDriver.Outcome again = lifecycle().apply(stop);

        // The child is made once; sending it again is harmless (dispatch starts a job once)
        assertThat(again).isEqualTo(TaskEventDriver.Outcome.REQUEUED);
        assertThat(jobs.all()).hasSize(2);
        assertThat(queued).hasSize(2).allSatisfy(ids -> assertThat(ids).isEqualTo(queued.get(0)));
    }

    @Test
    void apply_chainSendLostAfterTheSuccessWasWritten_theRedeliverySendsTheChildren() {
        // Given a success whose children's send fails once, after the parent's SUCCEEDED was written
        registry.register(SUMMARIZE);
        JobRecord job = started("inputs/word-count/a.txt", 3);
        outputs.write(new ObjectRef(OUT, outputKey(job) + "out.csv"), "a".getBytes(), "text/csv");
        TaskStateChange stop = stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done");
        boolean[] failed = {false};
        TaskEventDriver flaky = new TaskEventDriver(CLUSTER, jobs, ids -> {
            if (!failed[0]) {
                failed[0] = true;
                throw new IllegalStateException("SQS unavailable");
            }
            queued.add(List.copyOf(ids));
        }, (attempt, task, why) -> 0, registry, outputs, Clock.fixed(now, ZoneOffset.UTC));

        // When the event fails, and comes again
        assertThatThrownBy(() -> flaky.apply(stop)).hasMessageContaining("SQS unavailable");
        JobRecord parent = jobs.get(job.id()).orElseThrow();
        TaskEventDriver.Outcome again = flaky.apply(stop);

        // Then the parent stayed SUCCEEDED and its child, QUEUED, is sent: no child is left unsent
        assertThat(parent.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(again).isEqualTo(TaskEventDriver.Outcome.REQUEUED);
        assertThat(queued).containsExactly(parent.children());
        assertThat(jobs.get(parent.children().get(0)).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void apply_thenNamesAnUnknownAlgorithm_stillMakesTheChildForDispatchToReject() {
        JobRecord job = started("inputs/word-count/a.txt", 3);  // summarize is not registered
        outputs.write(new ObjectRef(OUT, outputKey(job) + "out.csv"), "a".getBytes(), "text/csv");

        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        JobRecord parent = jobs.get(job.id()).orElseThrow();
        assertThat(parent.children()).hasSize(1);
        assertThat(jobs.get(parent.children().get(0)).orElseThrow().revision()).isEqualTo("none");
    }

    // ------------------------------------------------------------------ not ours, conflicts

    @Test
    void apply_otherClusterOrForeignTaskOrUnknownJob_changesNothing() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        TaskStateChange foreign = new TaskStateChange("e", CLUSTER, TASK_1, null, null, "RUNNING", "RUNNING",
                "ecs-svc/1234", null, 1, null, null, List.of(), null, null);
        TaskStateChange elsewhere = new TaskStateChange("e", "arn:aws:ecs:us-east-1:123456789012:cluster/other", TASK_1,
                null, null, "RUNNING", "RUNNING", new JobTask(job.id(), 1).startedBy(), null, 1, null, null, List.of(),
                null, null);
        TaskStateChange unknown = new TaskStateChange("e", CLUSTER, TASK_1, null, null, "RUNNING", "RUNNING",
                new JobTask(JobId.of("s3://x/y", "v", "a", "r"), 1).startedBy(), null, 1, null, null, List.of(), null,
                null);
        int writes = jobs.writes();

        assertThat(lifecycle().apply(foreign)).isEqualTo(TaskEventDriver.Outcome.NOT_A_JOB);
        assertThat(lifecycle().apply(elsewhere)).isEqualTo(TaskEventDriver.Outcome.OTHER_CLUSTER);
        assertThat(lifecycle().apply(unknown)).isEqualTo(TaskEventDriver.Outcome.UNKNOWN_JOB);
        assertThat(jobs.writes()).isEqualTo(writes);
    }

    @Test
    void apply_recordChangedMeanwhile_readsAgainAndKeepsBothChanges() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        // Another handler applies RUNNING between this one's read and its write.
        JobStore racing = new RacingStore(jobs, () -> jobs.overwrite(JobFixtures.after(jobs.get(job.id()).orElseThrow(),
                now, JobEvent.TaskRunning.onEcs(new TaskRun(1, TASK_1, 3, "RUNNING", "t", null, null, null, null)))));

        TaskEventDriver.Outcome outcome = lifecycle(racing).apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void apply_recordKeepsChanging_leavesTheEventToItsQueue() {
        JobRecord job = started("inputs/word-count/a.txt", 3);
        JobStore alwaysChanged = new RacingStore(jobs, null) {
            @Override
            public boolean replace(JobRecord record, String version) {
                return false;
            }
        };

        assertThatThrownBy(() -> lifecycle(alwaysChanged).apply(running(job, 1, TASK_1, 3)))
                .isInstanceOf(JobUpdates.ConcurrentChangeException.class)
                .hasMessageContaining("changed " + 3 + " times");
    }

    @Test
    void apply_recordChangedTwiceMeanwhile_isAppliedOnTheThirdRead() {
        // Given a job whose record two other handlers write between this handler's reads and writes
        JobRecord job = started("inputs/word-count/a.txt", 3);
        int[] others = {2};
        JobStore racing = new RacingStore(jobs, null) {
            @Override
            public boolean replace(JobRecord record, String version) {
                if (others[0]-- > 0) {
                    jobs.overwrite(jobs.get(record.id()).orElseThrow());
                }
                return super.replace(record, version);
            }
        };

        // When ECS reports its task running
        TaskEventDriver.Outcome outcome = lifecycle(racing).apply(running(job, 1, TASK_1, 3));

        // Then the event is applied all the same
        assertThat(outcome).isEqualTo(TaskEventDriver.Outcome.RUNNING);
        assertThat(jobs.get(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void apply_succeededWithThenToAnAlgorithmWithRetries_givesTheChildItsAttempts() {
        registry.register(SUMMARIZE.replace("\"retries\": 0", "\"retries\": 2"));
        JobRecord job = started("inputs/word-count/a.txt", 3);
        outputs.write(new ObjectRef(OUT, outputKey(job) + "out.csv"), "a".getBytes(), "text/csv");

        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        JobRecord parent = jobs.get(job.id()).orElseThrow();
        assertThat(jobs.get(parent.children().get(0)).orElseThrow().maxAttempts()).isEqualTo(3);
    }

    @Test
    void apply_succeededWithAFolderMarkerInItsOutput_listsAndChainsOnlyItsFiles() {
        // Given an algorithm that left a file in a folder, and the folder's marker object (as the S3 console makes)
        registry.register(SUMMARIZE);
        JobRecord job = started("inputs/word-count/a.txt", 3);
        outputs.write(new ObjectRef(OUT, outputKey(job) + "deep/"), new byte[0], "application/x-directory");
        outputs.write(new ObjectRef(OUT, outputKey(job) + "deep/words.csv"), "b".getBytes(), "text/csv");

        lifecycle().apply(stopped(job, 1, TASK_1, 6, 0, 0, 0, null, "done"));

        // Then the marker is no output, and no job is made of it
        JobRecord parent = jobs.get(job.id()).orElseThrow();
        assertThat(parent.outputs()).containsExactly("deep/words.csv");
        assertThat(parent.children()).singleElement().satisfies(child ->
                assertThat(jobs.get(child).orElseThrow().input()).endsWith("deep/words.csv"));
    }

    @Test
    void ending_instanceGoneWording_isToldFromAlgorithmFailures() {
        assertThat(TaskEvents.ending(bare("Host EC2 (instance i-0123456789abcdef0) stopped/terminated.", null,
                codes(0, 137, null)))).isInstanceOf(JobEvent.InstanceLost.class);
        assertThat(TaskEvents.ending(bare("Essential container in task exited", "TerminationNotice",
                codes(0, null, null)))).isInstanceOf(JobEvent.InstanceLost.class);
        assertThat(TaskEvents.ending(bare("Essential container in task exited", "EssentialContainerExited",
                codes(0, 137, 0)))).isEqualTo(new JobEvent.ExitCode(137, null, null));
        assertThat(TaskEvents.ending(bare(null, null, codes(0, null, null))))
                .isEqualTo(new JobEvent.StageFailed("the algorithm never finished (no reason given)", null));
    }

    // ------------------------------------------------------------------ fixtures

    /** A job as dispatch leaves it after placing its first attempt. */
    JobRecord started(String key, int maxAttempts) {
        NewJob job = JobFixtures.job("s3://conveyor-in/" + key, "v1", "word-count", revision, maxAttempts);
        JobRecord record = JobFixtures.after(JobFixtures.queued(job.withOutput("s3://" + OUT + "/"
                        + BucketLayout.outputPrefix("word-count", BucketLayout.restOf(key), job.id())), now.minusSeconds(600)),
                now.minusSeconds(300), new JobEvent.StartRequested("arn:ci/1"));
        jobs.create(record);
        return record;
    }

    /** Fails the given attempt and places the next, as dispatch would. */
    JobRecord fail(JobRecord job, int attempt, String task) {
        lifecycle().apply(stopped(job, attempt, task, 6, 0, 1, 0, "EssentialContainerExited", "exited"));
        return placeAgain(job);
    }

    JobRecord placeAgain(JobRecord job) {
        JobRecord placed = JobFixtures.after(jobs.get(job.id()).orElseThrow(), now, new JobEvent.StartRequested("arn:ci/1"));
        jobs.overwrite(placed);
        return placed;
    }

    static String outputKey(JobRecord job) {
        return ObjectRef.parse(job.output()).key();
    }

    static TaskStateChange running(JobRecord job, int attempt, String task, long version) {
        return change(job, attempt, task, version, "RUNNING", codes(0, null, null), null, null);
    }

    static TaskStateChange stopped(JobRecord job, int attempt, String task, long version, Integer stageIn,
                                   Integer algorithm, Integer stageOut, String stopCode, String reason) {
        return change(job, attempt, task, version, "STOPPED", codes(stageIn, algorithm, stageOut), stopCode, reason);
    }

    static TaskStateChange change(JobRecord job, int attempt, String task, long version, String status,
                                  Map<String, Integer> codes, String stopCode, String reason) {
        List<ContainerState> containers = new ArrayList<>();
        codes.forEach((name, code) -> containers.add(new ContainerState(name, code == null ? "RUNNING" : "STOPPED", code,
                null)));
        return new TaskStateChange("e-" + version, CLUSTER, task, "arn:td/word-count:1", "arn:ci/1", status,
                "STOPPED".equals(status) ? "STOPPED" : "RUNNING", new JobTask(job.id(), attempt).startedBy(),
                "family:conveyor-word-count", version, stopCode, reason, containers, "2026-11-21T09:31:09.771Z",
                "STOPPED".equals(status) ? "2026-11-21T09:33:41.204Z" : null);
    }

    static TaskStateChange bare(String reason, String stopCode, Map<String, Integer> codes) {
        List<ContainerState> containers = new ArrayList<>();
        codes.forEach((name, code) -> containers.add(new ContainerState(name, "STOPPED", code, null)));
        return new TaskStateChange("e", CLUSTER, TASK_1, null, null, "STOPPED", "STOPPED", null, null, 1, stopCode,
                reason, containers, null, null);
    }

    /** Exit codes of the three containers, in their order; {@code null} for one without. */
    static Map<String, Integer> codes(Integer stageIn, Integer algorithm, Integer stageOut) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        codes.put(TaskDefinitionWrapper.STAGE_IN, stageIn);
        codes.put(TaskDefinitionWrapper.ALGORITHM, algorithm);
        codes.put(TaskDefinitionWrapper.STAGE_OUT, stageOut);
        return codes;
    }

    /** A store where something else writes once, between the first read and the first replace. */
    static class RacingStore implements JobStore {
        private final InMemoryJobStore store;
        private Runnable meanwhile;

        RacingStore(InMemoryJobStore store, Runnable meanwhile) {
            this.store = store;
            this.meanwhile = meanwhile;
        }

        @Override
        public Optional<JobRecord> get(String id) {
            return store.get(id);
        }

        @Override
        public boolean create(JobRecord record) {
            return store.create(record);
        }

        @Override
        public List<JobRecord> all() {
            return store.all();
        }

        @Override
        public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
            return store.list(query);
        }

        @Override
        public Optional<Versioned> read(String id) {
            return store.read(id);
        }

        @Override
        public boolean replace(JobRecord record, String version) {
            if (meanwhile != null) {
                meanwhile.run();
                meanwhile = null;
            }
            return store.replace(record, version);
        }
    }
}
