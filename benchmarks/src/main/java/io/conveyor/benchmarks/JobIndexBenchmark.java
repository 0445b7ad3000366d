package io.conveyor.benchmarks;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.DynamoDbJobIndex;
import io.conveyor.aws.JobIndexTables;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobIndex;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How many AWS calls (and how long, on moto) {@code conveyor jobs} takes to list the newest 1,000 of many
 * jobs through the DynamoDB job index, with each filter. The index is filled with {@code BatchWriteItem}
 * (25 a call): 10 algorithms, jobs queued over the last 45 days (two or three months), 10% failed, 5%
 * running, the rest succeeded.
 *
 * <p>Usage: {@code JobIndexBenchmark <moto endpoint> <jobs>}.
 */
public final class JobIndexBenchmark {

    static final String TABLE = "bench-job-index";
    static final int LIMIT = 1000;

    private JobIndexBenchmark() {
    }

    public static void main(String[] args) {
        String endpoint = args[0];
        int jobs = Integer.parseInt(args[1]);
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        Environment env = Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint));
        DispatchBenchmark.CallCounter counter = new DispatchBenchmark.CallCounter();
        Instant now = Instant.now();
        try (DynamoDbClient dynamoDb = AwsClients.from(env).with(counter).dynamoDb()) {
            JobIndexTables.create(dynamoDb, TABLE);
            DynamoDbJobIndex index = new DynamoDbJobIndex(dynamoDb, TABLE, Clock.fixed(now, ZoneOffset.UTC));

            List<JobIndex.Entry> entries = entries(jobs, now);
            counter.snapshotAndReset();
            long start = System.nanoTime();
            index.load(entries);
            long loadMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("loaded %,d index entries: %s in %,d ms%n", jobs, counter.snapshotAndReset(), loadMillis);

            Map<String, JobQuery> queries = new LinkedHashMap<>();
            queries.put("newest", JobQuery.newest(LIMIT));
            queries.put("--algorithm alg-3", JobQuery.newest(LIMIT).withAlgorithm("alg-3"));
            queries.put("--state FAILED", JobQuery.newest(LIMIT).withState(JobState.FAILED));
            queries.put("--algorithm alg-3 --state FAILED", JobQuery.newest(LIMIT).withAlgorithm("alg-3")
                    .withState(JobState.FAILED));
            queries.put("--input s3://bench-in/inputs/alg-3/batch-1", JobQuery.newest(LIMIT)
                    .withInputPrefix("s3://bench-in/inputs/alg-3/batch-1"));
            queries.put("--since 2h", JobQuery.newest(LIMIT).withSince(now.minus(Duration.ofHours(2))));
            queries.put("--since 7d", JobQuery.newest(LIMIT).withSince(now.minus(Duration.ofDays(7))));

            System.out.printf("%-45s %6s %-30s %9s%n", "conveyor jobs --limit 1000", "jobs", "AWS calls", "ms (moto)");
            for (Map.Entry<String, JobQuery> query : queries.entrySet()) {
                index.list(query.getValue());
                counter.snapshotAndReset();
                start = System.nanoTime();
                List<JobSummary> listed = index.list(query.getValue());
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("%-45s %6d %-30s %9d%n", query.getKey(), listed.size(), counter.snapshotAndReset(), millis);
            }
        }
    }

    static List<JobIndex.Entry> entries(int jobs, Instant now) {
        Random random = new Random(13);
        List<JobIndex.Entry> entries = new ArrayList<>(jobs);
        long span = Duration.ofDays(45).toMillis();
        for (int n = 0; n < jobs; n++) {
            String algorithm = "alg-" + (n % 10);
            int roll = random.nextInt(100);
            JobState state = roll < 10 ? JobState.FAILED : roll < 15 ? JobState.RUNNING : JobState.SUCCEEDED;
            Instant queued = now.minusMillis((long) (random.nextDouble() * span));
            String input = "s3://bench-in/inputs/" + algorithm + "/batch-" + (n % 97) + "/file-" + n + ".csv";
            entries.add(new JobIndex.Entry(new JobSummary("job-%024x".formatted(n), algorithm, input, state, 1,
                    queued.toString(), queued.plusSeconds(30).toString(),
                    state == JobState.RUNNING ? null : queued.plusSeconds(90).toString(),
                    state == JobState.FAILED ? "exit code 3" : null), 2));
        }
        return entries;
    }
}
