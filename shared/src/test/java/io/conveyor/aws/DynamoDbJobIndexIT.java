package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobIndex;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.RecordingInterceptor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The job index against moto's DynamoDB: the table as template.yaml declares it ({@link JobIndexTables}),
 * conditional puts on the write count, and listings through the indexes, newest first.
 */
@AwsEmulator
class DynamoDbJobIndexIT {

    static final String TABLE = "conveyor-it-job-index";
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    static JobSummary job(int n, String algorithm, JobState state, Instant queuedAt) {
        return new JobSummary("job-%024d".formatted(n), algorithm, "s3://in/inputs/" + algorithm + "/f" + n + ".txt", state,
                1, queuedAt.toString(), null, null, state == JobState.FAILED ? "exit code 3" : null);
    }

    DynamoDbJobIndex index(DynamoDbClient dynamoDb) {
        JobIndexTables.create(dynamoDb, TABLE);
        return new DynamoDbJobIndex(dynamoDb, TABLE, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void put_olderWriteAfterANewerOne_isRefusedAndTheNewerStays(Emulator emulator) {
        try (DynamoDbClient dynamoDb = emulator.clients().dynamoDb()) {
            // Given a job's entry of its third write
            DynamoDbJobIndex index = index(dynamoDb);
            assertThat(index.put(new JobIndex.Entry(job(1, "wc", JobState.RUNNING, NOW), 3))).isTrue();

            // When its second write's summary (QUEUED) arrives late, then its fourth
            boolean late = index.put(new JobIndex.Entry(job(1, "wc", JobState.QUEUED, NOW), 2));
            boolean same = index.put(new JobIndex.Entry(job(1, "wc", JobState.QUEUED, NOW), 3));
            boolean newer = index.put(new JobIndex.Entry(job(1, "wc", JobState.SUCCEEDED, NOW), 4));

            // Then only the newer one was written
            assertThat(late).isFalse();
            assertThat(same).isFalse();
            assertThat(newer).isTrue();
            assertThat(index.list(JobQuery.newest(5))).extracting(JobSummary::state).containsExactly(JobState.SUCCEEDED);
        }
    }

    @Test
    void putAll_someHoldingLaterWrites_writesTheRestInTransactionsAndCountsTheOlder(Emulator emulator) {
        RecordingInterceptor calls = new RecordingInterceptor();
        try (DynamoDbClient dynamoDb = emulator.clients().with(calls).dynamoDb()) {
            // Given two jobs whose entries of their fifth write are held already
            DynamoDbJobIndex index = index(dynamoDb);
            index.put(new JobIndex.Entry(job(3, "wc", JobState.SUCCEEDED, NOW), 5));
            index.put(new JobIndex.Entry(job(7, "wc", JobState.SUCCEEDED, NOW), 5));
            int before = calls.requests().size();

            // When 150 entries of second writes are put together, those two among them
            List<JobIndex.Entry> entries = new ArrayList<>();
            for (int n = 0; n < 150; n++) {
                entries.add(new JobIndex.Entry(job(n, "wc", JobState.STARTING, NOW.plusSeconds(n)), 2));
            }
            int older = index.putAll(entries);

            // Then the two are counted as older and left as they were; the other 148 are written, in transactions
            // of at most 100: the first one cancelled for the two and sent again without them, then the last 50
            assertThat(older).isEqualTo(2);
            List<JobSummary> listed = index.list(JobQuery.newest(200));
            assertThat(listed).hasSize(150);
            assertThat(listed).filteredOn(j -> j.state() == JobState.SUCCEEDED).extracting(JobSummary::id)
                    .containsExactlyInAnyOrder(job(3, "wc", JobState.SUCCEEDED, NOW).id(), job(7, "wc", JobState.SUCCEEDED, NOW).id());
            List<software.amazon.awssdk.core.SdkRequest> made = calls.requests().subList(before, calls.requests().size());
            assertThat(made.stream().filter(r -> r instanceof software.amazon.awssdk.services.dynamodb.model
                    .TransactWriteItemsRequest)).hasSize(3);
            assertThat(made.stream().filter(r -> r instanceof software.amazon.awssdk.services.dynamodb.model
                    .PutItemRequest)).isEmpty();
        }
    }

    @Test
    void list_eachFilter_newestFirstThroughOneIndex(Emulator emulator) {
        RecordingInterceptor calls = new RecordingInterceptor();
        try (DynamoDbClient dynamoDb = emulator.clients().with(calls).dynamoDb()) {
            // Given jobs of two algorithms over two months, a second apart (sub-second times among them)
            DynamoDbJobIndex index = index(dynamoDb);
            List<JobIndex.Entry> entries = new ArrayList<>();
            for (int n = 0; n < 60; n++) {
                Instant queued = NOW.minusSeconds(40L * 24 * 3600).plusSeconds(n * 24L * 3600 / 2).plusMillis(n % 3 * 100);
                entries.add(new JobIndex.Entry(job(n, n % 2 == 0 ? "wc" : "sum",
                        n % 5 == 0 ? JobState.FAILED : JobState.SUCCEEDED, queued), 1));
            }
            index.load(entries);
            int before = calls.requests().size();

            // When listed with each filter
            List<JobSummary> newest = index.list(JobQuery.newest(7));
            int newestCalls = calls.requests().size() - before;
            List<JobSummary> wc = index.list(JobQuery.newest(100).withAlgorithm("wc"));
            List<JobSummary> failed = index.list(JobQuery.newest(100).withState(JobState.FAILED));
            List<JobSummary> failedWc = index.list(JobQuery.newest(100).withAlgorithm("wc").withState(JobState.FAILED));
            List<JobSummary> input = index.list(JobQuery.newest(100).withInputPrefix("s3://in/inputs/sum/f1"));
            Instant since = NOW.minusSeconds(15L * 24 * 3600);
            List<JobSummary> recent = index.list(JobQuery.newest(100).withSince(since));

            // Then each is what a reading of every record would give, newest first
            List<JobSummary> all = entries.stream().map(JobIndex.Entry::summary).toList();
            assertThat(newest).isEqualTo(expected(all, JobQuery.newest(7)));
            assertThat(newestCalls).as("7 of this month's jobs: one Query").isEqualTo(1);
            assertThat(wc).isEqualTo(expected(all, JobQuery.newest(100).withAlgorithm("wc"))).hasSize(30);
            assertThat(failed).isEqualTo(expected(all, JobQuery.newest(100).withState(JobState.FAILED))).hasSize(12);
            assertThat(failedWc).isEqualTo(expected(all, JobQuery.newest(100).withAlgorithm("wc").withState(JobState.FAILED)));
            assertThat(input).isEqualTo(expected(all, JobQuery.newest(100).withInputPrefix("s3://in/inputs/sum/f1")))
                    .extracting(JobSummary::id).isNotEmpty();
            assertThat(recent).isEqualTo(expected(all, JobQuery.newest(100).withSince(since))).isNotEmpty();
        }
    }

    @Test
    void list_noJobAtAll_stopsWalkingBackAfterAYearOfEmptyMonths(Emulator emulator) {
        RecordingInterceptor calls = new RecordingInterceptor();
        try (DynamoDbClient dynamoDb = emulator.clients().with(calls).dynamoDb()) {
            DynamoDbJobIndex index = index(dynamoDb);
            int before = calls.requests().size();

            assertThat(index.list(JobQuery.newest(10))).isEmpty();
            assertThat(calls.requests().size() - before).isEqualTo(DynamoDbJobIndex.EMPTY_MONTHS_TO_STOP);
        }
    }

    @Test
    void algorithmOf_inputPrefixes_namesTheAlgorithmOnlyUnderInputs() {
        assertThat(DynamoDbJobIndex.algorithmOf("s3://in/inputs/wc/run 1/")).isEqualTo("wc");
        assertThat(DynamoDbJobIndex.algorithmOf("inputs/wc/a")).isEqualTo("wc");
        assertThat(DynamoDbJobIndex.algorithmOf("s3://in/inputs/wc")).isNull();
        assertThat(DynamoDbJobIndex.algorithmOf("s3://out/outputs/wc/a.txt/")).isNull();
    }

    static List<JobSummary> expected(List<JobSummary> all, JobQuery query) {
        return all.stream().filter(query::matches).sorted(java.util.Comparator.comparing(
                (JobSummary s) -> DynamoDbJobIndex.sortable(Instant.parse(s.queuedAt()))).reversed())
                .limit(query.limit()).toList();
    }

    @Test
    void list_pipelineAndBatch_filtersOnTheirAttributesAndItemsWithoutThemReadAsOutsidePipelines(Emulator emulator) {
        RecordingInterceptor calls = new RecordingInterceptor();
        try (DynamoDbClient dynamoDb = emulator.clients().with(calls).dynamoDb()) {
            // Given a job outside pipelines (written as before) and jobs of two batches of two pipelines
            DynamoDbJobIndex index = index(dynamoDb);
            index.put(new JobIndex.Entry(job(1, "wc", JobState.SUCCEEDED, NOW.minusSeconds(50)), 1));
            index.put(new JobIndex.Entry(placed(2, "fan", "b1", "tag", NOW.minusSeconds(40)), 1));
            index.put(new JobIndex.Entry(placed(3, "fan", "b2", "tag", NOW.minusSeconds(30)), 1));
            index.put(new JobIndex.Entry(placed(4, "two", "b1", "up", NOW.minusSeconds(20)), 1));

            // When listed by pipeline, by batch, by both, and unfiltered
            List<JobSummary> fan = index.list(JobQuery.newest(10).withPipeline("fan"));
            int before = calls.requests().size();
            List<JobSummary> b1 = index.list(JobQuery.newest(10).withBatch("b1"));
            String request = calls.requests().get(before).toString();
            List<JobSummary> fanB1 = index.list(JobQuery.newest(10).withPipeline("fan").withBatch("b1"));
            List<JobSummary> all = index.list(JobQuery.newest(10));

            // Then each has what it asked for, newest first, with the place read back
            assertThat(fan).extracting(JobSummary::id).containsExactly("job-%024d".formatted(3),
                    "job-%024d".formatted(2));
            assertThat(b1).extracting(JobSummary::pipeline).containsExactly("two", "fan");
            assertThat(request).contains("#batch = :batch");
            assertThat(fanB1).singleElement().satisfies(j -> {
                assertThat(j.batch()).isEqualTo("b1");
                assertThat(j.step()).isEqualTo("tag");
            });
            assertThat(all).hasSize(4).last().satisfies(old -> {
                assertThat(old.pipeline()).isNull();
                assertThat(old.batch()).isNull();
                assertThat(old.step()).isNull();
            });
        }
    }

    static JobSummary placed(int n, String pipeline, String batch, String step, Instant queuedAt) {
        return new JobSummary("job-%024d".formatted(n), "tag", "s3://in/inputs/" + pipeline + "/" + batch + "/f.txt",
                JobState.SUCCEEDED, 1, queuedAt.toString(), null, null, null, pipeline, batch, step);
    }
}
