package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobId;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A step fanning out over a listed prefix: one job per object the listing names, through the driver's listings. */
class PipelineJobsListedTest {

    private static final PipelineJobs.Algorithms KNOWN = name -> Optional.of(
            new NewJob.AlgorithmRevision(name, "rev-" + name, 2));
    private static final NewJob.JobInput LISTING = new NewJob.JobInput("inbox/p/b1/list.txt", "sha256:11");
    private static final Step LISTED = new Step("each", "count", new StepInput.BatchFiles(), new FanOut.ListedPrefix(),
            Map.of());
    private static final Pipeline PIPELINE = new Pipeline("p", "pipe-rev", null, List.of(LISTED),
            new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));

    /** A batch folder in memory: path below it → version; the listing's text; the prefixes asked for. */
    static final class Folder implements PipelineJobs.Listings {
        final Map<String, String> objects = new TreeMap<>();
        final List<String> asked = new ArrayList<>();
        String listing = "";

        @Override
        public byte[] read(NewJob.JobInput input, int max) {
            return listing.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public List<PipelineJobs.Listed> under(PipelinePlace place, String path, int max) {
            asked.add(place.pipeline() + "/" + place.batch() + "/" + path);
            return objects.entrySet().stream().filter(e -> e.getKey().startsWith(path)).limit(max + 1L)
                    .map(e -> new PipelineJobs.Listed(e.getKey(), new NewJob.JobInput("inbox/p/b1/" + e.getKey(),
                            e.getValue()), 10)).toList();
        }
    }

    private static List<PipelineJobs.Made> made(Folder folder) {
        return PipelineJobs.of(PIPELINE, LISTED, "b1", LISTING, null, KNOWN, PipelineJobs.Members.NONE, folder);
    }

    @Test
    void of_listingOfKeysAndPrefixes_oneJobPerObjectAtItsOwnVersion() {
        // Given a folder with objects, and a listing naming a key, a prefix and the same key again
        Folder folder = new Folder();
        folder.objects.putAll(Map.of("data/a.csv", "sha256:a1", "data/a.csv.bak", "sha256:ab",
                "images/1.png", "sha256:i1", "images/deep/2.png", "sha256:i2", "images/", "sha256:00"));
        folder.listing = "data/a.csv\nimages/\ndata/a.csv\n";

        // When
        List<PipelineJobs.Made> made = made(folder);

        // Then one runnable job per object named (the .bak and the folder's own key are not), at its own version
        assertThat(made).extracting(m -> m.job().input().location()).containsExactly("inbox/p/b1/data/a.csv",
                "inbox/p/b1/images/1.png", "inbox/p/b1/images/deep/2.png");
        assertThat(made).allSatisfy(m -> assertThat(m.rejection()).isNull());
        PipelinePlace place = new PipelinePlace("p", "pipe-rev", "b1", "each", Map.of());
        assertThat(made.get(0).job().id()).isEqualTo(JobId.of("inbox/p/b1/data/a.csv", "sha256:a1", "count",
                "rev-count", place));
        assertThat(folder.asked).containsExactly("p/b1/data/a.csv", "p/b1/images/", "p/b1/data/a.csv");
    }

    @Test
    void of_sameListingAgainOrAnotherNamingTheSameObject_sameJobIds() {
        // Given a listing made into jobs once
        Folder folder = new Folder();
        folder.objects.putAll(Map.of("d/x", "sha256:x", "d/y", "sha256:y"));
        folder.listing = "d/\n";
        List<String> first = made(folder).stream().map(m -> m.job().id()).toList();

        // When it is made again (a rerun, a redelivery), and another listing names one of its objects
        List<String> again = made(folder).stream().map(m -> m.job().id()).toList();
        folder.listing = "d/y\n";
        List<String> other = PipelineJobs.of(PIPELINE, LISTED, "b1", new NewJob.JobInput("inbox/p/b1/other.txt",
                "sha256:22"), null, KNOWN, PipelineJobs.Members.NONE, folder).stream().map(m -> m.job().id()).toList();

        // Then the same ids: one object runs once
        assertThat(again).isEqualTo(first).hasSize(2);
        assertThat(other).containsExactly(first.get(1));
    }

    @Test
    void of_objectChanged_newJob() {
        // Given an object listed once
        Folder folder = new Folder();
        folder.objects.put("d/x", "sha256:x1");
        folder.listing = "d/x";
        String before = made(folder).get(0).job().id();

        // When it is written again with other content and listed again
        folder.objects.put("d/x", "sha256:x2");

        // Then another job
        assertThat(made(folder).get(0).job().id()).isNotEqualTo(before);
    }

    @Test
    void of_lineNamingNoObject_listingsJobRefusedNamingTheLine() {
        // Given a listing whose second line names a missing key
        Folder folder = new Folder();
        folder.objects.put("d/x", "sha256:x1");
        folder.listing = "d/x\nd/missing.csv\n";

        // When
        List<PipelineJobs.Made> made = made(folder);

        // Then only the listing's own job, refused, naming pipeline, step and line
        assertThat(made).singleElement().satisfies(m -> {
            assertThat(m.job().input()).isEqualTo(LISTING);
            assertThat(m.rejection()).isEqualTo("pipeline p, step each: line 2 of the listing names no object:"
                    + " 'd/missing.csv' does not exist");
        });
    }

    @Test
    void of_hostileLine_refusedBeforeAnythingIsListed() {
        // Given a listing climbing out of its batch's folder on its third line
        Folder folder = new Folder();
        folder.objects.put("d/x", "sha256:x1");
        folder.listing = "d/x\n\n../../p2/b9/secret\n";

        // When
        List<PipelineJobs.Made> made = made(folder);

        // Then refused whole, and nothing was listed
        assertThat(made).singleElement().extracting(PipelineJobs.Made::rejection).asString()
                .startsWith("pipeline p, step each: line 3 of the listing '../../p2/b9/secret' has a '..' part");
        assertThat(folder.asked).isEmpty();
    }

    @Test
    void of_moreObjectsThanTheCap_refusedWhole() {
        // Given a prefix with one object more than a fan-out may make jobs of
        Folder folder = new Folder();
        for (int i = 0; i <= PipelineJobs.MAX_MEMBERS; i++) {
            folder.objects.put("d/" + i, "sha256:" + i);
        }
        folder.listing = "d/\n";

        // When
        List<PipelineJobs.Made> made = made(folder);

        // Then the listing's job alone, refused
        assertThat(made).singleElement().extracting(PipelineJobs.Made::rejection).asString()
                .endsWith("the listing names more than " + PipelineJobs.MAX_MEMBERS + " objects");
    }

    @Test
    void lists_pipelineWithAListedStep_true() {
        // Given a pipeline with a listed step and one without
        Step plain = new Step("plain", "count", new StepInput.BatchFiles(), null, Map.of());
        Pipeline without = new Pipeline("q", "r", null, List.of(plain), PIPELINE.batches());

        // When / Then
        assertThat(PipelineJobs.lists(PIPELINE)).isTrue();
        assertThat(PipelineJobs.lists(without)).isFalse();
    }
}
