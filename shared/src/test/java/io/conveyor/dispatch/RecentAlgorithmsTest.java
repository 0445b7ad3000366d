package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentAlgorithmsTest {

    static final String SMALL = DispatchOverlapTest.SMALL;
    static final String SMALL_CHANGED = SMALL.replace("\"run\"", "\"run\", \"--fast\"");

    final InMemoryRegistry registry = new InMemoryRegistry();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final RecentAlgorithms recent = new RecentAlgorithms(registry, Duration.ofSeconds(10), clock);

    @Test
    void recent_laterBatchWithinFreshFor_usesTheEarlierReadWithoutReadingTheRegistry() {
        // Given a batch that read small
        String first = registry.register(SMALL);
        recent.inBatch().recent("small");

        // When a batch 9.9 s later looks it up, after a re-registration it cannot know of
        registry.register(SMALL_CHANGED);
        clock.advance(Duration.ofMillis(9_900));
        AlgorithmRecord seen = recent.inBatch().recent("small").orElseThrow();

        // Then it has the record the first batch read, and the registry was read once
        assertThat(seen.sha256()).isEqualTo(first);
        assertThat(registry.reads).containsExactly("small");
    }

    @Test
    void recent_afterFreshFor_readsTheRegistryAgain() {
        // Given a batch that read small, then a re-registration
        recent.inBatch().recent("small");
        String second = registry.register(SMALL_CHANGED);

        // When a batch 10 s later looks it up
        clock.advance(Duration.ofSeconds(10));
        AlgorithmRecord seen = recent.inBatch().recent("small").orElseThrow();

        // Then it read the registry again and sees the new revision
        assertThat(seen.sha256()).isEqualTo(second);
        assertThat(registry.reads).containsExactly("small", "small");
    }

    @Test
    void forget_heldRecord_nextBatchReadsTheRegistry() {
        // Given small held by an earlier batch, then retired
        registry.register(SMALL);
        recent.inBatch().recent("small");
        registry.retire("small", SMALL);

        // When it is forgotten (a start said its task definition is gone) and a batch 1 s later looks it up
        recent.forget("small");
        clock.advance(Duration.ofSeconds(1));
        AlgorithmRecord seen = recent.inBatch().recent("small").orElseThrow();

        // Then that batch read it, and sees it retired
        assertThat(seen.active()).isFalse();
        assertThat(registry.reads).hasSize(2);
    }

    @Test
    void readAgain_recordTakenFromAnEarlierBatch_readsItNowOnce() {
        // Given a batch that found no algorithm 'small', and its registration just after
        recent.inBatch().recent("small");
        registry.register(SMALL);
        clock.advance(Duration.ofSeconds(1));
        RecentAlgorithms.InBatch batch = recent.inBatch();
        assertThat(batch.recent("small")).isEmpty();

        // When this batch is about to refuse a job of it
        boolean readAgain = batch.readAgain("small");

        // Then it read the registry and finds the algorithm; a second refusal stands on that read
        assertThat(readAgain).isTrue();
        assertThat(batch.recent("small")).isPresent();
        assertThat(batch.readAgain("small")).isFalse();
        assertThat(registry.reads).hasSize(2);
    }

    @Test
    void recent_freshForZero_readsOncePerBatch() {
        // Given no reuse
        RecentAlgorithms none = new RecentAlgorithms(registry, Duration.ZERO, clock);
        registry.register(SMALL);

        // When two batches look small up twice each, at the same instant
        for (int batch = 0; batch < 2; batch++) {
            RecentAlgorithms.InBatch inBatch = none.inBatch();
            inBatch.recent("small");
            inBatch.recent("small");
        }

        // Then each batch read it once
        assertThat(registry.reads).containsExactly("small", "small");
    }
}
