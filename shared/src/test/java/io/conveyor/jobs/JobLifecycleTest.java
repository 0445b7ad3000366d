package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobEvent.AttemptEnded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one job lifecycle, pair by pair: every event in every state, the illegal pairs included, with
 * what each does. Then the rules a table cannot show: counting, effects, fields each move clears.
 */
class JobLifecycleTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final Instant NOW = T0.plusSeconds(10);
    static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/aaaa";
    static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("wc", "r1", 2)).withOutput("s3://out/outputs/wc/a.txt/x/");

    // ------------------------------------------------------------------ the table

    /** One record in each state, as the lifecycle reaches it; attempt 1 for all that ran. */
    static Map<JobState, JobRecord> oneOfEach() {
        Map<JobState, JobRecord> records = new EnumMap<>(JobState.class);
        JobRecord queued = JobLifecycle.admit(JOB, T0);
        JobRecord waiting = after(queued, new JobEvent.WaitingForCapacity("no room"));
        JobRecord starting = after(waiting, new JobEvent.StartRequested("ci-1"));
        JobRecord running = after(starting, JobEvent.TaskRunning.onEcs(run(3, "RUNNING")));
        records.put(JobState.QUEUED, queued);
        records.put(JobState.WAITING_FOR_CAPACITY, waiting);
        records.put(JobState.STARTING, starting);
        records.put(JobState.RUNNING, running);
        records.put(JobState.SUCCEEDED, after(running, AttemptEnded.of(1, new JobEvent.Succeeded())));
        records.put(JobState.FAILED, after(running, new JobEvent.Abandoned("broke")));
        // Cancelled while its start was under way: nobody knew its task yet.
        records.put(JobState.CANCELLED, after(starting, new JobEvent.CancelRequested("by hand")));
        return records;
    }

    /**
     * Rows: events. Columns: QUEUED, WAITING_FOR_CAPACITY, STARTING, RUNNING, SUCCEEDED, FAILED,
     * CANCELLED. A state name: the record moves there; {@code same}: nothing to write; {@code stale}:
     * older news, ignored; {@code stop}: nothing to write, the event's task is stopped (it runs for nothing).
     */
    static final String TABLE = """
            rejected            FAILED   FAILED   FAILED    stale     stale     stale   stale
            waiting             WAITING  same     stale     stale     stale     stale   stale
            start               STARTING STARTING stale     stale     stale     stale   stale
            refusedForNow       stale    stale    QUEUED    stale     stale     stale   stale
            refusedForGood      stale    stale    FAILED    stale     stale     stale   stale
            doubtTaskExists     stale    stale    same      stale     stale     stale   stale
            doubtWithinGrace    stale    stale    same      stale     stale     stale   stale
            doubtNeverStarted   stale    stale    QUEUED    stale     stale     stale   stale
            pending             stale    stale    same      stale     stale     stale   stop
            running             stale    stale    RUNNING   same      stop      stop    stop
            succeeded           stale    stale    SUCCEEDED SUCCEEDED stale     stale   stale
            exitCode            stale    stale    QUEUED    QUEUED    stale     stale   stale
            stageFailed         stale    stale    QUEUED    QUEUED    stale     stale   stale
            timedOut            stale    stale    QUEUED    QUEUED    stale     stale   stale
            instanceLost        stale    stale    QUEUED    QUEUED    stale     stale   stale
            stoppedByHand       stale    stale    CANCELLED CANCELLED stale     stale   stale
            cancel              CANCELLED CANCELLED CANCELLED CANCELLED same    same    same
            retry               same     same     same      same      same      QUEUED  QUEUED
            forcedRetry         same     same     same      same      QUEUED    QUEUED  QUEUED
            resumedAfterCrash   same     same     QUEUED    QUEUED    stale     stale   stale
            abandoned           FAILED   FAILED   FAILED    FAILED    stale     stale   stale
            vanished            stale    stale    QUEUED    QUEUED    stale     stale   stale
            vanishedAfterOutput stale    stale    FAILED    FAILED    stale     stale   stale
            """;

    static Map<String, JobEvent> events() {
        Map<String, JobEvent> events = new LinkedHashMap<>();
        events.put("rejected", new JobEvent.Rejected("not a .txt"));
        events.put("waiting", new JobEvent.WaitingForCapacity("no room"));
        events.put("start", new JobEvent.StartRequested("ci-2"));
        events.put("refusedForNow", new JobEvent.StartRefused("RESOURCE:MEMORY", true));
        events.put("refusedForGood", new JobEvent.StartRefused("ECS refused the task: inactive", false));
        events.put("doubtTaskExists", new JobEvent.StartInDoubt(true, Duration.ofMinutes(3)));
        events.put("doubtWithinGrace", new JobEvent.StartInDoubt(false, Duration.ofMinutes(3)));
        events.put("doubtNeverStarted", new JobEvent.StartInDoubt(false, Duration.ofSeconds(1)));
        events.put("pending", new JobEvent.TaskPending(1, run(2, "PENDING")));
        events.put("running", JobEvent.TaskRunning.onEcs(run(4, "RUNNING")));
        events.put("succeeded", ended(new JobEvent.Succeeded()));
        events.put("exitCode", ended(new JobEvent.ExitCode(3, null, null)));
        events.put("stageFailed", ended(new JobEvent.StageFailed("stage-in failed (exit code 1)", null)));
        events.put("timedOut", ended(new JobEvent.TimedOut(60, null)));
        events.put("instanceLost", ended(new JobEvent.InstanceLost("the task's instance went away", null)));
        events.put("stoppedByHand", ended(new JobEvent.StoppedByHand("stopped outside Conveyor: by hand", 143)));
        events.put("cancel", new JobEvent.CancelRequested("cancelled by alice"));
        events.put("retry", new JobEvent.RetryRequested(2, "retried by alice"));
        events.put("forcedRetry", new JobEvent.RetryRequested(2, "r2", true, "retried by alice"));
        events.put("resumedAfterCrash", new JobEvent.ResumedAfterCrash("resumed"));
        events.put("abandoned", new JobEvent.Abandoned("Conveyor could not finish this job"));
        events.put("vanished", new JobEvent.TaskVanished(1, TASK, false));
        events.put("vanishedAfterOutput", new JobEvent.TaskVanished(1, TASK, true));
        return events;
    }

    static Stream<Arguments> pairs() {
        Map<JobState, JobRecord> records = oneOfEach();
        Map<String, JobEvent> events = events();
        List<Arguments> pairs = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] cells = line.trim().split("\\s+");
            JobEvent event = events.get(cells[0]);
            for (JobState state : JobState.values()) {
                pairs.add(Arguments.of(cells[0], state, records.get(state), event, cells[1 + state.ordinal()]));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} on {1} -> {4}")
    @MethodSource("pairs")
    void apply_everyEventInEveryState_doesWhatTheTableSays(String name, JobState state, JobRecord record, JobEvent event,
                                                          String expected) {
        // Given a record in the state, When the event is applied
        Transition transition = JobLifecycle.apply(record, event, NOW);

        // Then it moves where the table says, or changes nothing and says why
        switch (expected) {
            case "stale" -> {
                assertThat(transition.kind()).isEqualTo(Transition.Kind.STALE);
                assertThat(transition.after()).isSameAs(record);
                assertThat(transition.effects()).isEmpty();
                assertThat(transition.note()).isNotBlank();
            }
            case "stop" -> {
                assertThat(transition.kind()).isEqualTo(Transition.Kind.UNCHANGED);
                assertThat(transition.after()).isSameAs(record);
                assertThat(transition.effects()).containsExactly(new Effect.StopTask(record.id(), 1,
                        transition.effect(Effect.StopTask.class).orElseThrow().reason(), TASK));
            }
            case "same" -> {
                assertThat(transition.kind()).isEqualTo(Transition.Kind.UNCHANGED);
                assertThat(transition.effect(Effect.StopTask.class)).isEmpty();
                assertThat(transition.after()).isSameAs(record);
                assertThat(transition.note()).isNotBlank();
            }
            default -> {
                assertThat(transition.kind()).isEqualTo(Transition.Kind.CHANGED);
                assertThat(transition.after().state().name()).startsWith(expected);
                assertThat(state.canMoveTo(transition.after().state()) || state == transition.after().state()).isTrue();
                assertThat(transition.after().id()).isEqualTo(record.id());
            }
        }
    }

    @Test
    void table_coversEveryEventTypeAndEveryStateOnce() {
        Set<Class<?>> covered = new java.util.HashSet<>();
        events().values().forEach(event -> covered.add(event.getClass()));
        events().values().stream().filter(AttemptEnded.class::isInstance)
                .forEach(event -> covered.add(((AttemptEnded) event).ending().getClass()));

        assertThat(covered).containsAll(Arrays.stream(JobEvent.class.getPermittedSubclasses()).toList());
        assertThat(covered).containsAll(Arrays.stream(JobEvent.Ending.class.getPermittedSubclasses()).toList());
        assertThat(TABLE.strip().split("\n")).hasSize(events().size())
                .allSatisfy(line -> assertThat(line.trim().split("\\s+")).hasSize(1 + JobState.values().length));
        assertThat(oneOfEach().keySet()).containsExactly(JobState.values());
    }

    @Test
    void docs_lifecyclePage_showsThisVeryTable() throws java.io.IOException {
        // The design page's table is this test's table, row by row (WAITING for WAITING_FOR_CAPACITY).
        List<String> page = java.nio.file.Files.readAllLines(java.nio.file.Path.of("..", "docs", "design", "lifecycle.md"))
                .stream().filter(line -> line.startsWith("| ") && !line.startsWith("| event") && !line.startsWith("| ---"))
                .filter(line -> events().containsKey(line.substring(2, line.indexOf(' ', 2))))
                .map(line -> String.join(" ", line.replace("|", " ").trim().split("\\s+"))).toList();
        List<String> table = Arrays.stream(TABLE.strip().split("\n"))
                .map(line -> String.join(" ", line.trim().split("\\s+"))).toList();

        assertThat(page).containsExactlyElementsOf(table);
    }

    @Test
    void canMoveTo_everyPair_allowsOnlyTheLifecyclesMoves() {
        String allowed = """
                QUEUED               WAITING_FOR_CAPACITY STARTING FAILED CANCELLED
                WAITING_FOR_CAPACITY STARTING FAILED CANCELLED
                STARTING             RUNNING SUCCEEDED QUEUED FAILED CANCELLED
                RUNNING              SUCCEEDED FAILED QUEUED CANCELLED
                SUCCEEDED            QUEUED
                FAILED               QUEUED
                CANCELLED            QUEUED
                """;
        for (String line : allowed.strip().split("\n")) {
            String[] cells = line.trim().split("\\s+");
            JobState from = JobState.valueOf(cells[0]);
            Set<JobState> to = Arrays.stream(cells).skip(1).map(JobState::valueOf).collect(java.util.stream.Collectors
                    .toCollection(() -> java.util.EnumSet.noneOf(JobState.class)));
            for (JobState other : JobState.values()) {
                assertThat(from.canMoveTo(other)).as(from + " -> " + other).isEqualTo(to.contains(other));
            }
        }
    }

    // ------------------------------------------------------------------ creating jobs

    @Test
    void admit_newJob_isQueuedWithItsIdentityAndQueuedToBePlaced() {
        Transition created = JobLifecycle.admit(JOB, List.of(), T0);

        JobRecord record = created.after();
        assertThat(record.id()).isEqualTo(JobId.of("s3://in/inputs/wc/a.txt", "v1", "wc", "r1"));
        assertThat(record.state()).isEqualTo(JobState.QUEUED);
        assertThat(record.attempt()).isZero();
        assertThat(record.maxAttempts()).isEqualTo(2);
        assertThat(record.queuedAt()).isEqualTo(T0.toString());
        assertThat(record.output()).isEqualTo("s3://out/outputs/wc/a.txt/x/");
        assertThat(created.changed()).isTrue();
        assertThat(created.effects()).containsExactly(new Effect.Enqueue(List.of(record.id())));
    }

    @Test
    void admit_placedAtOnce_startsAttemptOneAndIsNotQueued() {
        Transition created = JobLifecycle.admit(JOB, List.of(new JobEvent.StartRequested("ci-1")), T0);

        assertThat(created.after().state()).isEqualTo(JobState.STARTING);
        assertThat(created.after().attempt()).isEqualTo(1);
        assertThat(created.effects()).containsExactly(new Effect.StartTask(created.after().id(), 1, "ci-1"));
    }

    @Test
    void admit_rejected_failsWithTheReasonAndNoOutput() {
        JobRecord record = JobLifecycle.admit(JOB, List.of(new JobEvent.Rejected("not a .txt")), T0).after();

        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("rejected: not a .txt");
        assertThat(record.output()).as("nothing ran: no output lies anywhere").isNull();
        assertThat(record.endedAt()).isEqualTo(T0.toString());
    }

    @Test
    void admit_eventThatCannotHappenToANewJob_isRefused() {
        assertThatThrownBy(() -> JobLifecycle.admit(JOB, List.of(JobEvent.TaskRunning.onEcs(run(1, "RUNNING"))), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(JOB.id());
    }

    // ------------------------------------------------------------------ starts

    @Test
    void startRequested_countsTheAttemptAndClearsWhatTheLastOneLeft() {
        JobRecord retried = after(oneOfEach().get(JobState.RUNNING), ended(new JobEvent.ExitCode(3, null, "boom")));

        Transition started = JobLifecycle.apply(retried, new JobEvent.StartRequested("ci-9"), NOW);

        JobRecord record = started.after();
        assertThat(record.attempt()).isEqualTo(2);
        assertThat(record.placedOn()).isEqualTo("ci-9");
        assertThat(record.startedAt()).isEqualTo(NOW.toString());
        assertThat(record.exitCode()).isNull();
        assertThat(record.reason()).isNull();
        assertThat(record.stderrTail()).as("the last failed attempt's tail stays until another fails").isEqualTo("boom");
        assertThat(started.effects()).containsExactly(new Effect.StartTask(record.id(), 2, "ci-9"));
    }

    @Test
    void startRefusedForNow_doesNotCountTheAttemptAndQueuesTheJob() {
        Transition refused = JobLifecycle.apply(oneOfEach().get(JobState.STARTING),
                new JobEvent.StartRefused("RESOURCE:MEMORY on ci-1", true), NOW);

        assertThat(refused.after().attempt()).isZero();
        assertThat(refused.after().placedOn()).isNull();
        assertThat(refused.after().reason()).isEqualTo("start refused, tried again: RESOURCE:MEMORY on ci-1");
        assertThat(refused.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
    }

    @Test
    void startInDoubt_withinTheGrace_saysWhenToLookAgain() {
        JobRecord starting = oneOfEach().get(JobState.STARTING);

        Transition doubt = JobLifecycle.apply(starting, new JobEvent.StartInDoubt(false, Duration.ofMinutes(3)), NOW);

        assertThat(doubt.effects()).containsExactly(new Effect.LookAgain(T0.plus(Duration.ofMinutes(3))));
        assertThat(doubt.note()).isEqualTo("its start may still be under way");
    }

    @Test
    void startInDoubt_pastTheGrace_queuesTheSameAttemptAgain() {
        JobRecord starting = oneOfEach().get(JobState.STARTING);

        JobRecord again = JobLifecycle.apply(starting, List.of(new JobEvent.StartInDoubt(false, Duration.ofSeconds(1)),
                new JobEvent.StartRequested("ci-2")), NOW).after();

        assertThat(again.state()).isEqualTo(JobState.STARTING);
        assertThat(again.attempt()).as("its start never happened: the same attempt").isEqualTo(1);
        assertThat(again.placedOn()).isEqualTo("ci-2");
    }

    @Test
    void applyMany_laterStepOvertakesAnEarlierEnqueue_dropsIt() {
        Transition combined = JobLifecycle.apply(oneOfEach().get(JobState.STARTING),
                List.of(new JobEvent.StartInDoubt(false, Duration.ofSeconds(1)), new JobEvent.StartRequested("ci-2")), NOW);

        assertThat(combined.effects()).containsExactly(new Effect.StartTask(JOB.id(), 1, "ci-2"));
    }

    @Test
    void applyMany_aLaterStepChangesNothing_isStillOneChangeToWrite() {
        // Given a queued job
        JobRecord queued = oneOfEach().get(JobState.QUEUED);

        // When it is found to wait, and then to wait still
        Transition combined = JobLifecycle.apply(queued, List.of(new JobEvent.WaitingForCapacity("no room"),
                new JobEvent.WaitingForCapacity("still no room")), NOW);

        // Then the first wait is written: the record changed
        assertThat(combined.kind()).isEqualTo(Transition.Kind.CHANGED);
        assertThat(combined.after().state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(combined.after().reason()).isEqualTo("no room");
        assertThat(combined.note()).isNull();
    }

    @Test
    void applyMany_nothingChanges_saysWhyAsItsStepDid() {
        JobRecord waiting = oneOfEach().get(JobState.WAITING_FOR_CAPACITY);

        Transition combined = JobLifecycle.apply(waiting, List.of(new JobEvent.WaitingForCapacity("still no room")), NOW);

        assertThat(combined.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(combined.note()).isEqualTo("waiting already, since " + waiting.waitingSince());
    }

    @Test
    void waiting_seenAgainAfterTenMinutes_isWrittenSoThatALostMessageShows() {
        // Given a job waiting since T0
        JobRecord waiting = oneOfEach().get(JobState.WAITING_FOR_CAPACITY);

        // When its message comes back within 10 minutes, and then 10 minutes after it began waiting
        Transition soon = JobLifecycle.apply(waiting, new JobEvent.WaitingForCapacity("still no room"), T0.plusSeconds(599));
        Transition later = JobLifecycle.apply(waiting, new JobEvent.WaitingForCapacity("still no room"), T0.plusSeconds(600));
        Transition again = JobLifecycle.apply(later.after(), new JobEvent.WaitingForCapacity("x"), T0.plusSeconds(1199));

        // Then only the second is written, as seen then; the wait began when it began; starting forgets it
        assertThat(soon.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(later.kind()).isEqualTo(Transition.Kind.CHANGED);
        assertThat(later.after().waitingSeenAt()).isEqualTo(T0.plusSeconds(600).toString());
        assertThat(later.after().waitingSince()).isEqualTo(T0.toString());
        assertThat(later.after().state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(again.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(after(later.after(), new JobEvent.StartRequested("ci-1")).waitingSeenAt()).isNull();
    }

    // ------------------------------------------------------------------ attempts

    @Test
    void waiting_afterARefusedStart_beginsItsWaitAnew() {
        JobRecord waiting = oneOfEach().get(JobState.WAITING_FOR_CAPACITY);
        assertThat(JobLifecycle.apply(waiting, new JobEvent.WaitingForCapacity("later"), NOW).after().waitingSince())
                .as("waiting on: the wait began when it began").isEqualTo(T0.toString());
        JobRecord refused = after(after(waiting, new JobEvent.StartRequested("ci-1")),
                new JobEvent.StartRefused("RESOURCE:CPU", true));

        JobRecord again = JobLifecycle.apply(refused, new JobEvent.WaitingForCapacity("still no room"),
                NOW.plusSeconds(60)).after();

        assertThat(waiting.waitingSince()).isEqualTo(T0.toString());
        assertThat(again.waitingSince()).isEqualTo(NOW.plusSeconds(60).toString());
        assertThat(again.reason()).isEqualTo("still no room");
    }

    @Test
    void taskRunning_locally_keepsTheProcess() {
        JobRecord running = JobLifecycle.apply(oneOfEach().get(JobState.STARTING),
                JobEvent.TaskRunning.asProcess(1, 4242, "2026-11-21T10:00:01Z"), NOW).after();

        assertThat(running.pid()).isEqualTo(4242L);
        assertThat(running.processStart()).isEqualTo("2026-11-21T10:00:01Z");
        assertThat(after(running, ended(new JobEvent.ExitCode(1, null, null))).pid()).isNull();
    }

    @Test
    void attemptEnded_olderVersionOrSecondTask_isStale() {
        JobRecord running = oneOfEach().get(JobState.RUNNING);

        Transition older = JobLifecycle.apply(running, AttemptEnded.of(1, new JobEvent.Succeeded()).withTask(run(2,
                "STOPPED")), NOW);
        Transition second = JobLifecycle.apply(running, AttemptEnded.of(1, new JobEvent.Succeeded())
                .withTask(new TaskRun(1, "arn:task/other", 9, "STOPPED", null, null, null, null, null)), NOW);

        assertThat(older.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(older.note()).isEqualTo("version 2 is not newer than 3");
        assertThat(second.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(second.note()).startsWith("a second task for attempt 1");
    }

    @Test
    void attemptEnded_countedFailures_retryUntilTheLastThenFail() {
        JobRecord running = oneOfEach().get(JobState.RUNNING);

        Transition first = JobLifecycle.apply(running, ended(new JobEvent.ExitCode(3, "OutOfMemoryError", "tail")), NOW);
        JobRecord second = after(after(first.after(), new JobEvent.StartRequested("ci-1")),
                JobEvent.TaskRunning.onEcs(new TaskRun(2, TASK + "2", 1, "RUNNING", null, null, null, null, null)));
        JobRecord last = after(second, AttemptEnded.of(2, new JobEvent.TimedOut(60, null)));

        assertThat(first.after().state()).isEqualTo(JobState.QUEUED);
        assertThat(first.after().reason()).isEqualTo("exit code 3, OutOfMemoryError; trying again (attempt 2 of 2)");
        assertThat(first.after().exitCode()).isEqualTo(3);
        assertThat(first.after().stderrTail()).isEqualTo("tail");
        assertThat(first.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
        assertThat(last.state()).isEqualTo(JobState.FAILED);
        assertThat(last.reason()).isEqualTo("timed out after 60 s (timeoutSeconds)");
        assertThat(last.exitCode()).isNull();
        assertThat(last.endedAt()).isEqualTo(T0.toString());
    }

    @Test
    void taskVanished_noOutputs_isQueuedAgainUncountedKeepingItsNumberUntilTheLimit() {
        // Given a running attempt whose task ECS no longer knows, and no output written since it started
        JobRecord record = oneOfEach().get(JobState.RUNNING);

        // When the reconciler says so
        Transition first = JobLifecycle.apply(record, new JobEvent.TaskVanished(1, TASK, false), NOW);

        // Then it is queued again, attempt 1 kept (a late task of it is one the job left behind), not counted
        assertThat(first.after().state()).isEqualTo(JobState.QUEUED);
        assertThat(first.after().attempt()).isEqualTo(1);
        assertThat(first.after().countedAttempts()).isZero();
        assertThat(first.after().reason()).startsWith("task " + TASK + " vanished").contains("no output was written")
                .endsWith("(interruption 1 of 3 allowed)");
        assertThat(first.effects()).containsExactly(new Effect.Enqueue(List.of(record.id())));
        JobRecord again = first.after().toBuilder().interruptions(JobLifecycle.MAX_INTERRUPTIONS).build();
        JobRecord restarted = after(again, new JobEvent.StartRequested("ci-1"));
        JobRecord failed = after(restarted, new JobEvent.TaskVanished(2, null, false));
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.reason()).isEqualTo("attempt 2 has no task: ECS lists none started for it; its outcome is "
                + "unknown; the job was interrupted 4 times");
    }

    @Test
    void taskVanished_afterItsStageOutWroteOutputs_failsRatherThanRunTwice() {
        JobRecord record = oneOfEach().get(JobState.RUNNING);

        Transition transition = JobLifecycle.apply(record, new JobEvent.TaskVanished(1, TASK, true), NOW);

        assertThat(transition.after().state()).isEqualTo(JobState.FAILED);
        assertThat(transition.after().reason()).contains("its stage-out wrote outputs").contains("conveyor retry");
        assertThat(transition.effects()).isEmpty();
    }

    @Test
    void taskVanished_ofAnotherTaskOrAttempt_isStale() {
        JobRecord record = oneOfEach().get(JobState.RUNNING);

        assertThat(JobLifecycle.apply(record, new JobEvent.TaskVanished(1, TASK + "-other", false), NOW).kind())
                .isEqualTo(Transition.Kind.STALE);
        assertThat(JobLifecycle.apply(record, new JobEvent.TaskVanished(1, null, false), NOW).kind())
                .isEqualTo(Transition.Kind.STALE);
        assertThat(JobLifecycle.apply(record, new JobEvent.TaskVanished(2, TASK, false), NOW).kind())
                .isEqualTo(Transition.Kind.STALE);
    }

    @Test
    void attemptEnded_instanceLost_isNotCountedUntilTheLimit() {
        JobRecord record = oneOfEach().get(JobState.RUNNING);
        for (int i = 1; i <= JobLifecycle.MAX_INTERRUPTIONS; i++) {
            record = after(record, AttemptEnded.of(record.attempt(), new JobEvent.InstanceLost("gone", null)));
            assertThat(record.state()).isEqualTo(JobState.QUEUED);
            assertThat(record.interruptions()).isEqualTo(i);
            assertThat(record.countedAttempts()).isZero();
            assertThat(record.reason()).endsWith("(interruption " + i + " of 3 allowed)");
            record = after(record, new JobEvent.StartRequested("ci-1"));
        }

        JobRecord failed = after(record, AttemptEnded.of(record.attempt(), new JobEvent.InstanceLost("gone", 137)));

        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.reason()).isEqualTo("gone; the job lost its instance 4 times");
        assertThat(failed.exitCode()).isEqualTo(137);
    }

    @Test
    void attemptEnded_retryAfterAnInterruption_countsOnlyTheAttemptsThatRan() {
        JobRecord lost = after(oneOfEach().get(JobState.RUNNING), ended(new JobEvent.InstanceLost("gone", null)));
        JobRecord second = after(lost, new JobEvent.StartRequested("ci-1"));

        JobRecord failed = after(second, AttemptEnded.of(2, new JobEvent.ExitCode(1, null, null)));

        assertThat(failed.reason()).isEqualTo("exit code 1; trying again (attempt 2 of 2)");
    }

    @Test
    void attemptEnded_succeeded_recordsItsOutputAndMakesItsChildrenFirst() {
        JobRecord child = JobLifecycle.admit(NewJob.of(new NewJob.JobInput("s3://out/x/counts.csv", "etag:e1"),
                new NewJob.AlgorithmRevision("sum", "r2", 1)).withParent(JOB.id()), T0);
        JobRecord rejectedChild = JobLifecycle.admit(NewJob.of(new NewJob.JobInput("s3://out/x/counts.csv", "etag:e1"),
                new NewJob.AlgorithmRevision("nope", "unknown", 1)), List.of(new JobEvent.Rejected("unknown")), T0).after();

        Transition done = JobLifecycle.apply(oneOfEach().get(JobState.RUNNING), ended(new JobEvent.Succeeded())
                .withOutput(new JobEvent.Output("s3://out/x/", List.of("counts.csv")))
                .withChildren(List.of(child, rejectedChild)), NOW);

        assertThat(done.after().outputs()).containsExactly("counts.csv");
        assertThat(done.after().exitCode()).isZero();
        assertThat(done.after().children()).containsExactly(child.id(), rejectedChild.id());
        assertThat(done.creates()).containsExactly(child, rejectedChild);
        assertThat(done.effects()).as("only the child that is to run is queued")
                .containsExactly(new Effect.Enqueue(List.of(child.id())));
        assertThat(done.after().task(1)).isPresent();
    }

    @Test
    void attemptEnded_stopAppliedAndItsRetryMessageLost_queuesTheJobAgainWithoutAChange() {
        JobRecord retried = after(oneOfEach().get(JobState.RUNNING), ended(new JobEvent.ExitCode(3, null, null)));

        Transition again = JobLifecycle.apply(retried, ended(new JobEvent.ExitCode(3, null, null)), NOW);

        assertThat(again.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(again.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
    }

    // ------------------------------------------------------------------ by hand, and crashes

    @Test
    void cancel_running_stopsItsTask() {
        Transition cancelled = JobLifecycle.apply(oneOfEach().get(JobState.RUNNING),
                new JobEvent.CancelRequested("cancelled by alice"), NOW);

        assertThat(cancelled.after().reason()).isEqualTo("cancelled by alice");
        assertThat(cancelled.after().endedAt()).isEqualTo(NOW.toString());
        assertThat(cancelled.effects()).containsExactly(new Effect.StopTask(JOB.id(), 1, "cancelled by alice"));
        assertThat(JobLifecycle.apply(oneOfEach().get(JobState.QUEUED), new JobEvent.CancelRequested("x"), NOW)
                .effects()).as("nothing runs: nothing to stop").isEmpty();
    }

    @Test
    void retry_failedJob_getsItsAttemptsAgain() {
        JobRecord failed = oneOfEach().get(JobState.FAILED);

        Transition retried = JobLifecycle.apply(failed, new JobEvent.RetryRequested(2, "retried by alice"), NOW);

        assertThat(retried.after().maxAttempts()).isEqualTo(3);
        assertThat(retried.after().mayRetry()).isTrue();
        assertThat(retried.after().endedAt()).isNull();
        assertThat(retried.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
        assertThat(after(retried.after(), new JobEvent.StartRequested("ci-1")).attempt()).isEqualTo(2);
    }

    @Test
    void retry_onTheCurrentRevision_movesTheRecordToIt() {
        JobRecord cancelled = oneOfEach().get(JobState.CANCELLED);

        Transition retried = JobLifecycle.apply(cancelled, new JobEvent.RetryRequested(1, "r2", false, "retried by bob"),
                NOW);

        assertThat(cancelled.revision()).isEqualTo("r1");
        assertThat(retried.after().revision()).isEqualTo("r2");
        assertThat(retried.after().reason()).isEqualTo("retried by bob");
        assertThat(JobLifecycle.apply(cancelled, new JobEvent.RetryRequested(1, "again"), NOW).after().revision())
                .as("no revision given: the record keeps its own").isEqualTo("r1");
    }

    @Test
    void retry_succeededJob_runsAgainOnlyWhenForced() {
        JobRecord succeeded = oneOfEach().get(JobState.SUCCEEDED);

        Transition plain = JobLifecycle.apply(succeeded, new JobEvent.RetryRequested(1, "r1", false, "by bob"), NOW);
        Transition forced = JobLifecycle.apply(succeeded, new JobEvent.RetryRequested(1, "r1", true, "by bob"), NOW);

        assertThat(plain.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(plain.note()).isEqualTo("the job SUCCEEDED: only a forced retry runs it again");
        assertThat(forced.after().state()).isEqualTo(JobState.QUEUED);
        assertThat(forced.after().maxAttempts()).isEqualTo(succeeded.countedAttempts() + 1);
        assertThat(forced.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
        assertThat(after(forced.after(), new JobEvent.StartRequested("ci-1")).attempt()).isEqualTo(2);
    }

    @Test
    void resumedAfterCrash_running_stopsTheOldProcessAndRunsTheAttemptAgainUncounted() {
        JobRecord running = JobLifecycle.apply(oneOfEach().get(JobState.STARTING),
                JobEvent.TaskRunning.asProcess(1, 77, "t"), NOW).after();

        Transition resumed = JobLifecycle.apply(running, new JobEvent.ResumedAfterCrash("resumed"), NOW);

        assertThat(resumed.after().attempt()).isZero();
        assertThat(resumed.after().pid()).isNull();
        assertThat(resumed.effects()).containsExactly(new Effect.StopTask(JOB.id(), 1, "resumed"),
                new Effect.Enqueue(List.of(JOB.id())));
    }

    @Test
    void abandoned_running_stopsItsTaskButAQueuedJobHasNoneToStop() {
        Transition running = JobLifecycle.apply(oneOfEach().get(JobState.RUNNING), new JobEvent.Abandoned("broke"), NOW);
        Transition queued = JobLifecycle.apply(oneOfEach().get(JobState.QUEUED), new JobEvent.Abandoned("broke"), NOW);

        assertThat(running.after().state()).isEqualTo(JobState.FAILED);
        assertThat(running.effects()).containsExactly(new Effect.StopTask(JOB.id(), 1, "broke"));
        assertThat(queued.after().state()).isEqualTo(JobState.FAILED);
        assertThat(queued.effects()).isEmpty();
    }

    @Test
    void retryRequested_oneMoreAttempt_isTheLeastThatMayBeAsked() {
        JobRecord failed = oneOfEach().get(JobState.FAILED);

        Transition once = JobLifecycle.apply(failed, new JobEvent.RetryRequested(1, "retried by alice"), NOW);

        assertThat(once.after().maxAttempts()).isEqualTo(failed.countedAttempts() + 1);
        assertThatThrownBy(() -> new JobEvent.RetryRequested(0, "retried by alice"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("attempts must be at least 1, was 0");
    }

    // ------------------------------------------------------------------ fixtures

    static JobRecord after(JobRecord record, JobEvent event) {
        Transition transition = JobLifecycle.apply(record, event, T0);
        assertThat(transition.kind()).as(event + " on " + record.state()).isNotEqualTo(Transition.Kind.STALE);
        return transition.after();
    }

    static AttemptEnded ended(JobEvent.Ending ending) {
        return AttemptEnded.of(1, ending).withTask(run(5, "STOPPED"));
    }

    static TaskRun run(long version, String status) {
        return new TaskRun(1, TASK, version, status, null, null, null, null, null);
    }
}
