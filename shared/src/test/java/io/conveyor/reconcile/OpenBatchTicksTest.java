package io.conveyor.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.batch.InMemoryBatchStore;
import io.conveyor.batch.OpenBatches;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The reconciler's ticks of open batches, with fakes: a batch whose look-again was lost still ends at its deadline. */
public class OpenBatchTicksTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    public static final Pipeline SCAN = new Pipeline("scan", "pipe-rev", null, List.of(new Step("fit", "fitter",
            new StepInput.BatchFiles(), new FanOut.None(), Map.of())), new BatchRule(BatchRule.Completion.MANIFEST, null,
            Duration.ofHours(1), BatchRule.MemberFailure.FAIL));

    /** An index in memory, as {@code pipeline/batch}. */
    static final class InMemoryOpenBatches implements OpenBatches {
        final TreeSet<String> entries = new TreeSet<>();

        @Override
        public List<Entry> list(int limit) {
            return entries.stream().limit(limit).map(e -> new Entry(e.substring(0, e.indexOf('/')),
                    e.substring(e.indexOf('/') + 1))).toList();
        }

        @Override
        public void remove(String pipeline, String batch) {
            entries.remove(pipeline + "/" + batch);
        }
    }

    final MutableClock clock = new MutableClock(T0);
    final InMemoryBatchStore store = new InMemoryBatchStore();
    final InMemoryOpenBatches index = new InMemoryOpenBatches();
    final List<Instant> looks = new ArrayList<>();

    public static BatchDriver driver(BatchStore store, MutableClock clock, List<Instant> looks) {
        return new BatchDriver(new BatchUpdates(store, clock), new JobUpdates(new InMemoryJobStore(), clock),
                new io.conveyor.batch.GatherFolders() {
                    @Override
                    public String fill(String pipeline, String batch, String step, List<io.conveyor.jobs.JobRecord> taken) {
                        throw new AssertionError("no gather in this pipeline");
                    }

                    @Override
                    public String output(String pipeline, String batch, String step, String jobId) {
                        throw new AssertionError("no gather in this pipeline");
                    }
                }, name -> Optional.empty(), created -> { }, (pipeline, batch, at) -> looks.add(at));
    }

    static BatchEvent file(String name, Instant at) {
        return new BatchEvent.FileArrived(new BatchFile(name, "etag:" + name, 5, null, at.toString()), List.of());
    }

    private OpenBatchTicks ticks() {
        return new OpenBatchTicks(index, name -> name.equals("scan") ? Optional.of(SCAN) : Optional.empty(),
                driver(store, clock, looks));
    }

    private BatchRecord record(String batch) {
        return store.read("scan", batch).orElseThrow().record();
    }

    @Test
    void run_openBatchPastItsDeadlineWhoseLookAgainWasLost_failsItAndRemovesItsEntry() {
        // Given an open batch (its look-again lost) in the index, and its deadline passed
        driver(store, clock, new ArrayList<>()).apply(SCAN, "b1", List.of(file("a.txt", T0)));
        index.entries.add("scan/b1");
        clock.at(T0.plus(Duration.ofHours(1)).plusSeconds(30));

        // When the reconciler's pass ticks open batches
        OpenBatchTicks.Result result = ticks().run(() -> false);

        // Then the batch failed at its deadline, saying why, its entry is gone, and no look-again was sent
        assertThat(record("b1").state()).isEqualTo(BatchRecord.State.FAILED);
        assertThat(record("b1").reason()).contains("no _manifest.json arrived");
        assertThat(index.entries).isEmpty();
        assertThat(looks).isEmpty();
        assertThat(result).isEqualTo(new OpenBatchTicks.Result(1, 1, 0, 0, false));
    }

    @Test
    void run_openBatchBeforeItsDeadline_staysOpenWithItsEntry() {
        // Given an open batch whose deadline has not come
        driver(store, clock, new ArrayList<>()).apply(SCAN, "b1", List.of(file("a.txt", T0)));
        index.entries.add("scan/b1");
        clock.at(T0.plus(Duration.ofMinutes(30)));

        // When the pass ticks it
        OpenBatchTicks.Result result = ticks().run(() -> false);

        // Then it is still open and still indexed (the tick's look-again goes to the driver's timer, which the
        // reconciler's wiring leaves empty)
        assertThat(record("b1").state()).isEqualTo(BatchRecord.State.OPEN);
        assertThat(index.entries).containsExactly("scan/b1");
        assertThat(result.ended()).isZero();
    }

    @Test
    void run_staleEntries_areRemovedAndNoRecordIsMade() {
        // Given entries of a settled batch, of a batch with no record, and of a pipeline no longer registered
        driver(store, clock, new ArrayList<>()).apply(SCAN, "done", List.of(file("a.txt", T0)));
        clock.at(T0.plus(Duration.ofHours(2)));
        driver(store, clock, new ArrayList<>()).apply(SCAN, "done", List.of(new BatchEvent.Tick()));
        assertThat(record("done").settled()).isTrue();
        index.entries.addAll(List.of("scan/done", "scan/never", "gone/b1"));

        // When the pass ticks them
        OpenBatchTicks.Result result = ticks().run(() -> false);

        // Then every entry is removed, and the batch without a record still has none
        assertThat(index.entries).isEmpty();
        assertThat(store.read("scan", "never")).isEmpty();
        assertThat(result).isEqualTo(new OpenBatchTicks.Result(3, 0, 3, 0, false));
    }

    @Test
    void run_pastThePassDeadline_stopsAndLeavesTheRestForTheNextPass() {
        // Given an open batch past its deadline, and a pass with no time left
        driver(store, clock, new ArrayList<>()).apply(SCAN, "b1", List.of(file("a.txt", T0)));
        index.entries.add("scan/b1");
        clock.at(T0.plus(Duration.ofHours(2)));

        // When the pass ticks
        OpenBatchTicks.Result result = ticks().run(() -> true);

        // Then nothing was ticked, and it says it stopped early
        assertThat(record("b1").state()).isEqualTo(BatchRecord.State.OPEN);
        assertThat(index.entries).containsExactly("scan/b1");
        assertThat(result.stoppedEarly()).isTrue();
    }
}
