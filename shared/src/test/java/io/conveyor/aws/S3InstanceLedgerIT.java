package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.cost.InstanceSpan;
import io.conveyor.cost.ObjectStoreInstanceLedger;
import io.conveyor.cost.Prices;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The instance ledger in moto's S3, as fleet-monitor writes it and the CLI reads it. */
@AwsEmulator
class S3InstanceLedgerIT {

    static final String BUCKET = "conveyor-it-out";
    static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");

    @Test
    void spans_twoInstancesStartedAndStopped_readBackFromTheirObjects(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given the versioned output bucket
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            ObjectStoreInstanceLedger ledger = new ObjectStoreInstanceLedger(new S3ObjectStore(s3), BUCKET);

            // When one instance runs and stops, a duplicate of its stop arrives, and another runs on
            ledger.running("i-0aaa", "m6i.large", Prices.ON_DEMAND, T0);
            ledger.running("i-0bbb", "c6i.xlarge", Prices.ON_DEMAND, T0.plusSeconds(60));
            ledger.left("i-0aaa", T0.plusSeconds(1800));
            ledger.left("i-0aaa", T0.plusSeconds(1900));

            // Then the ledger reads both back from fleet/instances/, the second still open
            List<InstanceSpan> spans = ledger.spans(T0);
            assertThat(spans).containsExactlyInAnyOrder(
                    new InstanceSpan("i-0aaa", "m6i.large", Prices.ON_DEMAND, T0, T0.plusSeconds(1800)),
                    new InstanceSpan("i-0bbb", "c6i.xlarge", Prices.ON_DEMAND, T0.plusSeconds(60), null));
            assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("fleet/instances/")).contents())
                    .extracting(o -> o.key()).containsExactlyInAnyOrder("fleet/instances/i-0aaa.json",
                            "fleet/instances/i-0bbb.json");
        }
    }
}
