package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OverlapTest {

    @Test
    void each_slowEarlyItems_resultsInTheItemsOrder() {
        // Given steps that end in the reverse of their order
        Overlap overlap = new Overlap(4);
        List<Integer> items = List.of(40, 30, 20, 10);

        // When they run
        List<String> results = overlap.each(items, ms -> {
            sleep(ms);
            return "item-" + ms;
        });

        // Then the results are in the items' order
        assertThat(results).containsExactly("item-40", "item-30", "item-20", "item-10");
    }

    @Test
    void each_eightBlockingSteps_runFourAtOnceAndNoMore() throws Exception {
        // Given a parallelism of 4 and steps that wait until 4 are under way
        Overlap overlap = new Overlap(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch fourIn = new CountDownLatch(4);

        // When 8 run
        List<Boolean> together = overlap.each(IntStream.range(0, 8).boxed().toList(), i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            fourIn.countDown();
            boolean met = await(fourIn);
            sleep(5);
            running.decrementAndGet();
            return met;
        });

        // Then 4 were under way at once (so they overlapped), never more
        assertThat(together).containsOnly(true);
        assertThat(most.get()).isEqualTo(4);
    }

    @Test
    void each_oneStepThrows_theOthersStillRunAndTheFailureIsThrown() {
        // Given steps of which the second throws
        Overlap overlap = new Overlap(3);
        AtomicInteger done = new AtomicInteger();

        // When they run, Then the failure reaches the caller after every other step ended
        assertThatThrownBy(() -> overlap.each(List.of(1, 2, 3, 4), i -> {
            if (i == 2) {
                throw new IllegalStateException("step 2 broke");
            }
            sleep(10);
            return done.incrementAndGet();
        })).hasMessage("step 2 broke");
        assertThat(done.get()).isEqualTo(3);
    }

    @Test
    void each_parallelismOne_runsOnTheCallersThread() {
        // Given a parallelism of 1
        Overlap overlap = new Overlap(1);
        Thread caller = Thread.currentThread();

        // When steps run, Then they ran on the caller's thread
        assertThat(overlap.each(List.of(1, 2), i -> Thread.currentThread() == caller)).containsExactly(true, true);
    }

    @Test
    void constructor_parallelismZero_namesTheField() {
        assertThatThrownBy(() -> new Overlap(0)).hasMessageContaining("parallelism");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
