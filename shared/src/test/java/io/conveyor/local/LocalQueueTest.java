package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue of a local run: placing walks it in order until every algorithm that waits found no room,
 * so a long queue costs what starts, not its length; new jobs learn once that they wait.
 */
class LocalQueueTest {

    final List<String> asked = new ArrayList<>();

    @Test
    void plan_longQueueOfOneAlgorithmWithRoomForOne_asksTwoJobsAndTellsTheNewOnesTheyWait() {
        // Given 1,000 queued jobs of one algorithm, room for one
        LocalQueue queue = new LocalQueue();
        for (int i = 0; i < 1000; i++) {
            queue.add("job-" + i, "count");
        }

        // When a placement is planned, then another with no room at all
        LocalQueue.Plan first = queue.plan(false, room(1));
        List<String> askedFirst = List.copyOf(asked);
        queue.remove("job-0");
        asked.clear();
        LocalQueue.Plan second = queue.plan(false, room(0));

        // Then the first starts job-0 and tells the 999 others, asking two; the second asks one and tells none
        assertThat(askedFirst).containsExactly("job-0", "job-1");
        assertThat(first.start()).containsExactly("job-0");
        assertThat(first.waiting()).hasSize(999).startsWith("job-1", "job-2");
        assertThat(second.start()).isEmpty();
        assertThat(second.waiting()).isEmpty();
        assertThat(asked).containsExactly("job-1");
    }

    @Test
    void plan_algorithmWithoutRoom_isPassedByForAnotherThatFitsInOrder() {
        // Given jobs of a big algorithm and of a small one, queued in turn
        LocalQueue queue = new LocalQueue();
        queue.add("big-1", "big");
        queue.add("small-1", "small");
        queue.add("big-2", "big");
        queue.add("small-2", "small");

        // When only the small ones fit
        LocalQueue.Plan plan = queue.plan(false, (id, algorithm) -> {
            asked.add(id);
            return algorithm.equals("small") ? LocalQueue.Verdict.PLACED : LocalQueue.Verdict.NO_ROOM;
        });

        // Then the small ones start, the big ones wait, and big-2 is passed by without asking
        assertThat(plan.start()).containsExactly("small-1", "small-2");
        assertThat(plan.waiting()).containsExactly("big-1", "big-2");
        assertThat(asked).containsExactly("big-1", "small-1", "small-2");
    }

    @Test
    void plan_everything_asksEveryJobAndRejectsWhatCannotRun() {
        // Given two jobs without room, one of them of an algorithm that is gone
        LocalQueue queue = new LocalQueue();
        queue.add("a-1", "a");
        queue.add("gone-1", "gone");
        queue.plan(false, (id, algorithm) -> LocalQueue.Verdict.NO_ROOM);

        // When every job is looked at
        LocalQueue.Plan plan = queue.plan(true, (id, algorithm) -> algorithm.equals("gone")
                ? LocalQueue.Verdict.rejected("unknown algorithm 'gone'") : LocalQueue.Verdict.NO_ROOM);

        // Then the job of the gone algorithm is rejected, saying why
        assertThat(plan.rejected()).containsEntry("gone-1", "unknown algorithm 'gone'").hasSize(1);
        assertThat(plan.start()).isEmpty();
    }

    /** Room for {@code jobs} more jobs, noting who asked. */
    java.util.function.BiFunction<String, String, LocalQueue.Verdict> room(int jobs) {
        int[] left = {jobs};
        return (id, algorithm) -> {
            asked.add(id);
            return left[0]-- > 0 ? LocalQueue.Verdict.PLACED : LocalQueue.Verdict.NO_ROOM;
        };
    }
}
