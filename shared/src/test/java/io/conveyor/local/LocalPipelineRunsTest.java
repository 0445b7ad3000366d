package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipeline runs in the local mode with real processes (sh and POSIX tools): a batch's files become the jobs of
 * the pipeline's steps, fanned out over parameter sets and chained per output.
 */
class LocalPipelineRunsTest {

    private static final BatchRule RULE = new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1),
            BatchRule.MemberFailure.FAIL);
    /** Writes its input, a colon and its parameter K to out.txt. */
    private static final String TAG = """
            {"name": "tag", "image": "busybox:1.36", "resources": {"vcpu": 0.25, "memoryMiB": 128},
             "parameters": [{"name": "K", "required": true}],
             "command": ["sh", "-c", "printf '%s:%s' \\"$(cat \\"$CONVEYOR_INPUT\\")\\" \\"$1\\" > \\"$CONVEYOR_OUTPUT_DIR/out.txt\\"",
                         "sh", "${K}"]}""";
    /** Writes its input in capitals to out.txt. */
    private static final String UPPER = """
            {"name": "upper", "image": "busybox:1.36", "resources": {"vcpu": 0.25, "memoryMiB": 128},
             "command": ["sh", "-c", "tr a-z A-Z < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/out.txt\\""]}""";

    @TempDir
    Path workspace;

    private final LocalPipelineTest.Recorder recorder = new LocalPipelineTest.Recorder();

    private LocalSettings settings() throws IOException {
        Files.createDirectories(workspace.resolve("inbox"));
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                2, 8192, Duration.ofMillis(50), Duration.ofMillis(20));
    }

    private LocalPipeline.Summary runOnce(LocalSettings settings, Pipeline... pipelines) throws Exception {
        Map<String, Pipeline> byName = java.util.Arrays.stream(pipelines)
                .collect(Collectors.toMap(Pipeline::name, p -> p));
        PipelineCatalog catalog = name -> Optional.ofNullable(byName.get(name));
        LocalPipeline.Summary summary = new LocalPipeline(settings, new FileJobStore(settings.jobs()),
                new LocalProcessRunner(), recorder, Clock.systemUTC(), catalog).run(true, () -> false);
        assertThat(recorder.rejectedDescriptors).isEmpty();
        return summary;
    }

    private static Pipeline fanOver(String... values) {
        List<Map<String, String>> sets = java.util.Arrays.stream(values).map(v -> Map.of("K", v)).toList();
        return new Pipeline("fan", "rev-1", null, List.of(new Step("tag", "tag", new StepInput.BatchFiles(),
                new FanOut.ParameterSets(sets), null)), RULE);
    }

    private void descriptor(String file, String json) throws IOException {
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms").resolve(file), json);
    }

    private Path input(String relative, String content) throws IOException {
        Path file = workspace.resolve("inbox").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static String output(JobRecord job) throws IOException {
        return Files.readString(Path.of(job.output()).resolve("out.txt"));
    }

    @Test
    void run_batchOfThreeFanOutOverThreeSets_nineJobsEachSeeingItsOwnValue() throws Exception {
        // Given a batch of three files for a step fanned out over K = 1, 2, 3
        descriptor("tag.json", TAG);
        for (String name : List.of("a", "b", "c")) {
            input("fan/b1/" + name + ".txt", name);
        }
        LocalSettings settings = settings();

        // When the local mode runs the inbox
        LocalPipeline.Summary summary = runOnce(settings, fanOver("1", "2", "3"));

        // Then nine jobs succeeded, each at its place, with its own output saying its own file and value
        assertThat(summary.jobs()).hasSize(9).allSatisfy(job -> {
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.pipeline().pipeline()).isEqualTo("fan");
            assertThat(job.pipeline().batch()).isEqualTo("b1");
            assertThat(job.pipeline().step()).isEqualTo("tag");
            String name = Path.of(job.input()).getFileName().toString().replace(".txt", "");
            assertThat(output(job)).isEqualTo(name + ":" + job.pipeline().parameters().get("K"));
            assertThat(Path.of(job.output())).startsWith(settings.outputs().resolve("fan/b1/tag/" + name + ".txt"));
        });
        assertThat(summary.jobs()).extracting(JobRecord::output).doesNotHaveDuplicates();
        assertThat(summary.jobs()).extracting(job -> output(job)).containsExactlyInAnyOrder(
                "a:1", "a:2", "a:3", "b:1", "b:2", "b:3", "c:1", "c:2", "c:3");
    }

    @Test
    void run_rerunOfADoneBatch_runsNothingAgain() throws Exception {
        // Given a batch run once through a fan-out and a next step
        descriptor("tag.json", TAG);
        descriptor("upper.json", UPPER);
        input("fan/b1/a.txt", "a");
        input("fan/b1/b.txt", "b");
        Pipeline pipeline = new Pipeline("fan", "rev-1", null, List.of(
                new Step("tag", "tag", new StepInput.BatchFiles(), new FanOut.ParameterSets(List.of(Map.of("K", "x"),
                        Map.of("K", "y"))), null),
                new Step("up", "upper", new StepInput.OutputsOf("tag"), null, null)), RULE);
        LocalSettings settings = settings();
        LocalPipeline.Summary first = runOnce(settings, pipeline);
        assertThat(first.jobs()).hasSize(8).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.SUCCEEDED));
        List<String> records;
        try (var files = Files.list(settings.jobs())) {
            records = files.map(Path::toString).filter(f -> f.endsWith(".json")).sorted().toList();
        }

        // When the local mode runs the same inbox again
        LocalPipeline.Summary again = runOnce(settings, pipeline);

        // Then it ran and made nothing: the first steps' jobs are the earlier ones, every record ran once
        assertThat(again.jobs()).isEmpty();
        assertThat(again.earlier()).hasSize(4).allSatisfy(job -> assertThat(job.attempt()).isEqualTo(1));
        try (var files = Files.list(settings.jobs())) {
            assertThat(files.map(Path::toString).filter(f -> f.endsWith(".json")).sorted().toList()).isEqualTo(records);
        }
    }

    @Test
    void run_twoStepsPerOutput_secondStepTakesEachOutputOfTheFirstAsItsChild() throws Exception {
        // Given tag (K fixed by the step) then upper on each of its outputs
        descriptor("tag.json", TAG);
        descriptor("upper.json", UPPER);
        input("two/night/a.txt", "moon");
        Pipeline pipeline = new Pipeline("two", "rev-1", null, List.of(
                new Step("tag", "tag", new StepInput.BatchFiles(), null, Map.of("K", "star")),
                new Step("up", "upper", new StepInput.OutputsOf("tag"), null, null)), RULE);
        LocalSettings settings = settings();

        // When the local mode runs the inbox
        LocalPipeline.Summary summary = runOnce(settings, pipeline);

        // Then the first job's output went through the second step, a child of the first, in the same batch
        JobRecord tag = summary.jobs().stream().filter(j -> j.pipeline().step().equals("tag")).findFirst().orElseThrow();
        JobRecord up = summary.jobs().stream().filter(j -> j.pipeline().step().equals("up")).findFirst().orElseThrow();
        assertThat(summary.jobs()).hasSize(2);
        assertThat(tag.children()).containsExactly(up.id());
        assertThat(up.parent()).isEqualTo(tag.id());
        assertThat(up.pipeline().batch()).isEqualTo("night");
        assertThat(up.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(output(up)).isEqualTo("MOON:STAR");
        assertThat(Path.of(up.output())).isEqualTo(settings.outputs().resolve("two/night/up/tag/a.txt")
                .resolve(tag.id()).resolve("out.txt").resolve(up.id()));
    }

    @Test
    void run_hostileParameterValue_reachesTheAlgorithmAsOnePlainArgument() throws Exception {
        // Given a parameter set whose value is shell text
        descriptor("tag.json", TAG);
        input("fan/b1/a.txt", "a");
        Path pwned = workspace.resolve("pwned");
        String hostile = "$(touch " + pwned + "); `touch " + pwned + "`; ' \" ${CONVEYOR_JOB_ID}";

        // When it runs
        LocalPipeline.Summary summary = runOnce(settings(), fanOver(hostile));

        // Then the algorithm saw the text itself, and nothing ran it
        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(output(job)).isEqualTo("a:" + hostile);
        });
        assertThat(pwned).doesNotExist();
    }

    @Test
    void run_placeValues_winOverParamAndSidecar() throws Exception {
        // Given --param K=99 and a sidecar saying k=77 for the batch's file
        descriptor("tag.json", TAG);
        Path file = input("fan/b1/a.txt", "a");
        Files.writeString(LocalParameters.sidecar(file), "{\"k\": \"77\"}");
        LocalSettings settings = settings().withParameters(Map.of("K", "99"));

        // When the step's set says K=5
        LocalPipeline.Summary summary = runOnce(settings, fanOver("5"));

        // Then the job saw 5
        assertThat(summary.jobs()).singleElement().satisfies(job -> assertThat(output(job)).isEqualTo("a:5"));
    }

    @Test
    void run_fileDirectlyUnderThePipelinesFolderAndBatchControls_noJobs() throws Exception {
        // Given a file with no batch folder, and a batch's marker and manifest
        descriptor("tag.json", TAG);
        input("fan/loose.txt", "x");
        input("fan/b1/" + BatchRule.MARKER, "");
        input("fan/b1/" + BatchRule.MANIFEST, "{}");

        // When the local mode runs the inbox
        LocalPipeline.Summary summary = runOnce(settings(), fanOver("1"));

        // Then none became a job; the loose file is said, with where it should go
        assertThat(summary.jobs()).isEmpty();
        assertThat(recorder.ignored).singleElement().asString().startsWith("loose.txt: directly under the folder of"
                + " pipeline fan").contains("fan/<batch>/loose.txt");
    }

    @Test
    void run_stepOfAnUnknownAlgorithmOrUndeclaredParameter_failedNamingPipelineStepAndFile() throws Exception {
        // Given a step whose algorithm does not exist, and one giving a parameter its algorithm does not declare
        descriptor("upper.json", UPPER);
        input("bad/b1/a.txt", "a");
        Pipeline pipeline = new Pipeline("bad", "rev-1", null, List.of(
                new Step("ghost", "nobody", new StepInput.BatchFiles(), null, null),
                new Step("extra", "upper", new StepInput.BatchFiles(), null, Map.of("LEVEL", "3"))), RULE);

        // When the local mode runs the inbox
        LocalPipeline.Summary summary = runOnce(settings(), pipeline);

        // Then both jobs are recorded FAILED, saying why, where
        assertThat(summary.jobs()).hasSize(2).allSatisfy(job -> assertThat(job.state()).isEqualTo(JobState.FAILED));
        assertThat(summary.jobs()).extracting(JobRecord::reason).containsExactlyInAnyOrder(
                "rejected: pipeline bad, step ghost: unknown algorithm 'nobody': no valid descriptor of that name in "
                        + workspace.resolve("algorithms") + " (file a.txt)",
                "rejected: pipeline bad, step extra, file a.txt: the step gives parameter 'LEVEL', which upper does not"
                        + " declare");
    }

    @Test
    void run_inboxFolderNamingNoPipeline_isAnAlgorithmsAsToday() throws Exception {
        // Given an algorithm's input while a pipeline is defined
        descriptor("upper.json", UPPER);
        input("upper/a.txt", "abc");

        // When the local mode runs the inbox
        LocalPipeline.Summary summary = runOnce(settings(), fanOver("1"));

        // Then it ran with no place, its output where it always lay
        assertThat(summary.jobs()).singleElement().satisfies(job -> {
            assertThat(job.pipeline()).isNull();
            assertThat(output(job)).isEqualTo("ABC");
        });
    }

    @Test
    void run_zipFannedOutOverItsMembers_oneJobPerMemberOutputsApart() throws Exception {
        // Given a batch holding a zip of three files, for a step fanning out over archive members
        descriptor("upper.json", UPPER);
        Path zip = workspace.resolve("inbox/arch/b1/words.zip");
        Files.createDirectories(zip.getParent());
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String word : List.of("one", "two", "three")) {
                out.putNextEntry(new java.util.zip.ZipEntry("w/" + word + ".txt"));
                out.write(word.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        Pipeline pipeline = new Pipeline("arch", "rev-1", null, List.of(new Step("each", "upper",
                new StepInput.BatchFiles(), new FanOut.ArchiveMembers(), null)), RULE);
        LocalSettings settings = settings();

        // When the local mode runs the inbox, then again
        LocalPipeline.Summary summary = runOnce(settings, pipeline);
        LocalPipeline.Summary again = runOnce(settings, pipeline);

        // Then each member ran once, its output apart from the others'
        assertThat(summary.jobs()).hasSize(3).allSatisfy(job -> {
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.pipeline().step()).isEqualTo("each");
            assertThat(Path.of(job.output())).startsWith(settings.outputs().resolve("arch/b1/each/each.members/words.zip"));
        });
        assertThat(summary.jobs()).extracting(job -> output(job)).containsExactlyInAnyOrder("ONE", "TWO", "THREE");
        assertThat(again.jobs()).isEmpty();
        assertThat(again.earlier()).hasSize(3);
    }
}
