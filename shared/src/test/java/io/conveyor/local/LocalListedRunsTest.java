package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step fanning out over a listed prefix in the local mode, with real processes: one job per object a listing
 * names below its batch's folder, the objects of the batch's subfolders run only as listed, then a gather once.
 */
class LocalListedRunsTest {

    /** Writes its input in capitals to out.txt. */
    private static final String UPPER = """
            {"name": "upper", "image": "busybox:1.36", "resources": {"vcpu": 0.25, "memoryMiB": 128},
             "command": ["sh", "-c", "tr a-z A-Z < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/out.txt\\""]}""";

    @TempDir
    Path workspace;

    private final LocalPipelineTest.Recorder recorder = new LocalPipelineTest.Recorder();

    private final Pipeline pipeline = new Pipeline("report", "rev-1", null, List.of(
            new Step("each", "upper", new StepInput.BatchFiles(), new FanOut.ListedPrefix(), null),
            new Step("all", "concatenate", new StepInput.GatherOf("each"), null, null)),
            new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));

    private LocalSettings settings() throws IOException {
        Files.createDirectories(workspace.resolve("inbox"));
        Files.createDirectories(workspace.resolve("algorithms"));
        Files.writeString(workspace.resolve("algorithms/upper.json"), UPPER);
        Files.copy(Path.of("..", "algorithms", "concatenate.json"), workspace.resolve("algorithms/concatenate.json"));
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                2, 8192, Duration.ofMillis(50), Duration.ofMillis(20));
    }

    private LocalPipeline.Summary runOnce(LocalSettings settings) throws Exception {
        return new LocalPipeline(settings, new FileJobStore(settings.jobs()), new LocalProcessRunner(), recorder,
                Clock.systemUTC(), name -> Optional.ofNullable(name.equals(pipeline.name()) ? pipeline : null))
                .run(true, () -> false);
    }

    private Path input(String relative, String content) throws IOException {
        Path file = workspace.resolve("inbox").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static List<JobRecord> ofStep(LocalPipeline.Summary summary, String step) {
        return summary.jobs().stream().filter(j -> j.pipeline() != null && j.pipeline().step().equals(step)).toList();
    }

    @Test
    void run_listingOfAPrefixAndAKey_oneJobPerListedObjectThenOneGather() throws Exception {
        // Given a listing naming a prefix (two files, one deeper), a key, and the key again; a file not listed
        LocalSettings settings = settings();
        input("report/b1/data/a.txt", "alpha\n");
        input("report/b1/data/sub/b.txt", "beta\n");
        input("report/b1/more/c.txt", "gamma\n");
        input("report/b1/more/d.txt", "delta\n");
        input("report/b1/list.txt", "data/\r\nmore/c.txt\n\nmore/c.txt\n");
        input("report/b1/_COMPLETE", "");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings);

        // Then one succeeded job per listed object, each taking that object itself; none of the listing or d.txt
        List<JobRecord> each = ofStep(summary, "each");
        assertThat(each).extracting(j -> workspace.resolve("inbox/report/b1").relativize(Path.of(j.input())).toString())
                .containsExactlyInAnyOrder("data/a.txt", "data/sub/b.txt", "more/c.txt");
        assertThat(each).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.SUCCEEDED));
        assertThat(Files.readString(Path.of(each.stream().filter(j -> j.input().endsWith("a.txt")).findFirst()
                .orElseThrow().output()).resolve("out.txt"))).isEqualTo("ALPHA\n");
        // and the gather ran once over the three
        List<JobRecord> gathers = ofStep(summary, "all");
        assertThat(gathers).singleElement().satisfies(g -> assertThat(g.state()).isEqualTo(JobState.SUCCEEDED));
        String report = Files.readString(Path.of(gathers.get(0).output()).resolve("report.txt"));
        assertThat(report).contains("ALPHA", "BETA", "GAMMA").doesNotContain("DELTA");
    }

    @Test
    void run_again_makesNothingAgain() throws Exception {
        // Given a listed batch that ran
        LocalSettings settings = settings();
        input("report/b1/data/a.txt", "alpha\n");
        input("report/b1/list.txt", "data/\n");
        input("report/b1/_COMPLETE", "");
        assertThat(ofStep(runOnce(settings), "each")).hasSize(1);

        // When the same inbox is run again
        LocalPipeline.Summary again = runOnce(settings);

        // Then no job is made or run
        assertThat(again.jobs()).isEmpty();
    }

    @Test
    void run_listingClimbingOutOrThroughALink_refusedNamingTheLine() throws Exception {
        // Given a batch b2 with a secret, a listing of b1 climbing to it, and one of b3 reaching it through a link
        LocalSettings settings = settings();
        input("report/b2/data/secret.txt", "secret\n");
        input("report/b1/list.txt", "data/ok.txt\n../b2/data/secret.txt\n");
        input("report/b1/data/ok.txt", "ok\n");
        input("report/b1/_COMPLETE", "");
        Files.createDirectories(workspace.resolve("inbox/report/b3"));
        Files.createSymbolicLink(workspace.resolve("inbox/report/b3/data"), workspace.resolve("inbox/report/b2/data"));
        input("report/b3/list.txt", "data/\n");
        input("report/b3/_COMPLETE", "");

        // When the local mode runs the inbox once
        LocalPipeline.Summary summary = runOnce(settings);

        // Then each listing's own job is refused, saying which line and why; no secret was taken
        List<JobRecord> each = ofStep(summary, "each");
        assertThat(each).hasSize(2).allSatisfy(j -> {
            assertThat(j.state()).isEqualTo(JobState.FAILED);
            assertThat(j.input()).endsWith("list.txt");
        });
        assertThat(each).extracting(JobRecord::reason).anySatisfy(reason -> assertThat(reason)
                .contains("step each", "line 2 of the listing '../b2/data/secret.txt' has a '..' part"));
        assertThat(each).extracting(JobRecord::reason).anySatisfy(reason -> assertThat(reason)
                .contains("line 1 of the listing names no object: 'data/' has nothing below it"));
        assertThat(summary.jobs()).noneSatisfy(j -> assertThat(j.input()).contains("secret"));
    }
}
