package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor retry JOB…|--state FAILED}. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {RetryCommand.SUMMARY, "FAILED and CANCELLED jobs; SUCCEEDED ones with --force."})
final class RetryCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Run finished jobs again: a new series of attempts on the algorithm's current revision "
                + "(said when it changed).";

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "job ids")
    List<String> jobs = new ArrayList<>();
    @Option(names = "--state", paramLabel = "STATE", description = "every job in this state (FAILED, CANCELLED, or "
            + "SUCCEEDED with --force)")
    JobState state;
    @Option(names = "--algorithm", paramLabel = "NAME", description = "with --state, only this algorithm's jobs")
    String algorithm;
    @Option(names = "--force", description = "also run SUCCEEDED jobs again")
    boolean force;
    @Option(names = "--same-image", description = "run the image its last attempt ran, by digest, on the job's own "
            + "revision (registers a task definition revision pinned to that digest; not on a local outbox)")
    boolean sameImage;
    @Option(names = "--limit", paramLabel = "N", description = "with --state, at most this many (default: ${DEFAULT-VALUE})")
    int limit = 1000;

    RetryCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        if (jobs.isEmpty() == (state == null)) {
            throw new UsageException("give job ids or --state STATE (one of the two)");
        }
        if (state != null && !state.terminal()) {
            throw new UsageException("--state " + state + ": only a finished job runs again (FAILED, CANCELLED, "
                    + "SUCCEEDED with --force)");
        }
        if (sameImage && target instanceof LocalTarget) {
            throw new UsageException("--same-image: the local mode runs no container images, so there is no image "
                    + "digest to run again; retry without --same-image");
        }
        JobOperations operations = target.operations();
        List<String> ids = new ArrayList<>(jobs);
        if (state != null) {
            ids.addAll(operations.select(JobQuery.newest(Math.max(1, limit)).withState(state).withAlgorithm(algorithm)));
            if (ids.isEmpty()) {
                err.println("conveyor retry: no " + state + " job" + (algorithm == null ? "" : " of " + algorithm));
                return 0;
            }
        }
        List<JobOperations.Outcome> outcomes = new ArrayList<>();
        for (String id : ids) {
            outcomes.add(operations.retry(id, new JobOperations.RetryOptions(Who.am(environment), force, sameImage)));
        }
        return Outcomes.print(this, outcomes);
    }
}
