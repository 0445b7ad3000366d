package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/**
 * The pipeline end to end on the sandbox, driven as a person would: descriptors and inputs
 * uploaded to the input bucket, records and outputs read from the output bucket. Nothing is invoked
 * by hand and no event is made up, but for the duplicate notifications (as S3 may send them).
 */
class SandboxPipelineIT {

    static SandboxRun run;

    @BeforeAll
    static void start() throws Exception {
        // Stage-in and stage-out through the SDK: the AWS CLI's start (about 1.5 s of CPU each) would make
        // these 60 jobs minutes long; EcsAgentIT runs the registered stage scripts with the CLI.
        run = SandboxRun.start("pipeline", Map.of(), Sandbox.Staging.SDK);
        for (Path descriptor : descriptors()) {
            run.register(descriptor);
        }
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    static List<Path> descriptors() throws java.io.IOException {
        // Descriptors first: a pipeline is accepted only once the algorithms it names are registered.
        try (Stream<Path> files = Files.list(SandboxRun.HOME.resolve("algorithms"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted(java.util.Comparator.comparing(
                    (Path f) -> isPipeline(f)).thenComparing(java.util.Comparator.naturalOrder())).toList();
        }
    }

    private static boolean isPipeline(Path file) {
        try {
            return io.conveyor.pipeline.PipelineFiles.isPipeline(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void uploads_bundledExamples_everyJobSucceedsWithItsOutput() throws Exception {
        // Given the bundled examples registered, When their sample inputs are uploaded
        Path samples = SandboxRun.HOME.resolve("algorithms/samples");
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(samples)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String key = "inputs/" + samples.relativize(file).toString().replace('\\', '/');
                run.upload(key, Files.readAllBytes(file));
                keys.add(key);
            }
        }

        // Then each job succeeds with the output the algorithm makes, the chain's next step too (a batch's manifest is
        // no job's input: it tells the batch which files it holds)
        for (String key : keys.stream().filter(k -> !io.conveyor.pipeline.BatchRule.isBatchControl(
                k.substring(k.lastIndexOf('/') + 1))).toList()) {
            assertThat(run.awaitEnded(key).state()).as(key).isEqualTo(JobState.SUCCEEDED);
        }
        JobRecord stats = run.awaitEnded("inputs/csv-stats/sales.csv");
        assertThat(run.output(stats, "stats.csv")).startsWith("column,count,min,max,mean\nmonth,48,1,12,6.50\n");
        JobRecord upper = run.awaitEnded("inputs/uppercase/field notes.txt");
        assertThat(run.output(upper, "field notes.txt")).startsWith("CONVEYOR RUNS CONTAINERIZED");
        assertThat(upper.children()).hasSize(1);
        SandboxRun.await("the chain's next step", Duration.ofSeconds(120), () -> run.jobs.get(upper.children().get(0))
                .map(child -> child.state() == JobState.SUCCEEDED).orElse(false));
        JobRecord child = run.jobs.get(upper.children().get(0)).orElseThrow();
        assertThat(child.algorithm()).isEqualTo("word-count");
        assertThat(child.parent()).isEqualTo(upper.id());
        assertThat(run.output(run.awaitEnded("inputs/archive/readme.md"), "Result-archive-readme.md")).startsWith("# Archived");

        // And the text-report pipeline's batch, complete once its manifest and both files are in: each file counted,
        // then one gather over the counts' folder on the AWS path (task-events told the batch, the gather's task staged
        // the folder), whose report holds both counts
        String folder = "s3://" + run.outputBucket() + "/batches/text-report/week-1/report/";
        SandboxRun.await("the batch's gather", Duration.ofSeconds(180), () -> run.records().stream()
                .anyMatch(job -> job.input().equals(folder) && job.state().terminal()));
        List<JobRecord> gathers = run.records().stream().filter(job -> job.input().equals(folder)).toList();
        assertThat(gathers).singleElement().satisfies(gather -> {
            assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(gather.algorithm()).isEqualTo("concatenate");
            assertThat(gather.pipeline().step()).isEqualTo("report");
            assertThat(run.output(gather, "report.txt")).contains("notes.txt", "todo.txt");
        });
    }

    @Test
    void uploads_fiftyInputsWithOddKeys_eachSucceedsUnderItsOwnOutput() throws Exception {
        List<String> names = new ArrayList<>(List.of("a b.txt", "a+b.txt", "100%.txt", "100%25.txt",
                Normalizer.normalize("café.txt", Normalizer.Form.NFC), Normalizer.normalize("café.txt", Normalizer.Form.NFD),
                "日本語/データ.txt", "deep/er/still.txt", "quote'd.txt", "semi;colon.txt"));
        for (int i = names.size(); i < 50; i++) {
            names.add("many/file-" + i + ".txt");
        }
        for (int i = 0; i < names.size(); i++) {
            run.upload("inputs/word-count/odd/" + names.get(i), ("word " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }

        SandboxRun.await("50 jobs over", Duration.ofSeconds(240), () -> run.records().stream()
                .filter(job -> job.input().contains("/inputs/word-count/odd/") && job.state().terminal()).count() == 50);
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            JobRecord job = run.awaitEnded("inputs/word-count/odd/" + names.get(i));
            assertThat(job.state()).as(names.get(i)).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.output()).contains("/outputs/word-count/odd/");
            outputs.add(job.output());
        }
        assertThat(outputs).doesNotHaveDuplicates().hasSize(50);
    }

    @Test
    void notifications_oneUploadNotifiedFiveTimes_runsOneTask() throws Exception {
        // Given one upload, and its notification sent four more times, as S3 may deliver it
        String key = "inputs/word-count/five-times.txt";
        run.upload(key, "one two\n".getBytes(StandardCharsets.UTF_8));
        String queue = run.sandbox.stack().physicalId("JobsQueue");
        try (var sqs = run.sandbox.emulator().sqs()) {
            for (int i = 0; i < 4; i++) {
                sqs.sendMessage(r -> r.queueUrl(queue).messageBody(run.notification(key)));
            }
        }

        // Then one job, one task
        JobRecord job = run.awaitEnded(key);
        Thread.sleep(3000);
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.records().stream().filter(j -> j.input().endsWith("/five-times.txt")).count()).isEqualTo(1);
        try (EcsClient ecs = run.sandbox.emulator().ecs()) {
            int tasks = 0;
            for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                tasks += ecs.listTasks(r -> r.cluster(run.sandbox.stack().clusterName())
                        .startedBy(new JobTask(job.id(), 1).startedBy()).desiredStatus(status)).taskArns().size();
            }
            assertThat(tasks).isEqualTo(1);
        }
        assertThat(job.tasks()).hasSize(1);
    }

    @Test
    void uploads_failingAlgorithm_isRetriedThenFailsWithItsReason() throws Exception {
        run.register("fails.json", """
                {"name": "fails", "image": "busybox:1.36", "retries": 1,
                 "command": ["sh", "-c", "echo 'no such column: total' >&2; exit 3"],
                 "resources": {"vcpu": 0.25, "memoryMiB": 128}}""");

        run.upload("inputs/fails/data.csv", "a,b\n".getBytes(StandardCharsets.UTF_8));

        JobRecord job = run.awaitEnded("inputs/fails/data.csv");
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.reason()).isEqualTo("exit code 3");
        assertThat(job.exitCode()).isEqualTo(3);
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.tasks()).hasSize(2).allSatisfy(task -> assertThat(task.exitCodes()).containsEntry("algorithm", 3));
    }
}
