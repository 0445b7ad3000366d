package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchFile;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.OpenBatches;
import io.conveyor.reconcile.OpenBatchTicks;
import io.conveyor.reconcile.OpenBatchTicksTest;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The open batches' index on moto's S3: written with a batch's record, listed by the reconciler, which ends a batch
 * whose look-again message was lost at its deadline, and gone once the batch is settled.
 */
@AwsEmulator
class S3OpenBatchesIT {

    static final String BUCKET = "conveyor-it-out";
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void reconcilerPass_batchWhoseLookAgainWasLost_endsAtItsDeadlineAndLeavesTheIndex(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a batch opened by its first file, whose look-again message is lost (never delivered)
            s3.createBucket(r -> r.bucket(BUCKET));
            S3BatchStore store = new S3BatchStore(s3, BUCKET);
            MutableClock clock = new MutableClock(T0);
            List<Instant> lost = new ArrayList<>();
            OpenBatchTicksTest.driver(store, clock, lost).apply(OpenBatchTicksTest.SCAN, "b1", List.of(
                    new BatchEvent.FileArrived(new BatchFile("a.txt", "etag:1", 5, null, T0.toString()), List.of())));
            assertThat(lost).as("one look, on the way to the deadline, within SQS's longest delay")
                    .containsExactly(T0.plusSeconds(io.conveyor.batch.BatchMessages.MAX_DELAY_SECONDS));
            assertThat(store.list(100)).containsExactly(new OpenBatches.Entry("scan", "b1"));
            assertThat(s3.headObject(r -> r.bucket(BUCKET).key("open-batches/scan/b1")).contentLength()).isZero();

            // When the reconciler passes before the deadline, then after it
            OpenBatchTicks ticks = new OpenBatchTicks(store, name -> Optional.of(OpenBatchTicksTest.SCAN),
                    OpenBatchTicksTest.driver(store, clock, new ArrayList<>()));
            clock.at(T0.plus(Duration.ofMinutes(59)));
            OpenBatchTicks.Result early = ticks.run(() -> false);
            clock.at(T0.plus(Duration.ofMinutes(61)));
            OpenBatchTicks.Result late = ticks.run(() -> false);

            // Then the first pass left it open, the second failed it at its deadline and removed its entry
            assertThat(early).isEqualTo(new OpenBatchTicks.Result(1, 0, 0, 0, false));
            assertThat(late).isEqualTo(new OpenBatchTicks.Result(1, 1, 0, 0, false));
            BatchRecord record = store.read("scan", "b1").orElseThrow().record();
            assertThat(record.state()).isEqualTo(BatchRecord.State.FAILED);
            assertThat(record.endedAt()).isEqualTo(T0.plus(Duration.ofHours(1)).toString());
            assertThat(store.list(100)).isEmpty();
        }
    }

    @Test
    void list_staleEntryAndKeysOfNoBatch_staleIsRemovedByTheReconcilerAndOddKeysAreSkipped(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given an entry whose batch has no record, and keys under the prefix that name no batch
            s3.createBucket(r -> r.bucket(BUCKET));
            S3BatchStore store = new S3BatchStore(s3, BUCKET);
            for (String key : List.of("open-batches/scan/ghost", "open-batches/scan", "open-batches/a/b/c")) {
                s3.putObject(r -> r.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.empty());
            }

            // When listed, and a pass ticks what is listed
            List<OpenBatches.Entry> listed = store.list(100);
            OpenBatchTicks.Result result = new OpenBatchTicks(store, name -> Optional.of(OpenBatchTicksTest.SCAN),
                    OpenBatchTicksTest.driver(store, new MutableClock(T0), new ArrayList<>())).run(() -> false);

            // Then only the batch's entry is listed; it is removed, and no record is made for it
            assertThat(listed).containsExactly(new OpenBatches.Entry("scan", "ghost"));
            assertThat(result.removed()).isEqualTo(1);
            assertThat(store.list(100)).isEmpty();
            assertThat(store.read("scan", "ghost")).isEmpty();
        }
    }
}
