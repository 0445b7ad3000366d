package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobStore;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Job records, the algorithm registry and the capacity lease rest on S3's conditional writes ({@code If-None-Match: *},
 * {@code If-Match}); moto implements both, so they are exercised here, one writer after another.
 * Not at once: moto checks and writes in two steps, so of 8 concurrent writers 2 won in 1 of 7 runs
 * here, while S3 documents conditional writes as atomic.
 */
@AwsEmulator
class S3ConditionalWritesIT {

    static final String BUCKET = "conveyor-it-out";
    static final Instant T1 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void create_sameIdTwice_writesOnlyTheFirst(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            S3JobStore store = new S3JobStore(s3, BUCKET);
            JobRecord first = JobFixtures.queued(JobFixtures.job("s3://in/inputs/wc/a.txt", "v1", "wc", "r1", 3), T1);

            assertThat(store.create(first)).isTrue();
            assertThat(store.create(JobFixtures.after(first, T1, new JobEvent.Rejected("second writer")))).isFalse();
            assertThat(store.get(first.id())).contains(first);
        }
    }

    @Test
    void replace_afterSomeoneElseChangedIt_isRefused(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            S3JobStore store = new S3JobStore(s3, BUCKET);
            JobRecord queued = JobFixtures.queued(JobFixtures.job("s3://in/inputs/wc/b.txt", "v1", "wc", "r1", 3), T1);
            store.create(queued);
            JobStore.Versioned read = store.read(queued.id()).orElseThrow();

            // another writer moves it on
            JobStore.Versioned theirs = store.read(queued.id()).orElseThrow();
            assertThat(store.replace(JobFixtures.after(theirs.record(), T1, new JobEvent.StartRequested("ci-2")),
                    theirs.version())).isTrue();

            // our replace, based on what we read before, must not overwrite theirs
            assertThat(store.replace(JobFixtures.after(read.record(), T1, new JobEvent.WaitingForCapacity("no room")),
                    read.version())).isFalse();
            assertThat(store.get(queued.id()).orElseThrow().placedOn()).isEqualTo("ci-2");
        }
    }

    @Test
    void registrySave_afterAnotherRegistrationWrote_isRefused(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            ObjectStoreRegistry registry = new ObjectStoreRegistry(new S3ObjectStore(s3), BUCKET);
            AlgorithmRegistry.Entry none = registry.entry("wc");
            AlgorithmRecord first = algorithm("a.json");

            assertThat(none.version()).isNull();
            assertThat(registry.saveIfUnchanged(first, none)).isTrue();
            AlgorithmRegistry.Entry read = registry.entry("wc");
            assertThat(registry.saveIfUnchanged(algorithm("b.json"), none)).isFalse();
            assertThat(registry.saveIfUnchanged(algorithm("c.json"), read)).isTrue();
            assertThat(registry.saveIfUnchanged(algorithm("d.json"), read)).isFalse();
            assertThat(registry.algorithm("wc").orElseThrow().descriptor()).isEqualTo("s3://in/algorithms/c.json");
        }
    }

    private static AlgorithmRecord algorithm(String file) {
        return new AlgorithmRecord("wc", AlgorithmRecord.Status.ACTIVE, "s3://in/algorithms/" + file, null, "sha-" + file,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/conveyor-wc:1", "2026-11-29T10:00:00Z", null, null);
    }

    @Test
    void lease_heldUntilItExpires_thenTakenByTheNext(Emulator emulator) {
        try (S3Client s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
            S3CapacityLease atT0 = new S3CapacityLease(s3, BUCKET, Duration.ofSeconds(20), Clock.fixed(t0, ZoneOffset.UTC));
            S3CapacityLease atT10 = new S3CapacityLease(s3, BUCKET, Duration.ofSeconds(20),
                    Clock.fixed(t0.plusSeconds(10), ZoneOffset.UTC));
            S3CapacityLease atT21 = new S3CapacityLease(s3, BUCKET, Duration.ofSeconds(20),
                    Clock.fixed(t0.plusSeconds(21), ZoneOffset.UTC));

            assertThat(atT0.tryAcquire("first")).contains(t0.plusSeconds(20));
            assertThat(atT10.tryAcquire("second")).isEmpty();
            assertThat(atT21.tryAcquire("third")).contains(t0.plusSeconds(41));
            assertThat(atT21.tryAcquire("fourth")).isEmpty();
        }
    }

}
