package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.event;
import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.TaskRun;
import io.conveyor.storage.StorageEvent;
import io.conveyor.testing.JobFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dispatch's first step: which objects and which named jobs are to run, which are rejected (with a
 * record saying why) and which are nobody's business.
 */
class AdmissionTest {

    static final String COUNT = """
            {"name": "count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 2048}, "retries": 2}""";

    final DispatchFixture rig = new DispatchFixture();

    @Test
    void dispatch_keyNamingNoAlgorithm_isIgnoredWithoutARecord() {
        // Given objects right under inputs/, one of them below an empty folder name
        rig.registry.register(COUNT);
        rig.instance("ci-1", 4096, 8192);

        // When their events come
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", event("inputs/a.txt", "v1", 5)),
                message("m2", event("inputs//a.txt", "v1", 5)));

        // Then they are no input of any algorithm: no job, no record, the messages are done
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done())
                .containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(rig.jobs.all()).isEmpty();
        assertThat(rig.launcher.started).isEmpty();
    }

    @Test
    void dispatch_emptyInputWithItsETag_isAdmittedWithoutAskingS3() {
        // Given an algorithm and room for it
        rig.registry.register(COUNT);
        rig.instance("ci-1", 4096, 8192);

        // When an empty object's event comes (S3 says its size, 0, and its eTag)
        rig.dispatch(message("m1", event("inputs/count/empty.txt", "v1", 0)));

        // Then the event says all there is to know: its job starts, no HEAD request was made
        assertThat(rig.launcher.started).singleElement().extracting(TaskStart::attempt).isEqualTo(1);
        assertThat(rig.record("empty.txt").inputVersion()).isEqualTo("v1");
        assertThat(rig.inputs.asked()).isEmpty();
    }

    @Test
    void dispatch_algorithmNeedingAGpu_isRejectedSayingWhy() {
        rig.registry.register("""
                {"name": "render", "image": "busybox:1.36", "command": ["render"],
                 "resources": {"vcpu": 1, "memoryMiB": 1024, "gpu": 1}}""");
        rig.instance("ci-1", 4096, 8192);

        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", event("inputs/render/a.obj", "v1", 5)));

        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).isEmpty();
        JobRecord record = rig.record("a.obj");
        assertThat(record.state()).isEqualTo(JobState.FAILED);
        assertThat(record.reason()).isEqualTo("rejected: needs 1 GPU(s): Conveyor's launch template starts the standard"
                + " ECS-optimized AMI, which has no GPU drivers");
    }

    @Test
    void dispatch_keyLeavingNoRoomForOutputNames_isRejectedSayingWhy() {
        rig.registry.register(COUNT);
        rig.instance("ci-1", 4096, 8192);
        String key = "inputs/count/" + "k".repeat(900) + ".txt";

        rig.dispatch(message("m1", event(key, "v1", 5)));

        assertThat(rig.launcher.started).isEmpty();
        assertThat(rig.record(".txt").reason()).isEqualTo("rejected: the key is " + key.length() + " bytes: its output"
                + " prefix would leave less than 128 bytes of S3's 1024-byte key limit for output file names");
    }

    @Test
    void dispatch_valuesAtTheOverridesLimit_runAndOneCharacterMoreIsRejected() {
        // Given an algorithm whose parameters' defaults take most of what ECS allows a task's overrides
        rig.registry.register("""
                {"name": "notes", "image": "busybox:1.36", "command": ["note"],
                 "parameters": [{"name": "PREAMBLE", "default": "%s"}, {"name": "GLOSSARY", "default": "%s"},
                                {"name": "NOTE"}],
                 "resources": {"vcpu": 0.25, "memoryMiB": 256}}""".formatted("p".repeat(4000), "g".repeat(3000)));
        rig.instance("ci-1", 8192, 32768);
        // and a first job that tells how long its overrides are with a note of one character
        rig.dispatch(message("m0", rig.input("inputs/notes/a.txt", "v1", 5, Map.of("note", "x"))));
        int withOneCharacter = TaskOverrides.length(rig.launcher.started.get(0));
        String atTheLimit = "x".repeat(1 + TaskOverrides.MAX_OVERRIDE_CHARS - withOneCharacter);

        // When inputs come whose notes bring them to the limit and one past it
        rig.dispatch(message("m1", rig.input("inputs/notes/b.txt", "v1", 5, Map.of("note", atTheLimit))),
                message("m2", rig.input("inputs/notes/c.txt", "v1", 5, Map.of("note", atTheLimit + "x"))));

        // Then the one at the limit runs, the other is rejected saying why
        assertThat(rig.launcher.started).hasSize(2);
        assertThat(TaskOverrides.length(rig.launcher.started.get(1))).isEqualTo(TaskOverrides.MAX_OVERRIDE_CHARS);
        assertThat(rig.record("b.txt").state()).isEqualTo(JobState.STARTING);
        assertThat(rig.record("c.txt").state()).isEqualTo(JobState.FAILED);
        assertThat(rig.record("c.txt").reason()).isEqualTo("rejected: the job's values (key, parameters, command) exceed"
                + " the 8192 characters ECS allows for a task's overrides");
    }

    // ------------------------------------------------------------------ jobs named by id

    @Test
    void dispatch_messageNamingAWaitingJob_startsItOnceThereIsRoom() {
        // Given a chain's step that found no room, its message gone back to the queue
        JobRecord waiting = recorded("inputs/count/a.txt", new JobEvent.WaitingForCapacity("no room"));
        rig.instance("ci-1", 4096, 8192);

        // When its message comes again and an instance has room
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(jobMessage("m1", waiting.id()));

        // Then its first attempt starts
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).singleElement().satisfies(start -> {
            assertThat(start.jobId()).isEqualTo(waiting.id());
            assertThat(start.attempt()).isEqualTo(1);
        });
        assertThat(rig.jobs.get(waiting.id()).orElseThrow().state()).isEqualTo(JobState.STARTING);
    }

    @Test
    void dispatch_messageNamingAJobStillStarting_waitsForItsTaskWithinTheGrace() {
        // Given a job whose start was asked for 20 s ago, and whose task ECS does not show yet
        JobRecord starting = recorded("inputs/count/a.txt", new JobEvent.StartRequested("ci-1"));
        rig.instance("ci-1", 4096, 8192);
        rig.now = rig.now.plusSeconds(20);

        // When a second message names it (a message sent twice)
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(jobMessage("m1", starting.id()));

        // Then nothing starts a second task: the message comes back once the start may have happened
        assertThat(rig.launcher.started).isEmpty();
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Wait(60, "its start may still be under way"));
        assertThat(rig.jobs.get(starting.id()).orElseThrow()).isEqualTo(starting);
    }

    @Test
    void dispatch_messageNamingARunningOrFinishedJob_startsNothingAndReadsNoInput() {
        // Given a job that runs and one that succeeded, both with their inputs in place
        JobRecord running = recorded("inputs/count/a.txt", new JobEvent.StartRequested("ci-1"),
                JobEvent.TaskRunning.onEcs(new TaskRun(1, "arn:task/1", 3, "RUNNING", null, null, null, null, null)));
        JobRecord succeeded = recorded("inputs/count/b.txt", new JobEvent.StartRequested("ci-1"),
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()));
        rig.instance("ci-1", 4096, 8192);
        int writes = rig.jobs.writes();

        // When messages name them again
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(jobMessage("m1", running.id()),
                jobMessage("m2", succeeded.id()));

        // Then they are duplicates: no start, no write, not even a look at their inputs
        assertThat(verdicts.values()).containsOnly(new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).isEmpty();
        assertThat(rig.jobs.writes()).isEqualTo(writes);
        assertThat(rig.inputs.asked()).isEmpty();
    }

    @Test
    void dispatch_retryAfterTheAlgorithmChanged_namesBothRevisions() {
        // Given a job made for one revision of its algorithm, queued for a retry
        JobRecord queued = recorded("inputs/count/a.txt");
        String before = queued.revision();
        rig.instance("ci-1", 4096, 8192);

        // When the algorithm has a new revision by the time the retry comes
        String after = rig.registry.register(COUNT.replace("\"retries\": 2", "\"retries\": 5"));
        rig.dispatch(jobMessage("m1", queued.id()));

        // Then the job fails, naming the revision it was made for and the one there is now
        assertThat(rig.launcher.started).isEmpty();
        assertThat(rig.jobs.get(queued.id()).orElseThrow().reason()).isEqualTo("rejected: algorithm 'count' changed"
                + " since this job was made (its revision was " + before.substring(0, 12) + ", now "
                + after.substring(0, 12) + "): a job runs only the revision it was made for; upload its input again to"
                + " run the new one");
    }

    /** A job of count for this input (stored at v1), as the events leave it, in the store. */
    JobRecord recorded(String key, JobEvent... events) {
        String revision = rig.registry.algorithms.containsKey("count") ? rig.registry.algorithms.get("count").sha256()
                : rig.registry.register(COUNT);
        StorageEvent input = rig.input(key, "v1", 5);
        JobRecord record = JobFixtures.queued(JobFixtures.job(input.object().uri(), "v1", "count", revision, 3)
                .withOutput("s3://" + DispatchFixture.OUT + "/outputs/count/" + key.substring(key.lastIndexOf('/') + 1)
                        + "/"), rig.now);
        if (events.length > 0) {
            record = JobFixtures.after(record, rig.now, events);
        }
        rig.jobs.create(record);
        return record;
    }
}
