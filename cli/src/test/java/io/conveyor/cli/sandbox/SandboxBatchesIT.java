package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.S3BatchStore;
import io.conveyor.batch.BatchGather;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.json.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Batches on the AWS path, each case in its own pipeline, all uploaded at once so their waits overlap: a manifest
 * batch of 20 files, a fan-out over parameter sets closed by a marker, a quiet period, a manifest naming a file that
 * never comes, and a failed member under {@code onMemberFailure: fail} and {@code skip}. Dispatch tells each file and
 * control file to its batch, delayed {@code conveyorBatch} messages tick it (a sandbox minute lasts 3 s here, the
 * messages' delays too), task-events tell the members' ends, and the gathers' tasks stage their folders.
 */
class SandboxBatchesIT {

    private static final String GATHER = "join";
    /** How long a case may take: every gather had ended 140 s after the uploads on two cores under a load of 20. */
    private static final Duration WITHIN = Duration.ofSeconds(300);

    static SandboxRun run;
    static BatchStore batches;

    @BeforeAll
    static void start() throws Exception {
        run = SandboxRun.start("batches", Map.of(), Sandbox.Staging.SDK);
        batches = new S3BatchStore(run.s3, run.outputBucket());
        Path resources = resources();
        // Descriptors first: a pipeline is accepted only once the algorithms it names are registered.
        register(resources, List.of("sbx-tag.json", "sbx-join.json"));
        register(resources, List.of("sbx-manifest.json", "sbx-marker.json", "sbx-quiet.json", "sbx-missing.json",
                "sbx-fail.json", "sbx-skip.json"));

        // Every case's batch at once, through the SDK (the AWS CLI's start would take longer than the batches'
        // quiet period and deadline); control files after the files, as an uploader would send them.
        List<String> twenty = IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("f-%02d.txt", i)).toList();
        for (String name : twenty) {
            put("sbx-manifest/week-1/" + name, "member " + name);
        }
        put("sbx-manifest/week-1/_manifest.json", manifest(twenty));
        put("sbx-marker/run-1/x.txt", "x");
        put("sbx-marker/run-1/y.txt", "y");
        put("sbx-marker/run-1/_COMPLETE", "");
        put("sbx-quiet/day-1/q1.txt", "q1");
        put("sbx-quiet/day-1/q2.txt", "q2");
        put("sbx-missing/lot-1/a.txt", "a");
        put("sbx-missing/lot-1/b.txt", "b");
        put("sbx-missing/lot-1/_manifest.json", manifest(List.of("a.txt", "b.txt", "never.txt")));
        for (String pipeline : List.of("sbx-fail", "sbx-skip")) {
            put(pipeline + "/lot-1/a.txt", "a");
            put(pipeline + "/lot-1/b.txt", "FAIL");
            put(pipeline + "/lot-1/c.txt", "c");
            put(pipeline + "/lot-1/_COMPLETE", "");
        }
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void manifestBatch_twentyFiles_oneGatherSeesEveryMember() throws Exception {
        // Given 20 files and the manifest listing them (uploaded in start()), When the gather has ended
        JobRecord gather = awaitGatherEnded("sbx-manifest", "week-1");

        // Then each file was one tag job that succeeded, and the one gather took all 20 outputs
        List<JobRecord> tags = jobs("sbx-manifest", "tag");
        assertThat(tags).hasSize(20).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        BatchRecord batch = batch("sbx-manifest", "week-1");
        assertThat(batch.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(batch.gathers().get(GATHER).taken()).containsExactlyInAnyOrderElementsOf(ids(tags));
        assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(gather.id()).isEqualTo(batch.gathers().get(GATHER).jobId());
        assertThat(run.output(gather, "joined.txt").lines().sorted().toList()).isEqualTo(IntStream.rangeClosed(1, 20)
                .mapToObj(i -> String.format("f-%02d.txt plain", i)).toList());
    }

    @Test
    void markerBatch_fanOutOverThreeSets_oneJobPerFileAndSetThenOneGather() throws Exception {
        // Given two files fanned out over three parameter sets and the batch's _COMPLETE marker
        JobRecord gather = awaitGatherEnded("sbx-marker", "run-1");

        // Then six jobs, each with its set's value, which reached the algorithm; one gather over all six
        List<JobRecord> tags = jobs("sbx-marker", "tag");
        assertThat(tags).hasSize(6).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        List<String> lines = new ArrayList<>();
        for (JobRecord tag : tags) {
            String name = tag.input().substring(tag.input().lastIndexOf('/') + 1);
            String label = tag.pipeline().parameters().get("LABEL");
            assertThat(run.output(tag, "tag.txt")).isEqualTo(name + " " + label + "\n");
            lines.add(name + " " + label);
        }
        assertThat(lines).containsExactlyInAnyOrder("x.txt red", "x.txt green", "x.txt blue",
                "y.txt red", "y.txt green", "y.txt blue");
        BatchRecord batch = batch("sbx-marker", "run-1");
        assertThat(batch.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(batch.markerAt()).isNotNull();
        assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.output(gather, "joined.txt").lines().toList()).containsExactlyInAnyOrderElementsOf(lines);
    }

    @Test
    void quietBatch_noFileForItsPeriod_completesThenGathers() throws Exception {
        // Given two files and no more, When the gather has ended
        JobRecord gather = awaitGatherEnded("sbx-quiet", "day-1");

        // Then the batch completed when its quiet period after the last file was over, in sandbox time
        BatchRecord batch = batch("sbx-quiet", "day-1");
        assertThat(batch.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(Duration.between(Instant.parse(batch.lastArrivalAt()), Instant.parse(batch.endedAt())))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(jobs("sbx-quiet", "tag")).hasSize(2);
        assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.output(gather, "joined.txt").lines().sorted().toList())
                .containsExactly("q1.txt plain", "q2.txt plain");
    }

    @Test
    void manifestBatch_listedFileNeverArrives_failsAtItsDeadlineNamingIt() throws Exception {
        // Given a manifest listing never.txt, which is never uploaded
        SandboxRun.await("sbx-missing's batch to fail", WITHIN,
                () -> record("sbx-missing", "lot-1").map(b -> b.state() == BatchRecord.State.FAILED).orElse(false));

        // Then the batch failed a minute (sandbox time) after its first file, naming the missing file; no gather
        BatchRecord batch = batch("sbx-missing", "lot-1");
        assertThat(batch.reason()).contains("never.txt", "did not arrive", "deadline");
        assertThat(Duration.between(Instant.parse(batch.firstArrivalAt()), Instant.parse(batch.endedAt())))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(batch.gathers()).isEmpty();
        SandboxRun.await("sbx-missing's members", WITHIN,
                () -> jobs("sbx-missing", "tag").stream().filter(job -> job.state().terminal()).count() == 2);
        assertThat(jobs("sbx-missing", "tag")).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(jobs("sbx-missing", GATHER)).isEmpty();
    }

    @Test
    void failPolicy_oneMemberFails_gatherFailsWithItsReason() throws Exception {
        // Given three files, one of which its algorithm refuses (exit code 3), and onMemberFailure: fail
        SandboxRun.await("sbx-fail's gather decided", WITHIN,
                () -> record("sbx-fail", "lot-1").map(b -> b.gathers().containsKey(GATHER)).orElse(false));

        // Then no gather job: the decision names the failed member and its reason
        JobRecord failed = tag("sbx-fail", "b.txt");
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.reason()).isEqualTo("exit code 3");
        assertThat(List.of(tag("sbx-fail", "a.txt"), tag("sbx-fail", "c.txt")))
                .allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        BatchGather decision = batch("sbx-fail", "lot-1").gathers().get(GATHER);
        assertThat(decision.issued()).isFalse();
        assertThat(decision.failedMember()).isEqualTo(failed.id());
        assertThat(decision.reason()).isEqualTo("job " + failed.id() + " of step tag FAILED: exit code 3");
        assertThat(jobs("sbx-fail", GATHER)).isEmpty();
    }

    @Test
    void skipPolicy_oneMemberFails_gatherRunsWithoutIt() throws Exception {
        // Given the same three files under onMemberFailure: skip, When the gather has ended
        JobRecord gather = awaitGatherEnded("sbx-skip", "lot-1");

        // Then it took the two that succeeded, named the failed one as skipped, and saw only the two
        JobRecord failed = tag("sbx-skip", "b.txt");
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        BatchGather decision = batch("sbx-skip", "lot-1").gathers().get(GATHER);
        assertThat(decision.taken()).containsExactlyInAnyOrder(tag("sbx-skip", "a.txt").id(), tag("sbx-skip", "c.txt").id());
        assertThat(decision.skipped()).containsExactly(failed.id());
        assertThat(gather.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.output(gather, "joined.txt").lines().sorted().toList()).containsExactly("a.txt plain", "c.txt plain");
    }

    /** The batch's one gather job once it has ended: its decision is written first, then its job runs. */
    private static JobRecord awaitGatherEnded(String pipeline, String batch) throws InterruptedException {
        SandboxRun.await(pipeline + "'s gather to end", WITHIN, () -> jobs(pipeline, GATHER).stream()
                .anyMatch(job -> job.state().terminal()));
        List<JobRecord> gathers = jobs(pipeline, GATHER);
        assertThat(gathers).as("gathers of " + pipeline + "/" + batch).hasSize(1);
        JobRecord gather = gathers.getFirst();
        assertThat(gather.pipeline().batch()).isEqualTo(batch);
        assertThat(gather.input()).isEqualTo("s3://" + run.outputBucket() + "/batches/" + pipeline + "/" + batch + "/" + GATHER + "/");
        return gather;
    }

    private static List<JobRecord> jobs(String pipeline, String step) {
        return run.records().stream().filter(job -> job.pipeline() != null && job.pipeline().pipeline().equals(pipeline)
                && job.pipeline().step().equals(step)).toList();
    }

    private static JobRecord tag(String pipeline, String file) {
        String input = "s3://" + run.inputBucket() + "/inputs/" + pipeline + "/lot-1/" + file;
        List<JobRecord> found = jobs(pipeline, "tag").stream().filter(job -> job.input().equals(input)).toList();
        assertThat(found).as(input).hasSize(1);
        return found.getFirst();
    }

    private static List<String> ids(List<JobRecord> jobs) {
        return jobs.stream().map(JobRecord::id).collect(Collectors.toList());
    }

    private static Optional<BatchRecord> record(String pipeline, String batch) {
        return batches.read(pipeline, batch).map(BatchStore.Versioned::record);
    }

    private static BatchRecord batch(String pipeline, String batch) {
        return record(pipeline, batch).orElseThrow(() -> new AssertionError("no record of batch " + pipeline + "/" + batch));
    }

    /** Uploads the files under algorithms/ together, then waits for each one's ACCEPTED outcome. */
    private static void register(Path folder, List<String> files) throws Exception {
        for (String file : files) {
            run.s3.putObject(r -> r.bucket(run.inputBucket()).key("algorithms/" + file), folder.resolve(file));
        }
        for (String file : files) {
            SandboxRun.await(file + " ACCEPTED", Duration.ofSeconds(60), () -> accepted(file));
        }
    }

    private static boolean accepted(String file) {
        try {
            String outcome = run.s3.getObjectAsBytes(r -> r.bucket(run.outputBucket()).key("registry/outcomes/" + file))
                    .asUtf8String();
            return Json.mapper().readTree(outcome).path("status").asText().equals("ACCEPTED");
        } catch (NoSuchKeyException | IOException e) {
            return false;
        }
    }

    private static void put(String key, String text) {
        run.s3.putObject(r -> r.bucket(run.inputBucket()).key("inputs/" + key), RequestBody.fromString(text));
    }

    private static String manifest(List<String> names) {
        return names.stream().map(name -> "{\"name\": \"" + name + "\"}")
                .collect(Collectors.joining(", ", "{\"files\": [", "]}"));
    }

    private static Path resources() throws URISyntaxException {
        Path folder = Path.of(SandboxBatchesIT.class.getResource("/sandbox-batches").toURI());
        assertThat(Files.isDirectory(folder)).isTrue();
        return folder;
    }
}
