package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.CloudWatchJobLogs;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.registration.ObjectStoreRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The job commands' ports on the sandbox, with records made by the real handlers: a job's container
 * output read back through {@link CloudWatchJobLogs} from the streams its record names, and a running
 * job cancelled through {@link JobOperations}, its task stopped and never retried.
 */
class SandboxJobOperationsIT {

    static SandboxRun run;

    @BeforeAll
    static void start() throws Exception {
        run = SandboxRun.start("operations", Map.of(), Sandbox.Staging.SDK);
        run.register("talks.json", """
                {"name": "talks", "image": "busybox:1.36",
                 "command": ["sh", "-c", "echo counting \\"$CONVEYOR_INPUT\\"; wc -w < \\"$CONVEYOR_INPUT\\"; echo done >&2"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");
        run.register("slow.json", """
                {"name": "slow", "image": "busybox:1.36", "retries": 2,
                 "command": ["sh", "-c", "echo begun; sleep 300"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void logs_succeededJob_readsEachContainersOutputFromTheStreamsItsRecordNames() throws Exception {
        // Given a job that ran to its end on the sandbox
        run.upload("inputs/talks/three.txt", "one two three\n".getBytes(StandardCharsets.UTF_8));
        JobRecord job = run.awaitEnded("inputs/talks/three.txt");
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);

        // When its algorithm's log is read through the task log group
        try (var logs = run.sandbox.emulator().logs()) {
            CloudWatchJobLogs reader = new CloudWatchJobLogs(logs, run.sandbox.stack().physicalId("TaskLogGroup"));
            JobLogs.Page algorithm = reader.read(job, 1, "algorithm", null);
            JobLogs.Page again = reader.read(job, 1, "algorithm", algorithm.cursor());

            // Then the record named its stream, and the algorithm's stdout then stderr are there, once
            assertThat(job.task(1).orElseThrow().logStreams()).containsEntry("algorithm",
                    "talks/algorithm/" + TaskState.taskId(job.task(1).orElseThrow().taskArn()));
            assertThat(algorithm.found()).isTrue();
            assertThat(algorithm.lines()).hasSize(3).endsWith("3", "done");
            assertThat(algorithm.lines().get(0)).as("the sandbox's volume lies in its work folder")
                    .startsWith("counting /").endsWith("/input/three.txt");
            assertThat(again.lines()).isEmpty();
            assertThat(reader.read(job, 2, "algorithm", null).found()).as("no attempt 2").isFalse();
        }
    }

    @Test
    void cancel_runningJob_stopsItsTaskAndItIsNeverRetried() throws Exception {
        // Given a job whose algorithm runs for minutes, and retries left
        run.upload("inputs/slow/a.txt", "x\n".getBytes(StandardCharsets.UTF_8));
        JobRecord running = run.awaitJob("inputs/slow/a.txt", job -> job.state() == JobState.RUNNING,
                Duration.ofSeconds(120));

        // When alice cancels it
        JobOperations.Outcome outcome;
        try (EcsClient ecs = run.sandbox.emulator().ecs(); var sqs = run.sandbox.emulator().sqs()) {
            JobOperations operations = new JobOperations(run.jobs, new SqsJobQueue(sqs,
                    run.sandbox.stack().physicalId("JobsQueue")), new EcsRunningAttempts(ecs,
                    run.sandbox.stack().clusterName()), new ObjectStoreRegistry(new S3ObjectStore(run.s3), run.outputBucket()),
                    Clock.systemUTC());
            outcome = operations.cancel(running.id(), "alice", "wrong input");
        }

        // Then the record is CANCELLED with who and why, its task stops, and its STOPPED event changes nothing
        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(outcome.message()).isEqualTo("cancelled (was RUNNING); its task (attempt 1) was asked to stop");
        String taskArn = running.task(1).orElseThrow().taskArn();
        try (EcsClient ecs = run.sandbox.emulator().ecs()) {
            SandboxRun.await("the cancelled task stopped", Duration.ofSeconds(60), () -> "STOPPED".equals(ecs
                    .describeTasks(r -> r.cluster(run.sandbox.stack().clusterName()).tasks(taskArn)).tasks().get(0)
                    .lastStatus()));
            assertThat(ecs.describeTasks(r -> r.cluster(run.sandbox.stack().clusterName()).tasks(taskArn)).tasks().get(0)
                    .stoppedReason()).isEqualTo("Conveyor: cancelled by alice: wrong input");
        }
        Thread.sleep(3000);
        JobRecord after = run.jobs.get(running.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.CANCELLED);
        assertThat(after.reason()).isEqualTo("cancelled by alice: wrong input");
        assertThat(after.attempt()).isEqualTo(1);
    }
}
