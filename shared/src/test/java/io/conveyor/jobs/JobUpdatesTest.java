package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.testing.InMemoryJobStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How drivers write what the lifecycle decides: conditionally, reading the record again when
 * somebody else changed it meanwhile, up to {@link JobUpdates#WRITE_TRIES} times.
 */
class JobUpdatesTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("wc", "r1", 2));

    final InMemoryJobStore store = new InMemoryJobStore();

    @Test
    void apply_recordChangedTwiceMeanwhile_writesOnTheThirdRead() {
        // Given a queued job whose record two other writers touch between this writer's reads and writes
        store.create(JobLifecycle.admit(JOB, T0));
        JobUpdates updates = new JobUpdates(new ChangingStore(store, JobUpdates.WRITE_TRIES - 1), Clock.fixed(T0,
                ZoneOffset.UTC));

        // When a start is applied
        Optional<Transition> applied = updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1"));

        // Then it is written on the last try, and returned
        assertThat(applied).get().extracting(t -> t.after().state()).isEqualTo(JobState.STARTING);
        assertThat(store.get(JOB.id()).orElseThrow().state()).isEqualTo(JobState.STARTING);
        assertThat(store.get(JOB.id()).orElseThrow().attempt()).isEqualTo(1);
    }

    @Test
    void apply_recordChangedAtEveryTry_leavesTheEventForLater() {
        store.create(JobLifecycle.admit(JOB, T0));
        JobUpdates updates = new JobUpdates(new ChangingStore(store, JobUpdates.WRITE_TRIES), Clock.fixed(T0,
                ZoneOffset.UTC));

        assertThatThrownBy(() -> updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1")))
                .isInstanceOf(JobUpdates.ConcurrentChangeException.class).hasMessageContaining(JOB.id());
        assertThat(store.get(JOB.id()).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void apply_eventThatChangesNothing_writesNothingButReturnsItsEffects() {
        // Given a queued job (as a crashed local run left it)
        store.create(JobLifecycle.admit(JOB, T0));
        int writes = store.writes();
        JobUpdates updates = new JobUpdates(store, Clock.fixed(T0, ZoneOffset.UTC));

        // When the run resumes
        Optional<Transition> resumed = updates.apply(JOB.id(), new JobEvent.ResumedAfterCrash("resumed"));

        // Then the record is as it was, and the job is to be placed again
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(resumed).get().extracting(Transition::kind).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(resumed.orElseThrow().effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
        assertThat(updates.apply("job-00000000000000000000000f", new JobEvent.ResumedAfterCrash("resumed"))).isEmpty();
    }

    /** A store where another writer changes the record just before each of this writer's first replaces. */
    static final class ChangingStore implements JobStore {
        private final InMemoryJobStore store;
        private int changes;

        ChangingStore(InMemoryJobStore store, int changes) {
            this.store = store;
            this.changes = changes;
        }

        @Override
        public Optional<JobRecord> get(String id) {
            return store.get(id);
        }

        @Override
        public Optional<Versioned> read(String id) {
            return store.read(id);
        }

        @Override
        public boolean create(JobRecord record) {
            return store.create(record);
        }

        @Override
        public boolean replace(JobRecord record, String version) {
            if (changes > 0) {
                changes--;
                store.overwrite(store.get(record.id()).orElseThrow());
            }
            return store.replace(record, version);
        }

        @Override
        public List<JobRecord> all() {
            return store.all();
        }

        @Override
        public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
            return store.list(query);
        }
    }
}
