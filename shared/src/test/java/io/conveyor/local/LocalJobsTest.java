package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Validation;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.storage.Digests;
import io.conveyor.testing.JobFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local mode's driver of job records, without processes: attempts are reported to it as the
 * attempt runner would. A restart resumes what the last run left; a report moves the record, frees the
 * machine's room, keeps or cleans up the attempt's folders; Conveyor's own failures end the job saying so.
 */
class LocalJobsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    /** Takes this machine's one CPU. */
    static final String COUNT = """
            {"name": "count", "image": "busybox:1.36", "command": ["wc"], "retries": 1,
             "resources": {"vcpu": 1, "memoryMiB": 512}}""";

    @TempDir
    Path workspace;

    LocalSettings settings;
    FileJobStore store;
    /** The jobs' attempt folders, as the jobs under test see them. */
    LocalOutputs outputs;
    final List<JobRecord> heard = new ArrayList<>();
    final List<Path> handedBack = new ArrayList<>();
    final io.conveyor.testing.MutableClock clock = new io.conveyor.testing.MutableClock(T0);

    @BeforeEach
    void outbox() {
        settings = new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"),
                workspace.resolve("algorithms"), 1, 4096, Duration.ZERO, Duration.ofMillis(10));
        store = new FileJobStore(settings.jobs());
        outputs = new LocalOutputs(settings);
    }

    // ------------------------------------------------------------------ a restart

    @Test
    void recover_jobRunningWhenTheRunStopped_isQueuedAgainUncountedAndItsProcessEnded() throws Exception {
        // Given a job whose process a crashed run left behind, and a job that had ended
        Process left = new ProcessBuilder("sleep", "30").start();
        try {
            String revision = validate(COUNT).sha256();
            JobRecord running = JobFixtures.after(queued("a.txt", revision), T0, new JobEvent.StartRequested(null),
                    JobEvent.TaskRunning.asProcess(1, left.pid(), LocalProcessRunner.startOf(left.toHandle())));
            JobRecord succeeded = JobFixtures.after(queued("b.txt", revision), T0, new JobEvent.StartRequested(null),
                    JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()));
            store.create(running);
            store.create(succeeded);
            LocalJobs jobs = jobs(COUNT);

            // When the next run starts
            jobs.recover();

            // Then the process is ended, and the job runs again as attempt 1: the crash was not its fault
            assertThat(left.waitFor(10, TimeUnit.SECONDS)).isTrue();
            JobRecord resumed = store.get(running.id()).orElseThrow();
            assertThat(resumed.state()).isEqualTo(JobState.QUEUED);
            assertThat(resumed.attempt()).isZero();
            assertThat(resumed.pid()).isNull();
            assertThat(resumed.reason()).isEqualTo("resumed: the previous run stopped while this job ran");
            assertThat(store.get(succeeded.id())).contains(succeeded);
            assertThat(jobs.place()).extracting(start -> start.job().id(), start -> start.job().attempt())
                    .containsExactly(tuple(running.id(), 1));
        } finally {
            left.destroyForcibly();
        }
    }

    @Test
    void recover_queuedJobWhoseAlgorithmChangedOrWent_failsSayingWhyAndDoesNotRun() throws Exception {
        JobRecord changed = queued("a.txt", "an-older-revision");
        JobRecord gone = JobFixtures.queued(JobFixtures.job(input("b.txt", "b").toString(), "sha256:b", "retired", "r1",
                1), T0);
        store.create(changed);
        store.create(gone);
        LocalJobs jobs = jobs(COUNT);

        jobs.recover();

        assertThat(List.of(store.get(changed.id()).orElseThrow(), store.get(gone.id()).orElseThrow()))
                .allSatisfy(record -> {
                    assertThat(record.state()).isEqualTo(JobState.FAILED);
                    assertThat(record.reason()).isEqualTo("rejected: its algorithm changed or is gone since it was queued");
                });
        assertThat(jobs.place()).isEmpty();
        assertThat(jobs.idle()).isTrue();
    }

    @Test
    void recover_thenAdmit_runsAFileOnceWhateverTheRevisionButOneThatNeverRanUnderTheNewOne() throws Exception {
        // Given a file whose job was rejected before it ran (its algorithm changed), a file that ran and
        // succeeded, and one that ran and failed, all under an earlier revision of the algorithm
        JobRecord neverRan = JobFixtures.after(queued("a.txt", "an-older-revision"), T0,
                new JobEvent.Rejected("its algorithm changed or is gone since it was queued"));
        JobRecord ran = JobFixtures.after(queued("b.txt", "an-older-revision"), T0, new JobEvent.StartRequested(null),
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()));
        JobRecord ranAndFailed = JobFixtures.after(queued("c.txt", "an-older-revision"), T0,
                new JobEvent.StartRequested(null), new JobEvent.Abandoned("Conveyor could not finish this job"));
        store.create(neverRan);
        store.create(ran);
        store.create(ranAndFailed);
        LocalJobs jobs = jobs(COUNT);

        // When the next run starts and finds the files in the inbox
        jobs.recover();
        jobs.admit(Path.of(neverRan.input()), "count", "a.txt");
        jobs.admit(Path.of(ran.input()), "count", "b.txt");
        jobs.admit(Path.of(ranAndFailed.input()), "count", "c.txt");

        // Then only the file that never ran gets a job of the current revision, and it starts
        assertThat(jobs.place()).extracting(LocalJobs.Start::job).singleElement().satisfies(record -> {
            assertThat(record.input()).isEqualTo(neverRan.input());
            assertThat(record.revision()).isEqualTo(validate(COUNT).sha256());
            assertThat(record.state()).isEqualTo(JobState.STARTING);
        });
        jobs.writeKept(true);
        assertThat(store.all()).hasSize(4);
    }

    // ------------------------------------------------------------------ attempts' reports

    @Test
    void report_lateEndOfAnEarlierAttempt_leavesTheMachineToTheAttemptThatRuns() throws Exception {
        // Given a job whose first attempt failed and whose second one holds the machine's only CPU
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        jobs.place();
        jobs.report(exited(id, 1, 3), handedBack::add);
        assertThat(jobs.place()).extracting(start -> start.job().attempt()).containsExactly(2);
        String other = admit(jobs, "b.txt");

        // When the first attempt's end is reported once more
        jobs.report(exited(id, 1, 3), handedBack::add);

        // Then it changes nothing: the other job still waits for the CPU, and the second attempt's start (kept in
        // memory until its process starts) is what is written
        assertThat(jobs.place()).isEmpty();
        assertThat(store.get(other).orElseThrow().state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        jobs.writeKept(true);
        assertThat(store.get(id).orElseThrow()).extracting(JobRecord::state, JobRecord::attempt)
                .containsExactly(JobState.STARTING, 2);
    }

    @Test
    void report_attemptsOfAJob_workInTheFolderTheFirstFreedAndLeaveOnlyTheJobsOutput() throws Exception {
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        JobRecord first = jobs.place().get(0).job();
        Path folder = outputs.attemptDir(first);
        write(folder.resolve("stderr.log"), "no such column");

        jobs.report(exited(id, 1, 3), handedBack::add);
        JobRecord second = jobs.place().get(0).job();
        assertThat(outputs.attemptDir(second)).as("the retry's folder: the one its first attempt freed")
                .isEqualTo(folder);
        write(folder.resolve("output/counts.txt"), "3");
        jobs.report(exited(id, 2, 0), handedBack::add);

        JobRecord done = store.get(id).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.outputs()).containsExactly("counts.txt");
        assertThat(done.outputChecksums()).as("provenance: the SHA-256 of each output")
                .containsExactly(java.util.Map.entry("counts.txt", "sha256:" + io.conveyor.storage.Digests.sha256("3".getBytes())));
        assertThat(Path.of(done.output()).resolve("counts.txt")).hasContent("3");
        assertThat(folder.resolve("output")).as("the output moved to the job's").doesNotExist();
        JobRecord next = JobFixtures.queued(JobFixtures.job(settings.inbox().resolve("count/b.txt").toString(),
                "sha256:ab", "count", "r1", 1), T0);
        assertThat(outputs.attemptDir(next)).as("the finished attempt's folder, free for the next").isEqualTo(folder);
    }

    @Test
    void report_attemptThatFailsAndRetries_freesItsFolderAsItIsForTheRetryToEmpty() throws Exception {
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        JobRecord first = jobs.place().get(0).job();
        Path log = write(outputs.attemptDir(first).resolve("stderr.log"), "no such column");

        jobs.report(exited(id, 1, 3), handedBack::add);

        assertThat(store.get(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(log).hasContent("no such column");
        assertThat(outputs.attemptDir(jobs.place().get(0).job())).isEqualTo(log.getParent());
    }

    @Test
    void report_inputChangedBeforeTheStart_failsTheJobHandsTheFileBackAndFreesTheMachine() throws Exception {
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        jobs.place();

        jobs.report(new AttemptReport.NotStarted(id, 1, "the input changed after it was taken; its new content is"
                + " taken as a new job", true), handedBack::add);

        JobRecord failed = store.get(id).orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.reason()).isEqualTo("the input changed after it was taken; its new content is taken as a new job");
        assertThat(handedBack).containsExactly(Path.of(failed.input()));
        admit(jobs, "b.txt");
        assertThat(jobs.place()).hasSize(1);
    }

    @Test
    void report_successWhoseOutputCannotBeKept_failsTheJobAsConveyorsOwnError() throws Exception {
        // Given an outbox where a file lies where the algorithm's outputs go
        Files.createDirectories(settings.outputs());
        Files.writeString(settings.outputs().resolve("count"), "in the way");
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        jobs.place();

        // When the attempt succeeds
        jobs.report(exited(id, 1, 0), handedBack::add);

        // Then the job fails, saying it is Conveyor's doing, and the machine is free for the next job
        JobRecord failed = store.get(id).orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.reason()).startsWith("Conveyor could not finish this job: java.nio.file.");
        admit(jobs, "b.txt");
        assertThat(jobs.place()).hasSize(1);
    }

    @Test
    void report_successLeadingToAStepThatRejectsItsOutput_recordsAndTellsOfBothNextSteps() throws Exception {
        // Given an algorithm whose outputs go on to one algorithm that takes them and one that does not
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"then\": [\"pdf\", \"sum\"]"),
                COUNT.replace("\"count\"", "\"pdf\"").replace("\"retries\": 1", "\"input\": {\"suffixes\": [\".pdf\"]}"),
                COUNT.replace("\"count\"", "\"sum\""));
        String id = admit(jobs, "a.txt");
        JobRecord started = jobs.place().get(0).job();
        write(outputs.attemptDir(started).resolve("output/counts.txt"), "3");

        // When it succeeds
        jobs.report(exited(id, 1, 0), handedBack::add);

        // Then both next steps are recorded, told of and part of the run, the rejected one saying why
        List<String> children = store.get(id).orElseThrow().children();
        assertThat(children).hasSize(2);
        assertThat(heard).filteredOn(record -> children.contains(record.id()))
                .extracting(JobRecord::algorithm, JobRecord::state, JobRecord::reason)
                .containsExactlyInAnyOrder(tuple("pdf", JobState.FAILED,
                                "rejected: 'counts.txt' does not end in one of [.pdf] (input.suffixes of pdf)"),
                        tuple("sum", JobState.QUEUED, null));
        assertThat(jobs.touched()).containsAll(children);
    }

    @Test
    void admit_requiredParameterGivenNowhere_isRejectedNamingBothWaysToGiveIt() throws Exception {
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"parameters\": [{\"name\": \"THRESHOLD\", \"required\": true}]"));

        String id = admit(jobs, "a.txt");

        assertThat(store.get(id).orElseThrow().reason()).isEqualTo("rejected: required parameter THRESHOLD has no value:"
                + " give it with --param NAME=VALUE or in " + settings.inbox().resolve("count/a.txt.conveyor-params"));
        assertThat(jobs.place()).isEmpty();
    }

    @Test
    void admit_requiredParameterInTheInputsSidecar_isQueued() throws Exception {
        // Given a required parameter, given in the sidecar beside the input
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"parameters\": [{\"name\": \"THRESHOLD\", \"required\": true}]"));
        write(settings.inbox().resolve("count/a.txt.conveyor-params"), "{\"THRESHOLD\": \"3\"}");

        String id = admit(jobs, "a.txt");

        assertThat(heard).last().extracting(JobRecord::id, JobRecord::state).containsExactly(id, JobState.QUEUED);
        assertThat(jobs.place()).extracting(start -> start.job().id()).containsExactly(id);
    }

    @Test
    void admit_sidecarThatIsNoObjectOfStrings_isRejectedNamingTheFileAndField() throws Exception {
        LocalJobs jobs = jobs(COUNT);
        write(settings.inbox().resolve("count/a.txt.conveyor-params"), "{\"THRESHOLD\": 3}");

        String id = admit(jobs, "a.txt");

        assertThat(store.get(id).orElseThrow().reason()).isEqualTo("rejected: " + settings.inbox()
                .resolve("count/a.txt.conveyor-params") + ": /THRESHOLD: must be a string, was number");
    }

    @Test
    void admit_fileTheFilterRefusesTouchedAndTakenAgain_makesNoSecondRecord() throws Exception {
        // Given a file count's filter refuses, rejected once
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"input\": {\"suffixes\": [\".csv\"]}"));
        Path file = input("a.txt", "a");
        jobs.admit(file, "count", "a.txt");

        // When it is touched (a new time of change) and taken again
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        jobs.admit(file, "count", "a.txt");

        // Then there is still one FAILED record, and the second look says it was there already
        assertThat(store.all()).singleElement().extracting(JobRecord::state).isEqualTo(JobState.FAILED);
        assertThat(jobs.earlier()).isEmpty();
        assertThat(jobs.touched()).hasSize(1);
    }

    @Test
    void admit_newFileThenTheSameAgain_saysItWroteOnlyTheFirstTime() throws Exception {
        // Given a file admitted once (a record written)
        LocalJobs jobs = jobs(COUNT);
        Path file = input("a.txt", "a");
        assertThat(jobs.admit(file, "count", "a.txt")).isTrue();

        // When it is admitted again as it is, Then nothing is made (the loop does not count it against its share)
        assertThat(jobs.admit(file, "count", "a.txt")).isFalse();
        assertThat(jobs.place()).hasSize(1);
        jobs.writeKept(true);
        assertThat(store.all()).hasSize(1);
    }

    @Test
    void admit_sizeTheScanSaw_isTheSizeTheFilterJudges() throws Exception {
        // Given a filter of at most 1 MiB and a small file the scan saw at 2 MiB (it was that big when looked at)
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"input\": {\"maxSizeMiB\": 1}"));
        Path file = input("a.txt", "a");

        // When it is admitted with that size
        jobs.admit(new InboxScanner.Ready(file, "count", "a.txt", 2L * 1024 * 1024, null));

        // Then the filter judged the size seen, and said it
        assertThat(store.all()).singleElement().satisfies(record -> {
            assertThat(record.state()).isEqualTo(JobState.FAILED);
            assertThat(record.reason()).contains("is 2097152 bytes, over input.maxSizeMiB (1 MiB)");
        });
    }

    @Test
    void changedElsewhere_runningJobCancelledThroughAnotherStore_isStoppedAndStaysCancelled() throws Exception {
        // Given a running job
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        jobs.place();
        jobs.report(new AttemptReport.Started(id, 1, 1L, "t"), handedBack::add);

        // When a job command cancels it through a store of its own on the same folder
        FileJobStore elsewhere = new FileJobStore(settings.jobs());
        new JobUpdates(elsewhere, Clock.fixed(T0, ZoneOffset.UTC)).apply(elsewhere.read(id).orElseThrow(),
                List.of(new io.conveyor.jobs.JobEvent.CancelRequested("cancelled by alice")));
        List<String> toStop = jobs.changedElsewhere(store.changesSince(0).ids());
        jobs.report(exited(id, 1, 137), handedBack::add);

        // Then its process is to be stopped, its resources are free, and its late end changes nothing
        assertThat(toStop).containsExactly(id);
        assertThat(jobs.idle()).isTrue();
        assertThat(store.get(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(store.get(id).orElseThrow().reason()).isEqualTo("cancelled by alice");
    }

    @Test
    void changedElsewhere_failedJobRetriedThroughAnotherStore_isQueuedAndPlaced() throws Exception {
        // Given a job that failed for good
        LocalJobs jobs = jobs(COUNT.replace("\"retries\": 1", "\"retries\": 0"));
        String id = admit(jobs, "a.txt");
        jobs.place();
        jobs.report(exited(id, 1, 3), handedBack::add);
        assertThat(store.get(id).orElseThrow().state()).isEqualTo(JobState.FAILED);

        // When a job command retries it through a store of its own
        FileJobStore elsewhere = new FileJobStore(settings.jobs());
        new JobUpdates(elsewhere, Clock.fixed(T0, ZoneOffset.UTC)).apply(elsewhere.read(id).orElseThrow(),
                List.of(new io.conveyor.jobs.JobEvent.RetryRequested(1, "retried by alice")));
        jobs.changedElsewhere(store.changesSince(0).ids());

        // Then its second attempt starts
        assertThat(jobs.place()).singleElement().satisfies(start -> assertThat(start.job().attempt()).isEqualTo(2));
    }

    @Test
    void place_moreJobsThanRoom_startsWhatFitsTellsTheRestOnceAndWritesNothingMoreUntilRoomFrees() throws Exception {
        // Given three queued jobs on a machine with room for one
        LocalJobs jobs = jobs(COUNT);
        String first = admit(jobs, "a.txt");
        String second = admit(jobs, "b.txt");
        String third = admit(jobs, "c.txt");

        // When jobs are placed, then placed again with no room freed
        List<LocalJobs.Start> starts = jobs.place();
        long journal = Files.size(settings.jobs().resolve(".changes"));
        List<LocalJobs.Start> again = jobs.place();

        // Then the first starts, the others wait (said once), and the second placement writes nothing
        assertThat(starts).extracting(start -> start.job().id()).containsExactly(first);
        assertThat(store.get(second).orElseThrow().state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(store.get(third).orElseThrow().state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
        assertThat(again).isEmpty();
        assertThat(Files.size(settings.jobs().resolve(".changes"))).isEqualTo(journal);

        // And once the first ends, the second starts, in order
        jobs.report(exited(first, 1, 0), handedBack::add);
        assertThat(jobs.place()).extracting(start -> start.job().id()).containsExactly(second);
    }

    @Test
    void changedElsewhere_waitingJobCancelledThroughAnotherStore_leavesTheQueueAndNeverStarts() throws Exception {
        // Given a running job and one waiting behind it
        LocalJobs jobs = jobs(COUNT);
        String running = admit(jobs, "a.txt");
        String waiting = admit(jobs, "b.txt");
        jobs.place();

        // When a job command cancels the waiting one, and the running one ends
        FileJobStore elsewhere = new FileJobStore(settings.jobs());
        new JobUpdates(elsewhere, Clock.fixed(T0, ZoneOffset.UTC)).apply(elsewhere.read(waiting).orElseThrow(),
                List.of(new io.conveyor.jobs.JobEvent.CancelRequested("cancelled by alice")));
        jobs.changedElsewhere(store.changesSince(0).ids());
        jobs.report(exited(running, 1, 0), handedBack::add);

        // Then nothing is left to start and the cancelled job stays cancelled
        assertThat(jobs.place()).isEmpty();
        assertThat(jobs.idle()).isTrue();
        assertThat(store.get(waiting).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    // ------------------------------------------------------------------ what is kept in memory

    @Test
    void report_jobThatStartsAtOnceAndSucceeds_isWrittenTwiceEachStateWithItsOwnTime() throws Exception {
        // Given a job admitted at T0 and placed at once
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        JobRecord starting = jobs.place().get(0).job();
        assertThat(store.get(id)).as("nothing written before its process starts").isEmpty();

        // When its process starts a second later, and ends a second after that
        clock.advance(Duration.ofSeconds(1));
        jobs.report(new AttemptReport.Started(id, 1, 4242L, "t"), handedBack::add);
        JobRecord running = store.get(id).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        write(outputs.attemptDir(starting).resolve("output/counts.txt"), "1");
        jobs.report(exited(id, 1, 0), handedBack::add);

        // Then its record was created RUNNING (with its process) and replaced SUCCEEDED: two writes, not four, and
        // each time is the time its event happened
        assertThat(writes(id)).isEqualTo(2);
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.pid()).isEqualTo(4242L);
        assertThat(running.queuedAt()).isEqualTo(T0.toString());
        assertThat(running.startedAt()).isEqualTo(T0.toString());
        assertSucceededHeardInEveryState(id, T0, T0.plusSeconds(2));
    }

    @Test
    void report_startWhoseEndIsInHandToo_isWrittenOnceWithThatEnd() throws Exception {
        // Given a job placed at once, whose process started a second later and ended a second after that, both
        // reported before the run looked
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        JobRecord starting = jobs.place().get(0).job();
        write(outputs.attemptDir(starting).resolve("output/counts.txt"), "1");
        clock.advance(Duration.ofSeconds(1));
        jobs.report(new AttemptReport.Started(id, 1, 4242L, "t"), handedBack::add, true);
        boolean writtenAtStart = store.get(id).isPresent();
        clock.advance(Duration.ofSeconds(1));
        jobs.report(exited(id, 1, 0), handedBack::add, false);

        // Then its record is written once, as its end, with the times its start and end happened
        assertThat(writtenAtStart).isFalse();
        assertThat(writes(id)).isEqualTo(1);
        assertSucceededHeardInEveryState(id, T0, T0.plusSeconds(2));
        assertThat(jobs.idle()).isTrue();
    }

    @Test
    void admit_fileWhoseJobAnEarlierRunLeftCancelled_isNotRunAgain() throws Exception {
        // Given a file whose job (of the current revision) was cancelled before it ran
        JobRecord cancelled = JobFixtures.after(queued("a.txt", validate(COUNT).sha256()), T0,
                new JobEvent.CancelRequested("cancelled by alice"));
        store.create(cancelled);
        LocalJobs jobs = jobs(COUNT);
        jobs.recover();

        // When the next run finds the file as it was
        jobs.admit(Path.of(cancelled.input()), "count", "a.txt");

        // Then nothing starts, the record stays as it was, and the job is one an earlier run made
        assertThat(jobs.place()).isEmpty();
        jobs.writeKept(true);
        assertThat(store.get(cancelled.id())).contains(cancelled);
        assertThat(jobs.earlier()).containsExactly(cancelled.id());
    }

    @Test
    void writeKept_startWhoseProcessHasNotStartedAfterASecond_isWrittenStartingThenNoMore() throws Exception {
        // Given a job placed, its process not started yet
        LocalJobs jobs = jobs(COUNT);
        String id = admit(jobs, "a.txt");
        jobs.place();

        // When the loop writes what was kept, at once and then after the second a state is kept at most
        jobs.writeKept(false);
        boolean writtenAtOnce = store.get(id).isPresent();
        long until = jobs.untilKeptIsWritten();
        Thread.sleep(LocalJobs.UNWRITTEN_AT_MOST.toMillis() + 50);
        jobs.writeKept(false);

        // Then it was kept for about that second, then written as STARTING, and nothing is kept any more
        assertThat(writtenAtOnce).isFalse();
        assertThat(until).isBetween(1L, LocalJobs.UNWRITTEN_AT_MOST.toNanos());
        assertThat(store.get(id).orElseThrow()).extracting(JobRecord::state, JobRecord::attempt)
                .containsExactly(JobState.STARTING, 1);
        assertThat(jobs.untilKeptIsWritten()).isEqualTo(Long.MAX_VALUE);
    }

    /** How often a job's record was written: its lines in the change journal. */
    long writes(String id) throws Exception {
        return Files.readAllLines(settings.jobs().resolve(".changes")).stream().filter(line -> line.endsWith(" " + id))
                .count();
    }

    /** The job's record says it succeeded, started and ended then; the run heard it in every state on the way. */
    void assertSucceededHeardInEveryState(String id, Instant started, Instant ended) {
        JobRecord done = store.get(id).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.startedAt()).isEqualTo(started.toString());
        assertThat(done.endedAt()).isEqualTo(ended.toString());
        assertThat(heard).filteredOn(record -> record.id().equals(id)).extracting(JobRecord::state)
                .containsExactly(JobState.QUEUED, JobState.STARTING, JobState.RUNNING, JobState.SUCCEEDED);
    }

    // ------------------------------------------------------------------ fixtures

    LocalJobs jobs(String... descriptors) {
        Map<String, LocalAdmission.Algorithm> algorithms = new LinkedHashMap<>();
        for (String json : descriptors) {
            Validation validation = validate(json);
            algorithms.put(validation.descriptor().name(), new LocalAdmission.Algorithm(validation.descriptor(),
                    validation.sha256()));
        }
        LocalCapacity capacity = new LocalCapacity(settings.cpus(), settings.memoryMiB());
        LocalPipeline.Listener listener = new LocalPipeline.Listener() {
            @Override
            public void jobChanged(JobRecord record) {
                heard.add(record);
            }
        };
        return new LocalJobs(new JobUpdates(store, clock), new LocalAdmission(settings,
                algorithms, capacity), capacity, outputs, listener, clock,
                false);
    }

    /** Admits an inbox file of count with its name as content; returns its job's id (as the run heard of it). */
    String admit(LocalJobs jobs, String name) throws Exception {
        Path file = input(name, name);
        int before = heard.size();
        jobs.admit(file, "count", name);
        return heard.subList(before, heard.size()).stream().map(JobRecord::id).findFirst().orElseThrow();
    }

    /** A queued job of count for an inbox file (with its name as content), at a revision. */
    JobRecord queued(String name, String revision) throws Exception {
        Path file = input(name, name);
        return JobFixtures.queued(JobFixtures.job(file.toString(), "sha256:" + Digests.sha256(file), "count", revision,
                2), T0);
    }

    Path input(String name, String content) throws Exception {
        return write(settings.inbox().resolve("count").resolve(name), content);
    }

    static Path write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    static AttemptReport.Exited exited(String id, int attempt, int exitCode) {
        return new AttemptReport.Exited(id, attempt, new LocalProcessRunner.Result(exitCode, false,
                exitCode == 0 ? "" : "no such column", 0));
    }

    static Validation validate(String json) {
        return new DescriptorValidator().validate("d.json", json.getBytes(StandardCharsets.UTF_8));
    }
}
