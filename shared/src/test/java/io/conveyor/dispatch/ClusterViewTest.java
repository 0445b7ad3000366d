package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final AtomicInteger reads = new AtomicInteger();
    final ClusterView view = new ClusterView(() -> {
        reads.incrementAndGet();
        return List.of(new ContainerInstanceLoad("ci-1", "i-1", "ACTIVE", true, 0, 0, "m6i.large", 4096, 7482, 4096,
                7482));
    }, Duration.ofSeconds(5), clock);

    @Test
    void current_withinFiveSeconds_reusesTheRead() {
        // Given a view read now
        assertThat(view.current().fresh()).isTrue();

        // When asked again 4.9 s later
        clock.advance(Duration.ofMillis(4_900));
        ClusterView.Read again = view.current();

        // Then the cluster was read once
        assertThat(again.fresh()).isFalse();
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void current_afterFiveSeconds_readsTheClusterAgain() {
        // Given a view read now
        view.current();

        // When asked again 5 s later
        clock.advance(Duration.ofSeconds(5));
        ClusterView.Read again = view.current();

        // Then the cluster was read again
        assertThat(again.fresh()).isTrue();
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void placed_reusedView_showsTheRoomLeft() {
        // Given a view of one instance with 4096 CPU units and 7482 MiB free
        view.current();

        // When a batch started two tasks of 1024 units and 2048 MiB on it
        view.placed(Map.of("ci-1", new ClusterView.Taken(2048, 4096, 2)));

        // Then the next batch sees what is left, without reading the cluster
        ContainerInstanceLoad load = view.current().instances().get(0);
        assertThat(load.remainingCpuUnits()).isEqualTo(2048);
        assertThat(load.remainingMemoryMiB()).isEqualTo(3386);
        assertThat(load.pendingTasks()).isEqualTo(2);
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void invalidate_freshView_nextBatchReadsTheCluster() {
        // Given a view read now
        view.current();

        // When a start was refused (ECS saw the cluster otherwise)
        view.invalidate();

        // Then the next batch reads it, however fresh the view was
        assertThat(view.current().fresh()).isTrue();
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void current_freshForZero_readsForEveryBatch() {
        // Given a view that is never fresh
        ClusterView never = new ClusterView(() -> {
            reads.incrementAndGet();
            return List.of();
        }, Duration.ZERO, clock);

        // When asked twice at the same instant
        never.current();
        never.current();

        // Then the cluster was read twice
        assertThat(reads.get()).isEqualTo(2);
    }
}
