package io.conveyor.benchmarks;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.JobTask;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.tasks.ContainerState;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.tasks.TaskStateChange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS calls and time per ECS task state change of task-events' lifecycle against moto: for each of
 * {@code jobs} started jobs, a RUNNING event, a duplicate of it, and a STOPPED event (every other job's
 * algorithm exits 1, which queues a retry). An SDK interceptor counts every call by operation.
 *
 * <p>Usage: {@code LifecycleBenchmark <moto endpoint> <jobs>}.
 */
public final class LifecycleBenchmark {

    static final String OUT = "bench-out";
    static final String CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/bench";
    static final int WARMUP_JOBS = 10;

    public static void main(String[] args) {
        String endpoint = args[0];
        int jobs = Integer.parseInt(args[1]);
        System.setProperty("aws.accessKeyId", "bench");
        System.setProperty("aws.secretAccessKey", "bench");
        Environment env = Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint));
        AwsClients plain = AwsClients.from(env);
        plain.s3().createBucket(r -> r.bucket(OUT));
        String queue = plain.sqs().createQueue(r -> r.queueName("bench-jobs")).queueUrl();
        JobUpdates records = new JobUpdates(new S3JobStore(plain.s3(), OUT), Clock.systemUTC());

        DispatchBenchmark.CallCounter counter = new DispatchBenchmark.CallCounter();
        AwsClients counted = AwsClients.from(env).with(counter);
        S3ObjectStore store = new S3ObjectStore(counted.s3());
        TaskEventDriver lifecycle = new TaskEventDriver(CLUSTER, new S3JobStore(counted.s3(), OUT),
                new SqsJobQueue(counted.sqs(), queue), new EcsRunningAttempts(counted.ecs(), CLUSTER),
                new ObjectStoreRegistry(store, OUT), store, Clock.systemUTC());

        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> calls = new LinkedHashMap<>();
        Map<String, Integer> events = new TreeMap<>();
        for (int j = 0; j < WARMUP_JOBS + jobs; j++) {
            NewJob job = NewJob.of(new NewJob.JobInput("s3://bench-in/inputs/word-count/" + j + ".txt", "v1"),
                    new NewJob.AlgorithmRevision("word-count", "r1", 3));
            String id = job.id();
            records.create(job.withOutput("s3://" + OUT + "/outputs/word-count/" + j + ".txt/" + id + "/"),
                    List.of(new JobEvent.StartRequested("arn:ci/1")));
            String task = "arn:aws:ecs:us-east-1:123456789012:task/bench/" + j;
            boolean fails = j % 2 == 1;
            List<Map.Entry<String, TaskStateChange>> changes = List.of(
                    Map.entry("RUNNING", change(id, task, 3, "RUNNING", null)),
                    Map.entry("RUNNING again (duplicate)", change(id, task, 3, "RUNNING", null)),
                    Map.entry(fails ? "STOPPED, exit 1 (retry queued)" : "STOPPED, exit 0 (SUCCEEDED)",
                            change(id, task, 6, "STOPPED", fails ? 1 : 0)));
            for (Map.Entry<String, TaskStateChange> change : changes) {
                counter.snapshotAndReset();
                long start = System.nanoTime();
                lifecycle.apply(change.getValue());
                long took = System.nanoTime() - start;
                Map<String, Integer> made = counter.snapshotAndReset();
                if (j < WARMUP_JOBS) {
                    continue;
                }
                nanos.computeIfAbsent(change.getKey(), k -> new ArrayList<>()).add(took);
                events.merge(change.getKey(), 1, Integer::sum);
                made.forEach((op, n) -> calls.computeIfAbsent(change.getKey(), k -> new TreeMap<>())
                        .merge(op, n, Integer::sum));
            }
        }
        System.out.printf("task-events' lifecycle against moto: %d jobs (after %d warm-up jobs), 3 events each%n", jobs,
                WARMUP_JOBS);
        for (Map.Entry<String, List<Long>> kind : nanos.entrySet()) {
            List<Long> times = new ArrayList<>(kind.getValue());
            times.sort(null);
            int n = events.get(kind.getKey());
            StringBuilder perEvent = new StringBuilder();
            int total = 0;
            for (Map.Entry<String, Integer> op : calls.getOrDefault(kind.getKey(), Map.of()).entrySet()) {
                perEvent.append(String.format(" %s %.2f", op.getKey(), (double) op.getValue() / n));
                total += op.getValue();
            }
            System.out.printf("  %-32s n=%-4d AWS calls per event %.2f (%s ), median %.1f ms, p90 %.1f ms%n",
                    kind.getKey(), n, (double) total / n, perEvent.toString().strip().isEmpty() ? "none"
                            : perEvent.toString(), times.get(times.size() / 2) / 1e6,
                    times.get(times.size() * 9 / 10) / 1e6);
        }
    }

    /** A state change as EventBridge delivers it for a Conveyor task of attempt 1. */
    static TaskStateChange change(String jobId, String task, long version, String status, Integer algorithmExit) {
        boolean stopped = status.equals("STOPPED");
        List<ContainerState> containers = List.of(
                new ContainerState(TaskDefinitionWrapper.STAGE_IN, stopped ? "STOPPED" : "RUNNING", stopped ? 0 : null, null),
                new ContainerState(TaskDefinitionWrapper.ALGORITHM, status, algorithmExit, null),
                new ContainerState(TaskDefinitionWrapper.STAGE_OUT, status, stopped ? 0 : null, null));
        return new TaskStateChange("e-" + task + "-" + version, CLUSTER, task, "arn:td/word-count:1", "arn:ci/1", status,
                status, new JobTask(jobId, 1).startedBy(), "family:bench-word-count", version,
                stopped ? "EssentialContainerExited" : null, stopped ? "Essential container in task exited" : null,
                containers, "2026-11-21T10:00:05Z", stopped ? "2026-11-21T10:01:00Z" : null);
    }
}
