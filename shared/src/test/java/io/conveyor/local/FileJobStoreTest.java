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
}
