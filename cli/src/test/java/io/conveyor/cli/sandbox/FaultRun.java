package io.conveyor.cli.sandbox;

import io.conveyor.aws.S3JobStore;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fault-injection run (issue 15): N tiny jobs through the sandbox while a share of the handlers'
 * AWS calls are throttled or fail, notifications and deliveries are dropped and duplicated, a handler
 * dies mid-batch and one instance is killed with tasks on it; the reconciler's schedule runs as the
 * template declares it. Each run of the algorithm appends {@code <job> <attempt>} to a log, so an
 * attempt run twice is seen, whatever the records say. {@code SandboxFaultRunIT} runs it, with 50 jobs in CI and
 * 500 under {@code benchmarks/run faults}.
 */
public final class FaultRun {

    /** The template's reconciler, run on its schedule by the sandbox. */
    static final String RECONCILER = "ReconcileFunction";

    /** Each run appends its job and attempt to the file named by RUNS_LOG, runs a second (so that an instance killed has tasks on it), then counts the input's bytes. */
    private static final String TINY = """
            {"name": "tiny", "image": "busybox:1.36", "retries": 2,
             "environment": {"RUNS_LOG": "%s"},
             "command": ["sh", "-c", "echo \\"$CONVEYOR_JOB_ID $CONVEYOR_ATTEMPT\\" >> \\"$RUNS_LOG\\"; sleep 1; wc -c < \\"$CONVEYOR_INPUT\\" > \\"$CONVEYOR_OUTPUT_DIR/size\\""],
             "resources": {"vcpu": 0.25, "memoryMiB": 128}}""";

    /**
     * What a run is asked to do.
     *
     * @param jobs     how many inputs are uploaded
     * @param faults   what is injected
     * @param killOne  whether one instance with a task on it is killed, from the first job on
     * @param deadline how long the jobs may take to end, from the first upload
     */
    public record Plan(int jobs, Faults.Settings faults, boolean killOne, Duration deadline) {

        /**
         * The mix: 5% of the functions' S3, SQS, ECS and EC2 calls throttled or failed (half each), 2% of
         * messages dropped and 2% duplicated, the third batch of two messages or more killed mid-batch.
         */
        public static Plan standard(int jobs, long seed) {
            Map<String, Double> half = Map.of("s3", 0.025, "sqs", 0.025, "ecs", 0.025, "ec2", 0.025);
            return new Plan(jobs, new Faults.Settings(0.02, 0.02, 0, seed, half, half, 3), true,
                    Duration.ofSeconds(240 + jobs));
        }
    }

    /**
     * What a run found.
     *
     * @param byState        jobs by final state ({@code LOST}: no record, or none ended by the deadline)
     * @param failures       reasons of the jobs that did not succeed, with their counts
     * @param faults         faults injected, by kind
     * @param killedInstance the instance killed, if any
     * @param attemptsTwice  job attempts that ran more than once
     * @param rerunJobs      jobs whose algorithm ran more than once (a new attempt each time)
     * @param twoJobs        inputs that got more than one job
     * @param registrations  descriptor uploads it took to register (a dropped notification needs another)
     * @param drained        first upload to every job ended (or the deadline)
     */
    public record Result(int jobs, Map<String, Integer> byState, Map<String, Long> failures, Map<String, Long> faults,
                         Optional<String> killedInstance, int attemptsTwice, int rerunJobs, int twoJobs, int registrations,
                         Duration drained) {

        public int lost() {
            return byState.getOrDefault("LOST", 0);
        }

        public void print(PrintStream out) {
            out.printf("fault run: %d jobs, drained in %.1f s%n", jobs, drained.toMillis() / 1000.0);
            out.printf("  jobs by state: %s%n", byState);
            out.printf("  lost: %d, attempts run twice: %d, inputs with two jobs: %d, jobs run again (new attempt): %d%n",
                    lost(), attemptsTwice, twoJobs, rerunJobs);
            out.printf("  faults injected: %s; instance killed: %s; descriptor uploads to register: %d%n", faults,
                    killedInstance.orElse("none"), registrations);
            failures.forEach((reason, count) -> out.printf("  not succeeded x%d: %s%n", count, reason));
        }
    }

