package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchLifecycle;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.BatchUpdates;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Batch records on moto's S3: {@code If-None-Match: *} creates once, {@code If-Match} refuses a replace of a
 * version someone changed, and {@link BatchUpdates} over it decides a gather once.
 */
@AwsEmulator
class S3BatchStoreIT {

    static final String BUCKET = "conveyor-it-out";
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final Pipeline PIPELINE = new Pipeline("counts", "rev-1", null, List.of(
            new Step("count", "wc", new StepInput.BatchFiles(), null, null),
            new Step("sum", "sum", new StepInput.GatherOf("count"), null, null)),
            new BatchRule(BatchRule.Completion.MARKER, null, Duration.ofHours(1), BatchRule.MemberFailure.FAIL));

    static BatchEvent.FileArrived file(String name) {
        return new BatchEvent.FileArrived(new BatchFile(name, "v1", 3, null, T0.toString()),
                List.of(new BatchEvent.Member("count", "job-" + name)));
    }

    static BatchRecord withFile(BatchRecord record, String name) {
        return BatchLifecycle.apply(record, file(name), PIPELINE, T0).after();
    }

    @Test
    void create_sameBatchTwice_writesOnlyTheFirst(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a bucket
            s3.createBucket(r -> r.bucket(BUCKET));
            S3BatchStore store = new S3BatchStore(s3, BUCKET);
            BatchRecord first = withFile(BatchRecord.open("counts", "b1", "rev-1"), "a.csv");

            // When the record is created twice
            assertThat(store.create(first)).isTrue();
            assertThat(store.create(withFile(first, "b.csv"))).isFalse();

            // Then the first is stored at batches/<pipeline>/<batch>.json
            assertThat(store.read("counts", "b1").orElseThrow().record()).isEqualTo(first);
            assertThat(s3.headObject(r -> r.bucket(BUCKET).key("batches/counts/b1.json")).contentLength()).isPositive();
        }
    }

    @Test
    void replace_afterSomeoneElseChangedIt_isRefused(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a record read by two writers
            s3.createBucket(r -> r.bucket(BUCKET));
            S3BatchStore store = new S3BatchStore(s3, BUCKET);
            store.create(BatchRecord.open("counts", "b1", "rev-1"));
            BatchStore.Versioned ours = store.read("counts", "b1").orElseThrow();
            BatchStore.Versioned theirs = store.read("counts", "b1").orElseThrow();

            // When they replace it one after the other
            assertThat(store.replace(withFile(theirs.record(), "b.csv"), theirs.version())).isTrue();
            assertThat(store.replace(withFile(ours.record(), "a.csv"), ours.version())).isFalse();

            // Then theirs is kept
            assertThat(store.read("counts", "b1").orElseThrow().record().files()).containsOnlyKeys("b.csv");
        }
    }

    @Test
    void updates_batchCompleteAndItsMemberEnded_gatherDecidedOnceAndStored(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a batch of one file, complete by its marker
            s3.createBucket(r -> r.bucket(BUCKET));
            BatchUpdates updates = new BatchUpdates(new S3BatchStore(s3, BUCKET),
                    Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC));
            updates.apply(PIPELINE, "b1", List.of(file("a.csv")));
            updates.apply(PIPELINE, "b1", List.of(new BatchEvent.MarkerArrived(T0.plusSeconds(5), List.of())));
            BatchEvent ended = new BatchEvent.MemberEnded(new BatchEvent.Member("count", "job-a.csv"),
                    io.conveyor.batch.BatchMember.End.SUCCEEDED, null, T0.plusSeconds(60), List.of());

            // When its member's end is told twice
            var first = updates.apply(PIPELINE, "b1", List.of(ended));
            var again = updates.apply(PIPELINE, "b1", List.of(ended));

            // Then the gather is decided once and its job id stored with the batch
            assertThat(first.decisions(io.conveyor.batch.BatchDecision.MakeGather.class)).hasSize(1);
            assertThat(again.decisions(io.conveyor.batch.BatchDecision.MakeGather.class)).isEmpty();
            BatchRecord stored = new S3BatchStore(s3, BUCKET).read("counts", "b1").orElseThrow().record();
            assertThat(stored.state()).isEqualTo(BatchRecord.State.COMPLETE);
            assertThat(stored.gathers().get("sum").jobId()).isEqualTo(
                    first.decisions(io.conveyor.batch.BatchDecision.MakeGather.class).getFirst().jobId());
        }
    }
}
