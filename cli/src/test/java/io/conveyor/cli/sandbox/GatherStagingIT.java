package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.EcsContainerScheduler;
import io.conveyor.aws.S3GatherFolders;
import io.conveyor.config.Environment;
import io.conveyor.dispatch.TaskOverrides;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.registration.RegistrationOutcome;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.tasks.TaskStateChange;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.JobFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A gather's task on the sandbox's agent: members' outputs copied into the gather's folder by {@link S3GatherFolders},
 * the task started with the overrides dispatch makes for a folder input, its stage-in (the registered script with the
 * AWS CLI, or the SDK) staging the folder into {@code CONVEYOR_INPUT_DIR}, and the bundled {@code concatenate} joining it.
 */
@AwsEmulator
class GatherStagingIT {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final PipelinePlace GATHER = new PipelinePlace("text-report", "rev-1", "b1", "report", Map.of());

    @TempDir
    Path work;

    static String concatenate() throws IOException {
        return Files.readString(WrappedTasks.HOME.resolve("algorithms/concatenate.json"));
    }

    /** A succeeded member of step {@code count} with one output file, written to the output bucket. */
    static JobRecord member(FleetRig rig, String input, String file, String text) {
        NewJob job = JobFixtures.job("s3://" + FleetRig.IN + "/inputs/text-report/b1/" + input, "v1", "word-count", "r1", 1)
                .withPlace(new PipelinePlace("text-report", "rev-1", "b1", "count", Map.of()));
        String prefix = BucketLayout.outputPrefix("word-count", "text-report/b1/" + input, job.id());
        job = job.withOutput("s3://" + FleetRig.OUT + "/" + prefix);
        rig.s3.putObject(r -> r.bucket(FleetRig.OUT).key(prefix + file), RequestBody.fromString(text));
        JobRecord running = JobFixtures.after(JobFixtures.queued(job, T0), T0, new JobEvent.StartRequested("ci-1"),
                JobEvent.TaskRunning.asProcess(1, 42, T0.toString()));
        return JobFixtures.after(running, T0.plusSeconds(5), JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded())
                .withOutput(new JobEvent.Output(job.output(), List.of(file))));
    }

    /** Starts the gather's task as dispatch does for a folder input; its stopped event. */
    static TaskStateChange runGather(FleetRig rig, String folderUri, String jobId) throws IOException {
        RegistrationOutcome registered = rig.register(concatenate());
        String instance = rig.launchRegistered("m6i.large");
        TaskStart start = TaskOverrides.of(jobId, 1, registered.taskDefinitionArn(), rig.containerInstanceOf(instance),
                WrappedTasks.descriptor(concatenate()), ObjectRef.parse(folderUri), NewJob.GATHER_INPUT_VERSION,
                "s3://" + FleetRig.OUT + "/outputs/text-report/b1/report/" + jobId + "/", Map.of());
        assertThat(new EcsContainerScheduler(rig.gapped.ecs(), rig.gapped.ecsWithoutRetries(), FleetRig.CLUSTER)
                .start(List.of(start)).get(0)).isInstanceOf(TaskStart.Result.Started.class);
        List<JsonNode> events = FleetRig.events(rig.sqs, rig.taskEventsQueue, Duration.ofSeconds(90), EcsAgentIT::stopped);
        return EcsTaskEvents.parse(events.get(events.size() - 1).toString());
    }

    void gathersEveryMember(Emulator emulator, boolean awsCli) throws IOException {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, awsCli)) {
            // Given three members' outputs (one name with a space, a quote and a command substitution) in the folder
            List<JobRecord> members = List.of(member(rig, "a.txt", "count.txt", "3\n"),
                    member(rig, "b.txt", "it's $(id) b.txt", "5\n"), member(rig, "c.txt", "count.txt", "7\n"));
            member(rig, "late.txt", "count.txt", "99\n");
            String folder = new S3GatherFolders(rig.s3, FleetRig.OUT).fill("text-report", "b1", "report", members);
            String jobId = NewJob.of(new NewJob.JobInput(folder, NewJob.GATHER_INPUT_VERSION),
                    new NewJob.AlgorithmRevision("concatenate", "r1", 2)).withPlace(GATHER).id();

            // When the gather's task runs
            TaskStateChange stopped = runGather(rig, folder, jobId);

            // Then every container succeeded and the report holds each member's file, and nothing else
            assertThat(stopped.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                    .containsExactly("stage-in=0", "algorithm=0", "stage-out=0");
            String report = rig.object("outputs/text-report/b1/report/" + jobId + "/report.txt");
            assertThat(report.lines().toList()).containsExactlyInAnyOrder(
                    "== ./" + members.get(0).id() + "/count.txt", "3",
                    "== ./" + members.get(1).id() + "/it's $(id) b.txt", "5",
                    "== ./" + members.get(2).id() + "/count.txt", "7");
            assertThat(report.lines().filter(line -> line.startsWith("== "))).hasSize(3);
            assertThat(report).doesNotContain("\n99\n");
        }
    }

    @Test
    void gatherTask_withTheAwsCli_stagesEveryMembersOutputIntoTheInputDir(Emulator emulator) throws IOException {
        gathersEveryMember(emulator, LocalContainers.awsCliInstalled(Environment.system()));
    }

    @Test
    void gatherTask_throughTheSdk_stagesEveryMembersOutputIntoTheInputDir(Emulator emulator) throws IOException {
        gathersEveryMember(emulator, false);
    }

    void keepsHostileKeysInside(Emulator emulator, boolean awsCli) throws IOException {
        try (FleetRig rig = new FleetRig(emulator, work, Duration.ZERO, awsCli)) {
            // Given a folder holding hostile keys written by hand (keys with '..' segments, ';' or a newline cannot be
            // stored on moto_server, which answers 404; StageScriptsTest and S3GatherFoldersTest cover those)
            String prefix = BucketLayout.gatherFolderKey("text-report", "b1", "report");
            List<String> names = List.of("m1/a b.txt", "m1/it's \"q\".txt", "m1/$(touch pwned).txt", "m2/`id` & x.txt");
            for (String name : names) {
                rig.s3.putObject(r -> r.bucket(FleetRig.OUT).key(prefix + name), RequestBody.fromString(name + "\n"));
            }
            String jobId = "job-0123456789abcdef01234567";

            // When its gather's task runs
            TaskStateChange stopped = runGather(rig, "s3://" + FleetRig.OUT + "/" + prefix, jobId);

            // Then each key became one file of the report, under its own name, and no command ran
            assertThat(stopped.containers()).extracting(c -> c.name() + "=" + c.exitCode())
                    .containsExactly("stage-in=0", "algorithm=0", "stage-out=0");
            String report = rig.object("outputs/text-report/b1/report/" + jobId + "/report.txt");
            for (String name : names) {
                assertThat(report).contains("== ./" + name + "\n" + name + "\n");
            }
            assertThat(report.lines().filter(line -> line.startsWith("== "))).hasSize(names.size());
            try (Stream<Path> files = Files.walk(work)) {
                assertThat(files.map(Path::getFileName).map(String::valueOf)).doesNotContain("pwned");
            }
            assertThat(Path.of("pwned")).doesNotExist();
        }
    }

    @Test
    void gatherTask_hostileKeysWithTheAwsCli_eachLandsInsideTheFolder(Emulator emulator) throws IOException {
        keepsHostileKeysInside(emulator, LocalContainers.awsCliInstalled(Environment.system()));
    }

    @Test
    void gatherTask_hostileKeysThroughTheSdk_eachLandsInsideTheFolder(Emulator emulator) throws IOException {
        keepsHostileKeysInside(emulator, false);
    }
}