    private FaultRun() {
    }

    /** Runs a plan on a sandbox of its own (moto started here), working in {@code work}. */
    public static Result run(Path template, Path work, Plan plan) throws IOException, InterruptedException {
        Path runsLog = work.resolve("runs.log");
        Files.writeString(runsLog, "");
        try (Sandbox sandbox = Sandbox.start(Sandbox.Settings.of(template, work).withStackName("faults")
                .withBootDelay(Duration.ZERO).withTimeScale(0.05).withParameters(Map.of("MaxInstances", "4"))
                .withFaults(plan.faults()).withStaging(Sandbox.Staging.SDK))) {
            S3Client s3 = sandbox.emulator().s3();
            String in = sandbox.stack().inputBucket();
            String out = sandbox.stack().outputBucket();
            int registrations = 0;
            String revision = null;
            while (revision == null) {  // a dropped notification loses a registration as it loses a job
                if (++registrations > 5) {
                    throw new IllegalStateException("tiny was not registered after 5 uploads");
                }
                s3.putObject(r -> r.bucket(in).key("algorithms/tiny.json"),
                        RequestBody.fromString(TINY.formatted(runsLog.toString())));
                revision = awaitRevision(s3, out, Duration.ofSeconds(20));
            }
            long begun = System.nanoTime();
            List<String> inputs = new ArrayList<>();
            for (int i = 0; i < plan.jobs(); i++) {
                String key = "inputs/tiny/f-" + i + ".txt";
                s3.putObject(r -> r.bucket(in).key(key), RequestBody.fromString("tiny " + key));
                inputs.add("s3://" + in + "/" + key);
            }
            // Jobs are followed by their input: a job the reconciler made from the listing is named by the
            // input's version id, one made from moto's notification (which names no version) by its ETag.
            JobStore jobs = new S3JobStore(s3, out);
            Map<String, JobRecord> records = new HashMap<>();
            Map<String, String> seen = new HashMap<>();
            Optional<String> killed = Optional.empty();
            long deadline = begun + plan.deadline().toNanos();
            while (ended(records, inputs) < inputs.size() && System.nanoTime() < deadline) {
                look(s3, out, jobs, seen, records);
                // The records are read every 2 s; while an instance is still to be killed, ECS is asked every
                // 200 ms for one with a task on it, from the first job on: dispatch starts a batch's tasks at once,
                // and tiny jobs end within a second or two of each other, so waiting for some to end misses them.
                long nextLook = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                do {
                    if (plan.killOne() && killed.isEmpty() && !records.isEmpty()) {
                        killed = busyInstance(sandbox);
                        killed.ifPresent(sandbox.fleet()::kill);
                    }
                    Thread.sleep(plan.killOne() && killed.isEmpty() ? 200 : 2000);
                } while (System.nanoTime() < nextLook);
            }
            Duration drained = Duration.ofNanos(System.nanoTime() - begun);
            Map<String, List<JobRecord>> byInput = records.values().stream()
                    .collect(Collectors.groupingBy(JobRecord::input));
            Map<String, Integer> byState = new TreeMap<>();
            Map<String, Long> failures = new TreeMap<>();
            int twoJobs = 0;
            for (String input : inputs) {
                List<JobRecord> made = byInput.getOrDefault(input, List.of());
                twoJobs += made.size() > 1 ? 1 : 0;
                Optional<JobRecord> over = made.stream().filter(r -> r.state().terminal())
                        .min(java.util.Comparator.comparing(r -> r.state() != JobState.SUCCEEDED));
                if (over.isEmpty()) {  // lost: no record, or none that ended by the deadline
                    byState.merge("LOST", 1, Integer::sum);
                    failures.merge("LOST " + input + ": " + (made.isEmpty() ? "no record" : made.stream()
                            .map(r -> r.id() + " " + r.state() + " attempt " + r.attempt() + " tasks " + r.tasks().size()
                                    + ", the index says " + indexed(sandbox, r.id()))
                            .collect(Collectors.joining("; "))), 1L, Long::sum);
                    continue;
                }
                byState.merge(over.get().state().name(), 1, Integer::sum);
                if (over.get().state() != JobState.SUCCEEDED) {
                    failures.merge(over.get().state() + ": " + over.get().reason(), 1L, Long::sum);
                }
            }
            Map<String, Long> runs = Files.readAllLines(runsLog).stream().filter(line -> !line.isBlank())
                    .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
            int twice = (int) runs.values().stream().filter(count -> count > 1).count();
            Map<String, Long> perJob = runs.keySet().stream()
                    .collect(Collectors.groupingBy(line -> line.split(" ")[0], Collectors.counting()));
            int rerun = (int) perJob.values().stream().filter(count -> count > 1).count();
            return new Result(plan.jobs(), byState, failures, sandbox.faultsInjected(), killed, twice, rerun, twoJobs,
                    registrations, drained);
        }
    }

