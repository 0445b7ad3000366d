package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchLifecycle;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch records in the outbox: created once, replaced only at the version read. */
class FileBatchStoreTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final Pipeline PIPELINE = new Pipeline("counts", "rev-1", null,
            List.of(new Step("count", "wc", new StepInput.BatchFiles(), null, null)),
            new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));

    static BatchRecord withFile(BatchRecord record, String name) {
        return BatchLifecycle.apply(record, new BatchEvent.FileArrived(new BatchFile(name, "v1", 3, null,
                T0.toString()), List.of()), PIPELINE, T0).after();
    }

    @Test
    void create_twice_writesOnlyTheFirstAtItsPlace(@TempDir Path outbox) {
        // Given a store in the outbox's batches folder
        FileBatchStore store = new FileBatchStore(outbox.resolve("batches"));
        BatchRecord first = withFile(BatchRecord.open("counts", "b1", "rev-1"), "a.csv");

        // When the record is created twice
        boolean created = store.create(first);
        boolean again = store.create(withFile(first, "b.csv"));

        // Then only the first is written, at batches/<pipeline>/<batch>.json, and reads back equal
        assertThat(created).isTrue();
        assertThat(again).isFalse();
        assertThat(Files.exists(outbox.resolve("batches/counts/b1.json"))).isTrue();
        assertThat(store.read("counts", "b1").orElseThrow().record()).isEqualTo(first);
    }

    @Test
    void replace_afterAnotherWriterChangedIt_isRefused(@TempDir Path outbox) {
        // Given a record read by two writers
        FileBatchStore store = new FileBatchStore(outbox);
        store.create(BatchRecord.open("counts", "b1", "rev-1"));
        BatchStore.Versioned ours = store.read("counts", "b1").orElseThrow();
        BatchStore.Versioned theirs = store.read("counts", "b1").orElseThrow();

        // When they write one after the other from what they read
        boolean theirWrite = store.replace(withFile(theirs.record(), "b.csv"), theirs.version());
        boolean ourWrite = store.replace(withFile(ours.record(), "a.csv"), ours.version());

        // Then the second is refused and the first kept
        assertThat(theirWrite).isTrue();
        assertThat(ourWrite).isFalse();
        assertThat(store.read("counts", "b1").orElseThrow().record().files()).containsOnlyKeys("b.csv");
    }

    @Test
    void read_noRecord_isEmpty(@TempDir Path outbox) {
        // Given an empty store; When a batch is read; Then there is none
        assertThat(new FileBatchStore(outbox).read("counts", "b1")).isEmpty();
    }
}
