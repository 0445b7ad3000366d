package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conveyor jobs}: the newest jobs first, filtered. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = JobsCommand.SUMMARY)
final class JobsCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "List jobs, newest first.";

    @Option(names = "--algorithm", paramLabel = "NAME", description = "only this algorithm's jobs")
    String algorithm;
    @Option(names = "--state", paramLabel = "STATE", description = "only jobs in this state: ${COMPLETION-CANDIDATES}")
    JobState state;
    @Option(names = "--input", paramLabel = "PREFIX", description = "only jobs whose input starts with this "
            + "(an S3 URI or key prefix on a stack, a path locally)")
    String input;
    @Option(names = "--since", paramLabel = "AGE|TIME", description = "only jobs queued since: 30m, 2h, 7d, or an ISO-8601 time")
    String since;
    @Option(names = "--pipeline", paramLabel = "NAME", description = "only the jobs of this pipeline's steps")
    String pipeline;
    @Option(names = "--batch", paramLabel = "NAME", description = "only the jobs of batches of this name"
            + " (with --pipeline: of that pipeline's batch)")
    String batch;
    @Option(names = "--limit", paramLabel = "N", description = "at most this many (default: ${DEFAULT-VALUE})")
    int limit = JobQuery.DEFAULT_LIMIT;

    JobsCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        if (limit < 1) {
            throw new UsageException("--limit must be at least 1, was " + limit);
        }
        Instant now = Instant.now();
        JobQuery query = JobQuery.newest(limit).withAlgorithm(algorithm).withState(state)
                .withInputPrefix(input == null ? null : inputPrefix(target, input))
                .withSince(since == null ? null : Since.parse(since, now)).withPipeline(pipeline).withBatch(batch);
        List<JobSummary> jobs = target.jobs().list(query);
        if (json()) {
            printJson(jobs);
            return 0;
        }
        // Where any job listed runs in a pipeline, its pipeline, batch and step have columns of their own.
        boolean placed = jobs.stream().anyMatch(job -> job.pipeline() != null);
        Table table = placed
                ? new Table("JOB", "PIPELINE", "BATCH", "STEP", "ALGORITHM", "INPUT", "STATE", "ATTEMPTS", "DURATION",
                        "REASON")
                : new Table("JOB", "ALGORITHM", "INPUT", "STATE", "ATTEMPTS", "DURATION", "REASON");
        for (JobSummary job : jobs) {
            Object[] common = {job.algorithm(), shortInput(job.input()), job.state(), job.attempts(),
                    Since.duration(job.startedAt(), job.endedAt(), now), job.reason()};
            table.row(placed ? concat(new Object[] {job.id(), job.pipeline(), job.batch(), job.step()}, common)
                    : concat(new Object[] {job.id()}, common));
        }
        if (table.isEmpty()) {
            err.println("no jobs" + (algorithm == null && state == null && input == null && since == null
                    && pipeline == null && batch == null ? "" : " match") + " in " + target.describe());
        } else {
            table.print(out);
        }
        return 0;
    }

    private static Object[] concat(Object[] first, Object[] then) {
        Object[] all = java.util.Arrays.copyOf(first, first.length + then.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }

    /** A key prefix given on a stack is under its input bucket; a URI or a local path is taken as it is. */
    static String inputPrefix(Target target, String given) {
        if (target instanceof StackTarget stack && !given.startsWith("s3://")) {
            return "s3://" + stack.output("InputBucketName") + "/" + given;
        }
        if (target instanceof LocalTarget local && !Path.of(given).isAbsolute()) {
            return local.inbox().resolve(given).toString();
        }
        return given;
    }

    /** An input as the table shows it: without its bucket or inbox, which every row shares. */
    static String shortInput(String input) {
        if (input == null) {
            return null;
        }
        if (input.startsWith("s3://")) {
            int slash = input.indexOf('/', "s3://".length());
            return slash < 0 ? input : input.substring(slash + 1);
        }
        int inbox = input.lastIndexOf("/inbox/");
        int outputs = input.lastIndexOf("/outbox/");
        return inbox >= 0 ? input.substring(inbox + "/inbox/".length())
                : outputs >= 0 ? input.substring(outputs + "/outbox/".length()) : input;
    }
}
