package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchRecord;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches and gathers in the local mode with real processes (sh and POSIX tools): a batch completes by its
 * manifest, its marker or a quiet period, then its gather step runs once over its members' outputs.
 */
class LocalBatchRunsTest {

    /** Writes its input in capitals to out.txt; fails (exit 3) on an input holding "boom". */
    private static final String UPPER = """
            {"name": "upper", "image": "busybox:1.36", "resources": {"vcpu": 0.25, "memoryMiB": 128},
             "command": ["sh", "-c", "grep -q boom \\"$CONVEYOR_INPUT\\" && exit 3; tr a-z A-Z < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/out.txt\\""]}""";
    /** Writes its input, a colon and its parameter K to out.txt. */
    private static final String TAG = """
            {"name": "tag", "image": "busybox:1.36", "resources": {"vcpu": 0.25, "memoryMiB": 128},
             "parameters": [{"name": "K", "required": true}],
             "command": ["sh", "-c", "printf '%s:%s\\\\n' \\"$(cat \\"$CONVEYOR_INPUT\\")\\" \\"$1\\" > \\"$CONVEYOR_OUTPUT_DIR/out.txt\\"",
                         "sh", "${K}"]}""";

    @TempDir
    Path workspace;

    private final LocalPipelineTest.Recorder recorder = new LocalPipelineTest.Recorder();

