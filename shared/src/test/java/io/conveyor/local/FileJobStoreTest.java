package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import io.conveyor.testing.JobFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job records as files of the outbox: created once per id, replaced only over the version that was
 * read, a crash between creating and writing leaves no record, stray files are no records.
 */
class FileJobStoreTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path jobs;

    final JobRecord queued = JobFixtures.queued(JobFixtures.job("/inbox/wc/a.txt", "sha256:ab", "wc", "r1", 1), T0);

    @Test
    void create_sameIdTwice_keepsTheFirstRecord() {
        FileJobStore store = new FileJobStore(jobs);
        JobRecord rejected = JobFixtures.after(queued, T0, new JobEvent.Rejected("no"));

        assertThat(store.create(queued)).isTrue();
        assertThat(store.create(rejected)).isFalse();
        assertThat(store.get(queued.id())).contains(queued);
    }

    @Test
    void create_overTheEmptyFileOfACrashedCreate_writesTheRecord() throws Exception {
        Files.createFile(jobs.resolve(queued.id() + ".json"));
        FileJobStore store = new FileJobStore(jobs);

        assertThat(store.get(queued.id())).isEmpty();
        assertThat(store.create(queued)).isTrue();
        assertThat(store.get(queued.id())).contains(queued);
    }

    @Test
    void replace_versionThatWasRead_writesButAnOlderOneDoesNot() {
        FileJobStore store = new FileJobStore(jobs);
        store.create(queued);
        JobStore.Versioned read = store.read(queued.id()).orElseThrow();
        JobRecord starting = JobFixtures.after(queued, T0, new JobEvent.StartRequested(null));
        JobRecord rejected = JobFixtures.after(queued, T0, new JobEvent.Rejected("too late"));

        assertThat(store.replace(starting, read.version())).isTrue();
        assertThat(store.replace(rejected, read.version())).as("the record changed since it was read").isFalse();
        assertThat(store.get(queued.id())).contains(starting);
        assertThat(store.replace(JobFixtures.queued(JobFixtures.job("/inbox/wc/b.txt", "sha256:cd", "wc", "r1", 1), T0),
                read.version())).as("no such record").isFalse();
    }

    @Test
    void all_strayFilesBesideTheRecords_areNoRecords() throws Exception {
        FileJobStore store = new FileJobStore(jobs);
        store.create(queued);
        byte[] copy = Json.mapper().writeValueAsBytes(JobFixtures.queued(JobFixtures.job("/inbox/wc/b.txt", "sha256:cd",
                "wc", "r1", 1), T0));
        Files.write(jobs.resolve(".backup.json"), copy);
        Files.write(jobs.resolve("notes.txt"), copy);

        assertThat(store.all()).containsExactly(queued);
    }

    @Test
    void all_folderNamedLikeARecord_isSkippedNotFatal() throws Exception {
        // Given a record and, beside it, a folder whose name ends in .json
        FileJobStore store = new FileJobStore(jobs);
        store.create(queued);
        Files.createDirectories(jobs.resolve("job-000000000000000000000000.json"));

        // When every record is listed (as a local run does when it starts), Then the folder is no record
        assertThat(store.all()).containsExactly(queued);
    }

    @Test
    void held_recordAnotherStoreChanged_isTheNewOneOnceTheJournalNamesIt() {
        // Given the run's store holding a record it wrote
        FileJobStore run = new FileJobStore(jobs);
        run.create(queued);
        JobStore.Versioned held = run.held(queued.id()).orElseThrow();

        // When a job command's store changes it
        FileJobStore command = new FileJobStore(jobs);
        JobRecord cancelled = JobFixtures.after(queued, T0, new JobEvent.CancelRequested("cancelled by alice"));
        assertThat(command.replace(cancelled, command.read(queued.id()).orElseThrow().version())).isTrue();

        // Then a replace over what the run held fails, and once the journal names the job the run holds the change
        assertThat(held.record()).isEqualTo(queued);
        assertThat(run.replace(JobFixtures.after(queued, T0, new JobEvent.StartRequested(null)), held.version()))
                .isFalse();
        assertThat(run.changesSince(0).ids()).containsExactly(queued.id());
        assertThat(run.held(queued.id()).orElseThrow().record()).isEqualTo(cancelled);
    }

    @Test
    void replace_byTheRunThatOwnsTheFolder_trustsWhatItHoldsUnlessTheJournalNamesTheRecord() throws Exception {
        // Given the owning run's store holding two records it wrote
        FileJobStore run = new FileJobStore(jobs);
        run.clearChanges();
        JobRecord other = JobFixtures.queued(JobFixtures.job("/in/b.txt", "sha256:bb", "count", "r1", 1), T0);
        run.create(queued);
        run.create(other);
        JobStore.Versioned heldQueued = run.held(queued.id()).orElseThrow();
        JobStore.Versioned heldOther = run.held(other.id()).orElseThrow();

        // When one is edited by hand (no journal line) and a job command's store cancels the other
        Files.writeString(jobs.resolve(queued.id() + ".json"), Files.readString(jobs.resolve(queued.id() + ".json"))
                .replace("QUEUED", "QUEUED "));
        FileJobStore command = new FileJobStore(jobs);
        assertThat(command.replace(JobFixtures.after(other, T0, new JobEvent.CancelRequested("by alice")),
                command.read(other.id()).orElseThrow().version())).isTrue();

        // Then the run replaces the first without reading it (the hand edit goes unseen, as documented), and its
        // replace of the second fails: the journal named it, whatever the run held
        JobRecord started = JobFixtures.after(queued, T0, new JobEvent.StartRequested(null));
        assertThat(run.replace(started, heldQueued.version())).isTrue();
        assertThat(run.get(queued.id())).contains(started);
        assertThat(run.replace(JobFixtures.after(other, T0, new JobEvent.StartRequested(null)), heldOther.version()))
                .isFalse();
        assertThat(run.get(other.id()).orElseThrow().state()).isEqualTo(io.conveyor.jobs.JobState.CANCELLED);
    }

    @Test
    void replace_byTheOwnerAfterItsJournalWasRemovedByHand_readsTheRecordAgain() throws Exception {
        // Given the owning run's store holding a record, and another store that changed it and then lost the journal
        FileJobStore run = new FileJobStore(jobs);
        run.clearChanges();
        run.create(queued);
        JobStore.Versioned held = run.held(queued.id()).orElseThrow();
        FileJobStore command = new FileJobStore(jobs);
        assertThat(command.replace(JobFixtures.after(queued, T0, new JobEvent.CancelRequested("by alice")),
                command.read(queued.id()).orElseThrow().version())).isTrue();
        Files.delete(jobs.resolve(".changes"));

        // When the run replaces what it held
        boolean replaced = run.replace(JobFixtures.after(queued, T0, new JobEvent.StartRequested(null)), held.version());

        // Then it read the record again, found the change, and wrote nothing
        assertThat(replaced).isFalse();
        assertThat(run.get(queued.id()).orElseThrow().state()).isEqualTo(io.conveyor.jobs.JobState.CANCELLED);
    }

    @Test
    void briefs_records_sayEachJobsInputStateAndAttemptWithoutReadingThemWhole() {
        // Given a queued record and a finished one
        FileJobStore store = new FileJobStore(jobs);
        store.create(queued);
        JobRecord other = JobFixtures.queued(JobFixtures.job("/inbox/wc/b.txt", "sha256:cd", "wc", "r1", 1), T0);
        store.create(JobFixtures.after(other, T0, new JobEvent.Rejected("no")));

        // When their briefs are read
        java.util.List<FileJobStore.Brief> briefs = new java.util.ArrayList<>();
        store.briefs(briefs::add);

        // Then each says what the record says
        assertThat(briefs).containsExactlyInAnyOrder(
                new FileJobStore.Brief(queued.id(), "wc", "/inbox/wc/a.txt", "sha256:ab",
                        io.conveyor.jobs.JobState.QUEUED, 0, T0.toString()),
                new FileJobStore.Brief(other.id(), "wc", "/inbox/wc/b.txt", "sha256:cd",
                        io.conveyor.jobs.JobState.FAILED, 0, T0.toString()));
    }

    @Test
    void list_queries_giveWhatSelectingFromEveryRecordGivesFromTheRecordsAsFromTheirIndex() throws Exception {
        // Given 60 records of two algorithms, in several states, queued at times some of which are equal
        FileJobStore store = new FileJobStore(jobs);
        java.util.Random random = new java.util.Random(17);
        for (int i = 0; i < 60; i++) {
            String algorithm = random.nextBoolean() ? "wc" : "sort";
            String input = "/inbox/" + algorithm + "/" + (i % 3 == 0 ? "2026/" : "") + i + ".txt";
            JobRecord record = JobFixtures.queued(JobFixtures.job(input, "sha256:" + i, algorithm, "r1", 2),
                    T0.plusSeconds(random.nextInt(20)));
            store.create(switch (random.nextInt(3)) {
                case 0 -> record;
                case 1 -> JobFixtures.after(record, T0, new JobEvent.Rejected("no"));
                default -> JobFixtures.after(record, T0, new JobEvent.StartRequested(null));
            });
        }
        java.util.List<io.conveyor.jobs.JobQuery> queries = java.util.List.of(io.conveyor.jobs.JobQuery.newest(5),
                io.conveyor.jobs.JobQuery.newest(100), io.conveyor.jobs.JobQuery.newest(7).withAlgorithm("sort"),
                io.conveyor.jobs.JobQuery.newest(4).withState(io.conveyor.jobs.JobState.FAILED),
                io.conveyor.jobs.JobQuery.newest(50).withInputPrefix("/inbox/wc/2026/"),
                new io.conveyor.jobs.JobQuery(null, null, null, T0.plusSeconds(15), 9));
        java.util.List<JobRecord> all = store.all();

        // When each is listed from the records, then again once their index was written, then from an index of the
        // format before briefs carried their queuedAt
        Files.setLastModifiedTime(jobs, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(10)));
        for (io.conveyor.jobs.JobQuery query : queries) {
            assertThat(store.list(query)).as("from the records: %s", query).isEqualTo(query.select(all));
        }
        Path index = jobs.resolveSibling("." + jobs.getFileName() + "-briefs.jsonl");
        assertThat(index).exists();
        for (io.conveyor.jobs.JobQuery query : queries) {
            assertThat(store.list(query)).as("from the index: %s", query).isEqualTo(query.select(all));
        }
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(index));
        lines.set(0, lines.get(0).replace(",\"format\":" + BriefIndex.FORMAT, ""));
        Files.write(index, java.util.stream.Stream.concat(lines.stream().limit(1), lines.stream().skip(1)
                .map(line -> line.replaceAll(",\"queuedAt\":\"[^\"]*\"", ""))).toList());
        for (io.conveyor.jobs.JobQuery query : queries) {
            assertThat(store.list(query)).as("past an index of the older format: %s", query)
                    .isEqualTo(query.select(all));
        }
    }

    @Test
    void list_newestFew_readsOnlyTheRecordsItListsWhole() throws Exception {
        // Given three new records, and an older one whose brief reads but whose record as a whole does not
        FileJobStore store = new FileJobStore(jobs);
        for (int i = 1; i <= 3; i++) {
            store.create(JobFixtures.queued(JobFixtures.job("/inbox/wc/" + i + ".txt", "sha256:" + i, "wc", "r1", 1),
                    T0.plusSeconds(i)));
        }
        store.create(queued);
        Path old = jobs.resolve(queued.id() + ".json");
        Files.writeString(old, Files.readString(old).replaceFirst("\\{", "{\"exitCode\": \"not a number\", "));

        // When the newest three are listed, then the newest four
        java.util.List<io.conveyor.jobs.JobSummary> newest = store.list(io.conveyor.jobs.JobQuery.newest(3));

        // Then the three came without the older record read whole; the four need it, and its fault is said
        assertThat(newest).extracting(io.conveyor.jobs.JobSummary::input)
                .containsExactly("/inbox/wc/3.txt", "/inbox/wc/2.txt", "/inbox/wc/1.txt");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.list(io.conveyor.jobs.JobQuery.newest(4)))
                .hasMessageContaining(queued.id());
    }

    /** The briefs as {@link FileJobStore#briefs} gives them. */
    private static java.util.List<FileJobStore.Brief> briefs(FileJobStore store) {
        java.util.List<FileJobStore.Brief> briefs = new java.util.ArrayList<>();
        store.briefs(briefs::add);
        return briefs;
    }

    /** A store of records in {@code folder} (its index lies beside it, in the temporary folder) holding {@link #queued}. */
    private FileJobStore holdingQueued(Path folder) {
        FileJobStore store = new FileJobStore(folder);
        store.create(queued);
        return store;
    }

    /** Sets the folder's time of change back, as if its last record were written a minute ago. */
    private static java.nio.file.attribute.FileTime settled(Path folder) throws java.io.IOException {
        java.nio.file.attribute.FileTime then = java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(folder, then);
        return then;
    }

    @Test
    void briefs_folderUnchangedSinceLastRead_comeFromTheIndexNotTheRecords() throws Exception {
        // Given records whose folder last changed a minute ago, read once (which writes the index beside the folder)
        Path folder = jobs.resolve("jobs");
        FileJobStore store = holdingQueued(folder);
        java.nio.file.attribute.FileTime then = settled(folder);
        java.util.List<FileJobStore.Brief> first = briefs(store);
        assertThat(jobs.resolve(".jobs-briefs.jsonl")).exists();

        // When a record's bytes change behind the store's back and the folder's time is put back as it was
        Files.writeString(folder.resolve(queued.id() + ".json"), "not JSON");
        Files.setLastModifiedTime(folder, then);

        // Then the briefs are the index's: the record is not read (reading it would fail)
        assertThat(briefs(new FileJobStore(folder))).isEqualTo(first).singleElement()
                .satisfies(brief -> assertThat(brief.id()).isEqualTo(queued.id()));
    }

    @Test
    void briefs_manyRecordsIndexed_comeBackFromTheIndexAsTheRecordsSayThem() throws Exception {
        // Given three records, one finished, whose folder last changed a minute ago, read once (writing the index)
        Path folder = jobs.resolve("jobs");
        FileJobStore store = holdingQueued(folder);
        store.create(JobFixtures.queued(JobFixtures.job("/inbox/wc/b.txt", "sha256:cd", "wc", "r1", 1), T0));
        JobRecord third = JobFixtures.queued(JobFixtures.job("/inbox/wc/c.txt", "sha256:ef", "wc", "r1", 1), T0);
        store.create(JobFixtures.after(third, T0, new JobEvent.Rejected("no")));
        java.nio.file.attribute.FileTime then = settled(folder);
        java.util.List<FileJobStore.Brief> fromRecords = briefs(store);

        // When every record's bytes change behind the store's back and the folder's time is put back as it was
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Files.writeString(file, "not JSON");
            }
        }
        Files.setLastModifiedTime(folder, then);

        // Then a new store gives all three from the index, each as its record said it
        assertThat(fromRecords).hasSize(3);
        assertThat(briefs(new FileJobStore(folder))).containsExactlyElementsOf(fromRecords);
    }

    @Test
    void briefs_recordReplacedAfterTheIndex_areReadFromTheRecordsAgain() throws Exception {
        // Given an index written while the job was QUEUED
        Path folder = jobs.resolve("jobs");
        FileJobStore store = holdingQueued(folder);
        settled(folder);
        assertThat(briefs(store)).extracting(FileJobStore.Brief::state).containsExactly(io.conveyor.jobs.JobState.QUEUED);

        // When the record is replaced (its job rejected)
        assertThat(store.replace(JobFixtures.after(queued, T0, new JobEvent.Rejected("no")),
                store.read(queued.id()).orElseThrow().version())).isTrue();

        // Then the briefs say what the record says now
        assertThat(briefs(new FileJobStore(folder))).extracting(FileJobStore.Brief::state)
                .containsExactly(io.conveyor.jobs.JobState.FAILED);
    }

    @Test
    void briefs_folderChangedWithinTheLastSecond_writeNoIndex() {
        // Given a record written just now
        Path folder = jobs.resolve("jobs");
        FileJobStore store = holdingQueued(folder);

        // When the briefs are read
        assertThat(briefs(store)).hasSize(1);

        // Then no index is written: a change in the same tick could leave the folder's time alike
        assertThat(jobs.resolve(".jobs-briefs.jsonl")).doesNotExist();
    }

    @Test
    void briefs_indexCutShortOrNotJson_isIgnoredAndTheRecordsRead() throws Exception {
        // Given an index that names the folder's time but is cut short, then one that is no JSON
        Path folder = jobs.resolve("jobs");
        FileJobStore store = holdingQueued(folder);
        java.nio.file.attribute.FileTime then = settled(folder);
        String header = "{\"folderTime\": " + then.to(java.util.concurrent.TimeUnit.NANOSECONDS) + ", \"count\": 2}\n";
        for (String index : java.util.List.of(header, "{{{\n")) {
            Files.writeString(jobs.resolve(".jobs-briefs.jsonl"), index);

            // When the briefs are read, Then they are the records'
            assertThat(briefs(new FileJobStore(folder))).extracting(FileJobStore.Brief::id).containsExactly(queued.id());
        }
    }
}
