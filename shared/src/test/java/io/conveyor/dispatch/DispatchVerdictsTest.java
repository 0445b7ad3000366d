package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.StorageEvent;
import io.conveyor.testing.JobFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What becomes of each queue message when its jobs fare differently, and when a collaborator fails:
 * a failure outweighs a wait, which outweighs done; of two waits the shorter wins; a job is never
 * started twice.
 */
class DispatchVerdictsTest {

    /** Fits an instance of 1024 CPU units and 2048 MiB. */
    static final String SMALL = """
            {"name": "small", "image": "busybox:1.36", "command": ["run"],
             "resources": {"vcpu": 1, "memoryMiB": 2048}}""";
    /** Does not. */
    static final String BIG = """
            {"name": "big", "image": "busybox:1.36", "command": ["run"],
             "resources": {"vcpu": 1, "memoryMiB": 4096}}""";

    final DispatchFixture rig = new DispatchFixture();

    @Test
    void dispatch_messageWhoseJobsWaitDifferently_comesBackAfterTheShorterWait() {
        // Given room for the small job only, a start ECS refuses for now, and no capacity to be had
        rig.registry.register(SMALL);
        rig.registry.register(BIG);
        rig.instance("ci-1", 1024, 2048);
        rig.launcher.script.add(new TaskStart.Result.Refused("RESOURCE:MEMORY on ci-1", true));
        rig.leaseTaken = true;

        // When one message names both jobs, another the big one alone
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(
                message("both", rig.input("inputs/small/a.txt", "v1", 5), rig.input("inputs/big/b.txt", "v1", 5)),
                message("big", rig.input("inputs/big/c.txt", "v1", 5)));

        // Then the message of both comes back after the refused start's short wait, the other after the long one
        assertThat(verdicts).containsEntry("both", new Dispatcher.Verdict.Wait(10, "RESOURCE:MEMORY on ci-1"))
                .containsEntry("big", new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
    }

    @Test
    void dispatch_longerWaitSettledBeforeAShorterOne_comesBackAfterTheShorter() {
        // Given room for both jobs: ECS's answer to the big one's start is lost, the small one's is refused for now
        rig.registry.register(SMALL);
        rig.registry.register(BIG);
        rig.instance("ci-1", 4096, 8192);
        rig.launcher.script.add(new TaskStart.Result.Unknown("ServerException (HTTP 500)"));
        rig.launcher.script.add(new TaskStart.Result.Refused("RESOURCE:CPU on ci-1", true));

        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5),
                rig.input("inputs/big/b.txt", "v1", 5)));

        // Then (the big one placed first) the message comes back after the refused start's shorter wait
        assertThat(rig.launcher.started).extracting(start -> start.tags().get(TaskDefinitionWrapper.TAG_ALGORITHM))
                .containsExactly("big", "small");
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Wait(10, "RESOURCE:CPU on ci-1"));
    }

    @Test
    void dispatch_jobWhoseRecordCannotBeWrittenBeforeOneThatWaits_failsTheirMessage() {
        // Given no room anywhere, and a job record S3 will not take
        rig.registry.register(SMALL);
        rig.store = rig.failingFor(record -> record.input().endsWith("bad.txt"));
        rig.leaseTaken = true;

        // When one message names that job and another that waits
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", rig.input("inputs/small/bad.txt", "v1", 5),
                rig.input("inputs/small/good.txt", "v1", 5)));

        // Then the message goes back as failed (to be delivered again, and after maxReceiveCount to the DLQ)
        assertThat(verdicts.get("m1")).isInstanceOf(Dispatcher.Verdict.Failed.class);
        assertThat(((Dispatcher.Verdict.Failed) verdicts.get("m1")).reason()).startsWith("S3 said 500 for job-");
        assertThat(rig.record("good.txt").state()).isEqualTo(JobState.WAITING_FOR_CAPACITY);
    }

    @Test
    void dispatch_jobThatWaitsBeforeOneWhoseRecordCannotBeWritten_failsTheirMessage() {
        // Given room for the small job, whose start ECS refuses for now, and a big job whose record S3 will not take
        rig.registry.register(SMALL);
        rig.registry.register(BIG);
        rig.instance("ci-1", 1024, 2048);
        rig.launcher.script.add(new TaskStart.Result.Refused("RESOURCE:MEMORY on ci-1", true));
        rig.store = rig.failingFor(record -> record.algorithm().equals("big"));

        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5),
                rig.input("inputs/big/b.txt", "v1", 5)));

        assertThat(verdicts.get("m1")).isInstanceOf(Dispatcher.Verdict.Failed.class);
        assertThat(rig.record("a.txt").state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void dispatch_clusterUnreadable_sendsBackEveryMessageWithWorkAndOnlyThose() {
        // Given ECS that cannot say what the cluster has
        rig.registry.register(SMALL);
        rig.clusterReader = () -> {
            throw new IllegalStateException("ThrottlingException: Rate exceeded");
        };

        // When a runnable input and an input of no algorithm come
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("work", rig.input("inputs/small/a.txt", "v1", 5)),
                message("rejected", rig.input("inputs/nope/a.txt", "v1", 5)));

        // Then the runnable one comes again later; the rejection is recorded and done
        assertThat(verdicts).containsEntry("work", new Dispatcher.Verdict.Failed("ThrottlingException: Rate exceeded"))
                .containsEntry("rejected", new Dispatcher.Verdict.Done());
        assertThat(rig.jobs.all()).extracting(JobRecord::algorithm).containsExactly("nope");
    }

    @Test
    void dispatch_launcherThrows_leavesTheJobStartingAndLooksForItsTaskLater() {
        // Given ECS's RunTask call failing without an answer
        rig.registry.register(SMALL);
        rig.instance("ci-1", 1024, 2048);
        rig.starter = new TaskLauncher() {
            @Override
            public List<TaskStart.Result> start(List<TaskStart> starts) {
                throw new IllegalStateException("connection reset");
            }

            @Override
            public boolean anyTaskStartedBy(String startedBy) {
                return false;
            }
        };

        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5)));

        // Then the task may exist: the record stays STARTING and the message comes back after the grace
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Wait(60,
                "the start's outcome is unknown (connection reset): the next delivery looks for its task"));
        assertThat(rig.record("a.txt").state()).isEqualTo(JobState.STARTING);
        assertThat(rig.record("a.txt").attempt()).isEqualTo(1);
    }

    @Test
    void dispatch_retryTakenByAnotherDispatchMeanwhile_startsNoSecondTask() {
        // Given a job queued for its next attempt, which another dispatch places between this one's read and write
        String revision = rig.registry.register(SMALL);
        rig.instance("ci-1", 1024, 2048);
        StorageEvent input = rig.input("inputs/small/a.txt", "v1", 5);
        JobRecord queued = JobFixtures.queued(JobFixtures.job(input.object().uri(), "v1", "small", revision, 1)
                .withOutput("s3://conveyor-out/outputs/small/a.txt/x/"), rig.now);
        rig.jobs.create(queued);
        rig.store = new RacingStore(() -> rig.jobs.overwrite(JobFixtures.after(rig.jobs.get(queued.id()).orElseThrow(),
                rig.now, new JobEvent.StartRequested("ci-other"))));

        // When its message comes
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(jobMessage("m1", queued.id()));

        // Then the other dispatch's start stands and none is made here
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).isEmpty();
        assertThat(rig.jobs.get(queued.id()).orElseThrow().placedOn()).isEqualTo("ci-other");
    }

    @Test
    void dispatch_eventRedeliveredAfterItsJobRan_startsNothing() {
        // Given an input whose job started and runs
        rig.registry.register(SMALL);
        rig.instance("ci-1", 1024, 2048);
        StorageEvent event = rig.input("inputs/small/a.txt", "v1", 5);
        rig.dispatch(message("m1", event));
        JobRecord running = JobFixtures.after(rig.record("a.txt"), rig.now,
                JobEvent.TaskRunning.onEcs(new TaskRun(1, "arn:task/1", 3, "RUNNING", null, null, null, null, null)));
        rig.jobs.overwrite(running);

        // When S3 delivers its event once more
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m2", event));

        // Then it is a duplicate
        assertThat(verdicts).containsEntry("m2", new Dispatcher.Verdict.Done());
        assertThat(rig.launcher.started).hasSize(1);
        assertThat(rig.record("a.txt")).isEqualTo(running);
    }

    @Test
    void dispatch_leaseAboutToRunOutWhileAnInstanceBoots_waitsForThatInstance() {
        // Given an instance on its way, and a lease with less than its margin left
        rig.registry.register(SMALL);
        rig.fleet.instances.add(new FleetInstance("i-p", "m6i.large", FleetInstance.State.PENDING));
        rig.leaseLength = Duration.ofSeconds(10);

        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(message("m1", rig.input("inputs/small/a.txt", "v1", 5)));

        // Then nothing is to be launched, so the short lease does not matter: the job waits for that instance
        assertThat(rig.fleet.calls).isEmpty();
        assertThat(verdicts).containsEntry("m1", new Dispatcher.Verdict.Wait(30, CapacityRequests.ASKED));
    }

    /** The fixture's job store, where something else writes once, just before the first replace. */
    final class RacingStore implements JobStore {
        private Runnable meanwhile;

        RacingStore(Runnable meanwhile) {
            this.meanwhile = meanwhile;
        }

        @Override
        public Optional<JobRecord> get(String id) {
            return rig.jobs.get(id);
        }

        @Override
        public Optional<Versioned> read(String id) {
            return rig.jobs.read(id);
        }

        @Override
        public boolean create(JobRecord record) {
            return rig.jobs.create(record);
        }

        @Override
        public boolean replace(JobRecord record, String version) {
            if (meanwhile != null) {
                meanwhile.run();
                meanwhile = null;
            }
            return rig.jobs.replace(record, version);
        }

        @Override
        public List<JobRecord> all() {
            return rig.jobs.all();
        }

        @Override
        public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
            return rig.jobs.list(query);
        }
    }
}
