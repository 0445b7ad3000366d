package io.conveyor.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import io.conveyor.testing.InMemoryObjectStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectIntakeTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectIntake intake = new ObjectIntake(store, "inputs/");

    private static StorageEvent created(String key, String version) {
        return new StorageEvent(StorageEvent.Kind.CREATED, "ObjectCreated:Put", new ObjectRef("in", key), version,
                "e", 3, null);
    }

    @Test
    void accept_existingVersion_arrivesWithWhatTheStoreSays() {
        ObjectRef ref = new ObjectRef("in", "inputs/wc/a b.txt");
        store.put(new StoredObject(ref, "v7", "\"etag\"", 0));

        List<Arrival> arrivals = intake.accept(List.of(created("inputs/wc/a b.txt", "v7")));

        assertThat(arrivals).singleElement().satisfies(arrival -> {
            assertThat(arrival.outcome()).isEqualTo(Arrival.Outcome.ARRIVED);
            assertThat(arrival.object().eTag()).isEqualTo("etag");
            assertThat(arrival.object().size()).isZero();
        });
        assertThat(store.asked()).containsExactly("inputs/wc/a b.txt@v7");
    }

    @Test
    void accept_versionNoLongerThere_isGone() {
        ObjectRef ref = new ObjectRef("in", "inputs/wc/a.txt");
        store.put(new StoredObject(ref, "v8", "e", 1));

        assertThat(intake.accept(List.of(created("inputs/wc/a.txt", "v7"))))
                .extracting(Arrival::outcome).containsExactly(Arrival.Outcome.GONE);
    }

    @Test
    void accept_keyOutsidePrefixOrThePrefixItself_isIgnoredWithoutAskingTheStore() {
        List<Arrival> arrivals = intake.accept(List.of(created("other/a.txt", null), created("inputs/", null)));

        assertThat(arrivals).extracting(Arrival::outcome)
                .containsExactly(Arrival.Outcome.OUTSIDE_PREFIX, Arrival.Outcome.OUTSIDE_PREFIX);
        assertThat(store.asked()).isEmpty();
    }

    @Test
    void accept_removal_isRemovedWithoutAskingTheStore() {
        StorageEvent removed = new StorageEvent(StorageEvent.Kind.REMOVED, "ObjectRemoved:Delete",
                new ObjectRef("in", "inputs/wc/a.txt"), null, null, -1, null);

        assertThat(intake.accept(List.of(removed))).extracting(Arrival::outcome)
                .containsExactly(Arrival.Outcome.REMOVED);
        assertThat(store.asked()).isEmpty();
    }

    @Test
    void new_prefixWithoutSlash_isRefused() {
        assertThatThrownBy(() -> new ObjectIntake(store, "inputs")).hasMessageContaining("must end with '/'");
    }
}
