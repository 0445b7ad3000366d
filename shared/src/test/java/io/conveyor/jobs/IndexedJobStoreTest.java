package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.testing.InMemoryJobIndex;
import io.conveyor.testing.InMemoryJobStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records written with their summary in the index: listed from it alone, newest first, never older news. */
class IndexedJobStoreTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    final InMemoryJobStore records = new InMemoryJobStore();
    final InMemoryJobIndex index = new InMemoryJobIndex();
    final IndexedJobStore store = new IndexedJobStore(records, index);

    static NewJob job(String algorithm, String file) {
        return NewJob.of(new NewJob.JobInput("s3://in/inputs/" + algorithm + "/" + file, "v1"),
                new NewJob.AlgorithmRevision(algorithm, "r1", 2));
    }

    JobUpdates at(Instant time) {
        return new JobUpdates(store, Clock.fixed(time, ZoneOffset.UTC));
    }

    @Test
    void create_newJob_putsItsSummaryWithTheFirstWrite() {
        // Given / When a new job's record is created
        JobRecord created = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after();

        // Then the stored record counts one write, and the index holds its line of that write
        assertThat(records.get(created.id()).orElseThrow().writes()).isEqualTo(1);
        assertThat(index.entry(created.id())).isEqualTo(new JobIndex.Entry(JobSummary.of(records.get(created.id())
                .orElseThrow()), 1));
    }

    @Test
    void replace_eachChange_advancesTheCountAndTheIndexedState() {
        // Given a queued job
        JobRecord created = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after();

        // When it starts
        at(T0.plusSeconds(1)).apply(created.id(), new JobEvent.StartRequested("ci-1"));

        // Then the index shows the record as it stands, from its second write
        JobIndex.Entry entry = index.entry(created.id());
        assertThat(entry.writes()).isEqualTo(2);
        assertThat(entry.summary().state()).isEqualTo(JobState.STARTING);
        assertThat(entry.summary().attempts()).isEqualTo(1);
        assertThat(records.get(created.id()).orElseThrow().writes()).isEqualTo(2);
    }

    @Test
    void flushIndex_holdingStore_putsEachJobsLatestSummaryInOneCall() {
        // Given a store holding its index writes, and three jobs created and started through it
        IndexedJobStore holding = IndexedJobStore.holdingIndexWrites(records, index);
        JobUpdates updates = new JobUpdates(holding, Clock.fixed(T0, ZoneOffset.UTC));
        List<String> ids = new java.util.ArrayList<>();
        for (String file : List.of("a.txt", "b.txt", "c.txt")) {
            String id = updates.create(job("wc", file), List.of()).orElseThrow().after().id();
            updates.apply(id, new JobEvent.StartRequested("ci-1"));
            ids.add(id);
        }
        assertThat(index.entry(ids.get(0))).as("nothing indexed before the flush").isNull();

        // When the batch ends
        holding.flushIndex();

        // Then each job's latest summary (its second write, STARTING) is indexed, all in one call
        for (String id : ids) {
            assertThat(index.entry(id).writes()).isEqualTo(2);
            assertThat(index.entry(id).summary().state()).isEqualTo(JobState.STARTING);
        }
        assertThat(index.putAllCalls()).isEqualTo(1);

        // And a second flush has nothing left to put
        holding.flushIndex();
        assertThat(index.putAllCalls()).isEqualTo(1);
    }

    @Test
    void flushIndex_indexUnreachable_keepsTheRecordsAndTheNextWriteRepairsTheEntry() {
        // Given a holding store whose index fails at the flush
        IndexedJobStore holding = IndexedJobStore.holdingIndexWrites(records, index);
        JobUpdates updates = new JobUpdates(holding, Clock.fixed(T0, ZoneOffset.UTC));
        String id = updates.create(job("wc", "a.txt"), List.of()).orElseThrow().after().id();
        index.failing(true);

        // When the batch ends, then the flush does not throw and the record stands
        holding.flushIndex();
        assertThat(records.get(id)).isPresent();
        assertThat(index.entry(id)).isNull();

        // And the job's next write, flushed, repairs its entry
        index.failing(false);
        updates.apply(id, new JobEvent.StartRequested("ci-1"));
        holding.flushIndex();
        assertThat(index.entry(id).summary().state()).isEqualTo(JobState.STARTING);
    }

    @Test
    void list_severalJobs_newestFirstWithEachFilterFromTheIndexAlone() {
        // Given three jobs queued one minute apart, one of another algorithm, one started
        String a = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after().id();
        String b = at(T0.plusSeconds(60)).create(job("sum", "b.txt"), List.of()).orElseThrow().after().id();
        String c = at(T0.plusSeconds(120)).create(job("wc", "c.txt"), List.of()).orElseThrow().after().id();
        at(T0.plusSeconds(130)).apply(a, new JobEvent.StartRequested("ci-1"));
        int reads = records.writes();

        // When listed
        List<String> newest = ids(store.list(JobQuery.newest(10)));
        List<String> wc = ids(store.list(JobQuery.newest(10).withAlgorithm("wc")));
        List<String> starting = ids(store.list(JobQuery.newest(10).withState(JobState.STARTING)));
        List<String> byInput = ids(store.list(JobQuery.newest(10).withInputPrefix("s3://in/inputs/wc/c")));
        List<String> recent = ids(store.list(JobQuery.newest(10).withSince(T0.plusSeconds(60))));
        List<String> two = ids(store.list(JobQuery.newest(2)));

        // Then newest first by when they were queued, each filter applied
        assertThat(newest).containsExactly(c, b, a);
        assertThat(wc).containsExactly(c, a);
        assertThat(starting).containsExactly(a);
        assertThat(byInput).containsExactly(c);
        assertThat(recent).containsExactly(c, b);
        assertThat(two).containsExactly(c, b);
        assertThat(records.writes()).as("listing writes no record").isEqualTo(reads);
    }

    @Test
    void put_staleSummaryArrivingLate_isRefusedAndTheNewerStays() {
        // Given a job whose record was written twice, both summaries indexed
        JobRecord created = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after();
        at(T0.plusSeconds(1)).apply(created.id(), new JobEvent.StartRequested("ci-1"));
        JobRecord first = records.get(created.id()).orElseThrow().toBuilder().writes(1).state(JobState.QUEUED).build();

        // When the first write's summary reaches the index late (a slower writer)
        boolean put = index.put(JobIndex.Entry.of(first));

        // Then it is refused and the index still shows the newer state
        assertThat(put).isFalse();
        assertThat(index.entry(created.id()).summary().state()).isEqualTo(JobState.STARTING);
    }

    @Test
    void replace_indexWriteFails_keepsTheRecordAndTheNextWriteRepairsTheEntry() {
        // Given a queued job, and an index that becomes unreachable
        JobRecord created = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after();
        index.failing(true);

        // When the job starts
        var started = at(T0.plusSeconds(1)).apply(created.id(), new JobEvent.StartRequested("ci-1"));

        // Then the record moved (it is the truth), and the index lags it
        assertThat(started).get().extracting(Transition::changed).isEqualTo(true);
        assertThat(records.get(created.id()).orElseThrow().state()).isEqualTo(JobState.STARTING);
        assertThat(index.entry(created.id()).summary().state()).isEqualTo(JobState.QUEUED);

        // When the index is back and the job's next write comes, the entry is repaired
        index.failing(false);
        at(T0.plusSeconds(2)).apply(created.id(), new JobEvent.CancelRequested("not needed"));
        assertThat(index.entry(created.id()).summary().state()).isEqualTo(JobState.CANCELLED);
        assertThat(index.entry(created.id()).writes()).isEqualTo(3);
    }

    @Test
    void rebuild_indexLaggingItsRecords_readsEachRecordOnceAndRepairsOnlyWhatLags() {
        // Given two jobs, one of whose latest write never reached the index
        String a = at(T0).create(job("wc", "a.txt"), List.of()).orElseThrow().after().id();
        at(T0).create(job("wc", "b.txt"), List.of());
        index.failing(true);
        at(T0.plusSeconds(1)).apply(a, new JobEvent.StartRequested("ci-1"));
        index.failing(false);

        // When an operator rebuilds the index from the records
        JobIndexRebuild.Result result = new JobIndexRebuild(records, index).run();

        // Then both records were read, only the lagging entry was written
        assertThat(result).isEqualTo(new JobIndexRebuild.Result(2, 1));
        assertThat(index.entry(a).summary().state()).isEqualTo(JobState.STARTING);
    }

    static List<String> ids(List<JobSummary> jobs) {
        return jobs.stream().map(JobSummary::id).toList();
    }
}