    private LocalSettings settings() throws IOException {
        Files.createDirectories(workspace.resolve("inbox"));
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms/upper.json"), UPPER);
        Files.writeString(workspace.resolve("algorithms/tag.json"), TAG);
        Path concatenate = Path.of("..", "algorithms", "concatenate.json");
        Files.copy(concatenate, workspace.resolve("algorithms/concatenate.json"));
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                2, 8192, Duration.ofMillis(50), Duration.ofMillis(20));
    }

    private LocalPipeline.Summary runOnce(LocalSettings settings, Pipeline pipeline) throws Exception {
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder,
                Clock.systemUTC(), name -> Optional.ofNullable(name.equals(pipeline.name()) ? pipeline : null))
                .run(true, () -> false);
    }

    private static Pipeline gathering(BatchRule rule, FanOut fanOut, String algorithm) {
        return new Pipeline("report", "rev-1", null, List.of(
                new Step("each", algorithm, new StepInput.BatchFiles(), fanOut, null),
                new Step("all", "concatenate", new StepInput.GatherOf("each"), null, null)), rule);
    }

    private static BatchRule rule(BatchRule.Completion completion, Duration quiet, Duration deadline,
                                  BatchRule.MemberFailure onFailure) {
        return new BatchRule(completion, quiet, deadline, onFailure);
    }

    private Path input(String relative, String content) throws IOException {
        Path file = workspace.resolve("inbox").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    /** A manifest listing each file, with its size for those named in {@code sized}. */
    private void manifest(String batch, List<String> names, List<String> sized) throws IOException {
        String files = names.stream().map(n -> sized.contains(n)
                ? "{\"name\":\"" + n + "\",\"size\":" + content(n).getBytes(StandardCharsets.UTF_8).length + "}"
                : "{\"name\":\"" + n + "\"}").collect(Collectors.joining(","));
        input("report/" + batch + "/_manifest.json", "{\"files\":[" + files + "]}");
    }

    private static String content(String name) {
        return "text of " + name.replace(".txt", "") + "\n";
    }

    private BatchRecord batch(LocalSettings settings, String batch) {
        return new FileBatchStore(settings.outbox().resolve("batches")).read("report", batch).orElseThrow().record();
    }

    private static List<JobRecord> ofStep(LocalPipeline.Summary summary, String step) {
        return summary.jobs().stream().filter(j -> j.pipeline() != null && j.pipeline().step().equals(step)).toList();
    }

    private static String report(JobRecord gather) throws IOException {
        return Files.readString(Path.of(gather.output()).resolve("report.txt"));
    }

    @Test
    void run_twentyFilesAndAManifest_gathersEveryOutputOnceInOrder() throws Exception {
        // Given a batch of 20 files and a manifest listing them (sizes for some)
        LocalSettings settings = settings();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = String.format("f%02d.txt", i);
            names.add(name);
            input("report/b1/" + name, content(name));
        }
        manifest("b1", names, names.subList(0, 5));
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MANIFEST, null, Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), null, "upper");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then 20 members succeeded and one gather ran over all of them, its report holding every output
        assertThat(ofStep(summary, "each")).hasSize(20).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
        List<JobRecord> gathers = ofStep(summary, "all");
        assertThat(gathers).singleElement().satisfies(g -> assertThat(g.state()).isEqualTo(JobState.SUCCEEDED));
        String report = report(gathers.get(0));
        for (JobRecord member : ofStep(summary, "each")) {
            assertThat(report).contains("== ./" + member.id() + "/out.txt\n" + content(Path.of(member.input())
                    .getFileName().toString()).toUpperCase());
        }
        BatchRecord record = batch(settings, "b1");
        assertThat(record.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(record.gathers().get("all").toString()).contains(gathers.get(0).id());
        // and the gather's folder holds each member's output under its job id
        assertThat(settings.outbox().resolve("batches/report/b1/all").resolve(ofStep(summary, "each").get(0).id())
                .resolve("out.txt")).exists();
    }

    @Test
    void run_rerunOfAGatheredBatch_makesNothingAgain() throws Exception {
        // Given a batch that was gathered
        LocalSettings settings = settings();
        input("report/b1/a.txt", content("a.txt"));
        input("report/b1/b.txt", content("b.txt"));
        manifest("b1", List.of("a.txt", "b.txt"), List.of());
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MANIFEST, null, Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), null, "upper");
        assertThat(ofStep(runOnce(settings, pipeline), "all")).hasSize(1);
        String recordBefore = Files.readString(settings.outbox().resolve("batches/report/b1.json"));

        // When the same inbox is run again
        LocalPipeline.Summary again = runOnce(settings, pipeline);

        // Then no job was made or run, and the batch's record is as it was
        assertThat(again.jobs()).isEmpty();
        assertThat(Files.readString(settings.outbox().resolve("batches/report/b1.json"))).isEqualTo(recordBefore);
    }

    @Test
    void run_markerAfterTheFiles_completesTheBatchAndGathers() throws Exception {
        // Given three files and a _COMPLETE marker
        LocalSettings settings = settings();
        for (String name : List.of("a.txt", "b.txt", "c.txt")) {
            input("report/m1/" + name, content(name));
        }
        input("report/m1/_COMPLETE", "");
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), null, "upper");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then the gather ran over the three members
        assertThat(ofStep(summary, "all")).singleElement().satisfies(g -> {
            assertThat(g.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(report(g)).contains("TEXT OF A", "TEXT OF B", "TEXT OF C");
        });
        assertThat(batch(settings, "m1").files()).containsOnlyKeys("a.txt", "b.txt", "c.txt");
    }

    @Test
    void run_quietPeriod_completesOnceNoFileArrivedForThePeriod() throws Exception {
        // Given two files of a batch that completes after 1 s without arrivals
        LocalSettings settings = settings();
        input("report/q1/a.txt", content("a.txt"));
        input("report/q1/b.txt", content("b.txt"));
        Pipeline pipeline = gathering(rule(BatchRule.Completion.QUIET, Duration.ofSeconds(1), Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), null, "upper");

        // When the local mode runs the inbox once
        long started = System.nanoTime();
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then the run waited for the quiet period, and the gather ran over both members
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(ofStep(summary, "all")).singleElement().satisfies(g -> assertThat(report(g))
                .contains("TEXT OF A", "TEXT OF B"));
        BatchRecord record = batch(settings, "q1");
        assertThat(record.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(java.time.Instant.parse(record.endedAt())).isEqualTo(java.time.Instant.parse(record.lastArrivalAt())
                .plusSeconds(1));
    }

    @Test
    void run_manifestNamesAFileThatNeverArrives_batchFailsAtItsDeadlineWithNoGather() throws Exception {
        // Given a manifest naming a.txt and missing.txt, only a.txt arriving, and a 2 s deadline
        LocalSettings settings = settings();
        input("report/d1/a.txt", content("a.txt"));
        manifest("d1", List.of("a.txt", "missing.txt"), List.of());
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MANIFEST, null, Duration.ofSeconds(2),
                BatchRule.MemberFailure.FAIL), null, "upper");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then the batch FAILED naming the missing file, and no gather job was made
        BatchRecord record = batch(settings, "d1");
        assertThat(record.state()).isEqualTo(BatchRecord.State.FAILED);
        assertThat(record.reason()).contains("missing.txt");
        assertThat(ofStep(summary, "all")).isEmpty();
        assertThat(ofStep(summary, "each")).hasSize(1);
    }

    @Test
    void run_memberFailsUnderFail_noGatherAndTheRecordNamesTheMember() throws Exception {
        // Given a batch of which one file makes its job fail, under onMemberFailure: fail
        LocalSettings settings = settings();
        input("report/f1/a.txt", content("a.txt"));
        input("report/f1/bad.txt", "boom\n");
        input("report/f1/_COMPLETE", "");
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), null, "upper");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then no gather job; the batch's record names the failed member and its reason
        assertThat(ofStep(summary, "all")).isEmpty();
        JobRecord bad = ofStep(summary, "each").stream().filter(j -> j.input().endsWith("bad.txt")).findFirst()
                .orElseThrow();
        assertThat(bad.state()).isEqualTo(JobState.FAILED);
        String gather = batch(settings, "f1").gathers().get("all").toString();
        assertThat(gather).contains(bad.id()).contains("exit code 3");
    }

    @Test
    void run_memberFailsUnderSkip_gatherRunsOverTheOthersAndNamesTheSkipped() throws Exception {
        // Given the same batch under onMemberFailure: skip
        LocalSettings settings = settings();
        input("report/s1/a.txt", content("a.txt"));
        input("report/s1/bad.txt", "boom\n");
        input("report/s1/_COMPLETE", "");
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
                BatchRule.MemberFailure.SKIP), null, "upper");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then the gather ran over a.txt's output only; the record names bad.txt's job as skipped
        JobRecord bad = ofStep(summary, "each").stream().filter(j -> j.input().endsWith("bad.txt")).findFirst()
                .orElseThrow();
        assertThat(ofStep(summary, "all")).singleElement().satisfies(g -> {
            assertThat(g.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(report(g)).contains("TEXT OF A").doesNotContain(bad.id());
        });
        assertThat(batch(settings, "s1").gathers().get("all").skipped()).containsExactly(bad.id());
    }

    @Test
    void run_fanOutOverParameterSetsFeedingAGather_gathersEveryCombination() throws Exception {
        // Given two files fanned out over K = 1, 2, then gathered
        LocalSettings settings = settings();
        input("report/p1/a.txt", "a");
        input("report/p1/b.txt", "b");
        input("report/p1/_COMPLETE", "");
        Pipeline pipeline = gathering(rule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
                BatchRule.MemberFailure.FAIL), new FanOut.ParameterSets(List.of(Map.of("K", "1"), Map.of("K", "2"))),
                "tag");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then four members and one gather whose report holds the four outputs
        assertThat(ofStep(summary, "each")).hasSize(4);
        assertThat(ofStep(summary, "all")).singleElement().satisfies(g -> assertThat(report(g))
                .contains("a:1\n", "a:2\n", "b:1\n", "b:2\n"));
    }
}
