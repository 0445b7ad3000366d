package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static io.conveyor.batch.BatchFixtures.file;
import static io.conveyor.batch.BatchFixtures.manifest;
import static io.conveyor.batch.BatchFixtures.pipeline;
import static io.conveyor.batch.BatchFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.batch.BatchDecision.MakeGather;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two writers on one batch record: the conditional write decides which carries out the gather. */
class BatchUpdatesTest {

    static final Pipeline PIPELINE = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
    static final Clock CLOCK = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);

    @Test
    void apply_twoWritersEndTheLastTwoMembers_exactlyOneCarriesTheGather() {
        // Given a complete batch whose two count jobs are running
        InMemoryBatchStore store = new InMemoryBatchStore();
        BatchUpdates first = new BatchUpdates(store, CLOCK);
        BatchUpdates second = new BatchUpdates(store, CLOCK);
        first.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("a.csv", 1), file("b.csv", 2),
                manifest(3, "a.csv", "b.csv")));
        List<BatchChange> changes = new ArrayList<>();

        // When the first writer's write loses to the second, which ends the other member meanwhile
        store.beforeWrite = () -> changes.add(second.apply(PIPELINE, BatchFixtures.BATCH, List.of(succeeded("b.csv", 70))));
        changes.add(first.apply(PIPELINE, BatchFixtures.BATCH, List.of(succeeded("a.csv", 60))));

        // Then the first read again, applied its event to the second's record, and alone decided the gather
        assertThat(store.lostWrites).isEqualTo(1);
        List<MakeGather> gathers = changes.stream().flatMap(c -> c.decisions(MakeGather.class).stream()).toList();
        assertThat(gathers).singleElement().satisfies(gather ->
                assertThat(gather.taken()).containsExactly("job-count-a.csv", "job-count-b.csv"));
        BatchRecord stored = store.read(PIPELINE.name(), BatchFixtures.BATCH).orElseThrow().record();
        assertThat(stored.gathers().get("sum").jobId()).isEqualTo(gathers.getFirst().jobId());
    }

    @Test
    void apply_twoWritersBothSeeTheLastEnd_theLoserFindsTheGatherDecided() {
        // Given a complete batch with one member left
        InMemoryBatchStore store = new InMemoryBatchStore();
        BatchUpdates first = new BatchUpdates(store, CLOCK);
        BatchUpdates second = new BatchUpdates(store, CLOCK);
        first.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("a.csv", 1), manifest(3, "a.csv")));
        List<BatchChange> changes = new ArrayList<>();

        // When both apply its end (a duplicate delivery), the second writing between the first's read and write
        store.beforeWrite = () -> changes.add(second.apply(PIPELINE, BatchFixtures.BATCH, List.of(succeeded("a.csv", 60))));
        changes.add(first.apply(PIPELINE, BatchFixtures.BATCH, List.of(succeeded("a.csv", 60))));

        // Then one gather decision in all, from the writer whose write won
        assertThat(changes.get(0).decisions(MakeGather.class)).hasSize(1);
        assertThat(changes.get(1).decisions(MakeGather.class)).isEmpty();
        assertThat(changes.get(1).changed()).isFalse();
    }

    @Test
    void apply_firstEventsOfANewBatchRacing_oneCreatesTheOtherReplaces() {
        // Given no record yet, and two files arriving at once
        InMemoryBatchStore store = new InMemoryBatchStore();
        BatchUpdates first = new BatchUpdates(store, CLOCK);
        BatchUpdates second = new BatchUpdates(store, CLOCK);

        // When the second creates the record while the first is about to
        store.beforeWrite = () -> second.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("b.csv", 2)));
        first.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("a.csv", 1)));

        // Then both files are in the record
        assertThat(store.read(PIPELINE.name(), BatchFixtures.BATCH).orElseThrow().record().files())
                .containsOnlyKeys("a.csv", "b.csv");
        assertThat(store.lostWrites).isEqualTo(1);
    }

    @Test
    void apply_recordChangingOnEveryTry_givesUpSayingTheEventsComeAgain() {
        // Given a store where another writer changes the record before each of our writes
        InMemoryBatchStore store = new InMemoryBatchStore();
        BatchUpdates ours = new BatchUpdates(store, CLOCK);
        BatchUpdates theirs = new BatchUpdates(store, CLOCK);
        ours.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("a.csv", 1)));
        int[] n = {0};
        BatchStore meddling = new BatchStore() {
            @Override
            public java.util.Optional<Versioned> read(String pipeline, String batch) {
                return store.read(pipeline, batch);
            }

            @Override
            public boolean create(BatchRecord record) {
                return store.create(record);
            }

            @Override
            public boolean replace(BatchRecord record, String version) {
                theirs.apply(PIPELINE, BatchFixtures.BATCH, List.of(file("x" + n[0]++ + ".csv", 5)));
                return store.replace(record, version);
            }
        };

        // When we apply an event; Then we give up after the tries, naming the batch
        assertThatThrownBy(() -> new BatchUpdates(meddling, CLOCK).apply(PIPELINE, BatchFixtures.BATCH,
                List.of(file("b.csv", 2)))).isInstanceOf(BatchUpdates.ConcurrentBatchChangeException.class)
                .hasMessage("batch counts/2026-11-29: its record changed 10 times while events were applied; they come again");
        assertThat(n[0]).isEqualTo(BatchUpdates.WRITE_TRIES);
    }

    @Test
    void apply_tickOfABatchWithNoRecord_writesNothing() {
        // Given no record of the batch
        InMemoryBatchStore store = new InMemoryBatchStore();

        // When a tick comes for it (a timer outliving its batch's record)
        BatchChange change = new BatchUpdates(store, CLOCK).apply(PIPELINE, "never", List.of(new BatchEvent.Tick()));

        // Then no record is made
        assertThat(change.changed()).isFalse();
        assertThat(store.read(PIPELINE.name(), "never")).isEmpty();
    }
}