    /** The job index's entry of a job: its state and count of writes. */
    private static String indexed(Sandbox sandbox, String id) {
        var item = sandbox.emulator().dynamoDb().getItem(r -> r.tableName(sandbox.stack().physicalId("JobIndexTable"))
                .key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))).item();
        return item == null || item.isEmpty() ? "nothing" : item.get("state") + " after " + item.get("writes") + " writes";
    }

    /** An instance with a task running on it, as ECS sees it. */
    private static Optional<String> busyInstance(Sandbox sandbox) {
        var ecs = sandbox.emulator().ecs();
        String cluster = sandbox.stack().clusterName();
        List<String> tasks = ecs.listTasks(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING)).taskArns();
        if (tasks.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> host = ecs.describeTasks(r -> r.cluster(cluster).tasks(tasks.subList(0, Math.min(100, tasks.size()))))
                .tasks().stream().filter(task -> "RUNNING".equals(task.lastStatus()) || "PENDING".equals(task.lastStatus()))
                .map(Task::containerInstanceArn)
                .filter(java.util.Objects::nonNull).findFirst();
        return host.flatMap(arn -> ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arn))
                .containerInstances().stream().map(ContainerInstance::ec2InstanceId).findFirst());
    }

    /** Reads again only the records whose entity tag changed since the last look: polling must not load the emulator it measures. */
    private static void look(S3Client s3, String out, JobStore jobs, Map<String, String> seen, Map<String, JobRecord> records) {
        for (var object : s3.listObjectsV2Paginator(r -> r.bucket(out).prefix("jobs/")).contents()) {
            String id = object.key().substring("jobs/".length()).replace(".json", "");
            JobRecord known = records.get(id);
            if (known != null && known.state().terminal() || object.eTag().equals(seen.put(id, object.eTag()))) {
                continue;
            }
            jobs.get(id).ifPresent(record -> records.put(id, record));
        }
    }

    /** How many of the inputs have a job that ended. */
    private static int ended(Map<String, JobRecord> records, List<String> inputs) {
        java.util.Set<String> over = records.values().stream().filter(r -> r.state().terminal()).map(JobRecord::input)
                .collect(Collectors.toSet());
        return (int) inputs.stream().filter(over::contains).count();
    }

    private static String awaitRevision(S3Client s3, String out, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            try {
                return Json.mapper().readTree(s3.getObjectAsBytes(r -> r.bucket(out).key("registry/algorithms/tiny.json"))
                        .asByteArray()).path("sha256").asText();
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException | IOException e) {
                Thread.sleep(200);
            }
        }
        return null;
    }
}
