package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchDecision.GatherFailed;
import io.conveyor.batch.BatchDecision.MakeGather;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever order a batch's events are told in, and however often: the same final record, and the gather
 * decided exactly once.
 */
class BatchLifecyclePropertiesTest {

    static final Instant NOW = T0.plusSeconds(1800);

    /** A batch's events in the order they happened, and the same told in another order with repeats. */
    record Script(Pipeline pipeline, List<BatchEvent> inOrder, List<BatchEvent> told) {
    }

    @Property(tries = 200)
    void apply_anyOrderAndRepeats_sameRecordAndExactlyOneGather(@ForAll("scripts") Script script) {
        // Given a batch's events in order, and the same shuffled with repeats
        // When each is applied one at a time
        BatchFixtures.Run expected = BatchFixtures.run(BatchFixtures.open(script.pipeline()), script.pipeline(),
                script.inOrder(), NOW);
        BatchFixtures.Run told = BatchFixtures.run(BatchFixtures.open(script.pipeline()), script.pipeline(),
                script.told(), NOW);

        // Then the record is the same, the batch complete, and the gather decided once (made or failed)
        assertThat(told.record()).isEqualTo(expected.record());
        assertThat(told.record().state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(told.all(MakeGather.class).size() + told.all(GatherFailed.class).size()).isEqualTo(1);
        assertThat(told.record().late()).isEmpty();
    }

    @Provide
    Arbitrary<Script> scripts() {
        Arbitrary<Completion> completion = Arbitraries.of(Completion.MANIFEST, Completion.MARKER);
        Arbitrary<MemberFailure> policy = Arbitraries.of(MemberFailure.class);
        Arbitrary<List<Boolean>> outcomes = Arbitraries.of(true, true, true, false).list().ofMinSize(1).ofMaxSize(8);
        return Combinators.combine(completion, policy, outcomes).flatAs((how, onFailure, succeeded) -> {
            Pipeline pipeline = BatchFixtures.pipeline(how, onFailure);
            List<BatchEvent> inOrder = events(how, succeeded);
            Arbitrary<List<BatchEvent>> repeats = Arbitraries.of(inOrder).list().ofMaxSize(6);
            return repeats.flatMap(extra -> {
                List<BatchEvent> all = new ArrayList<>(inOrder);
                all.addAll(extra);
                return Arbitraries.shuffle(all);
            }).map(told -> new Script(pipeline, inOrder, told));
        });
    }

    private static List<BatchEvent> events(Completion how, List<Boolean> succeeded) {
        List<BatchEvent> events = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<BatchEvent.FileArrived> files = new ArrayList<>();
        for (int i = 0; i < succeeded.size(); i++) {
            String name = "f" + i + ".csv";
            names.add(name);
            files.add(BatchFixtures.file(name, 1 + i));
        }
        events.addAll(files);
        int closed = 1 + succeeded.size();
        events.add(how == Completion.MANIFEST ? BatchFixtures.manifest(closed, names.toArray(String[]::new))
                : new BatchEvent.MarkerArrived(T0.plusSeconds(closed), files));
        for (int i = 0; i < succeeded.size(); i++) {
            events.add(succeeded.get(i) ? BatchFixtures.succeeded(names.get(i), 100 + i)
                    : BatchFixtures.failed(names.get(i), 100 + i, "exit code " + i));
        }
        return events;
    }
}
