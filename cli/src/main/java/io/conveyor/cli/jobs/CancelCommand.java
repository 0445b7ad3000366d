package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobQuery;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor cancel JOB…|--input PREFIX}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {CancelCommand.SUMMARY,
                "Never retried; their chain children not started yet are cancelled too."})
final class CancelCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Cancel jobs: a queued or waiting one never starts; a starting or running one's task is stopped.";

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "job ids")
    List<String> jobs = new ArrayList<>();
    @Option(names = "--input", paramLabel = "PREFIX", description = "every job not over whose input starts with this")
    String input;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why, kept in the record and the task's stop reason")
    String reason;
    @Option(names = "--limit", paramLabel = "N", description = "with --input, at most this many (default: ${DEFAULT-VALUE})")
    int limit = 1000;

    CancelCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        if (jobs.isEmpty() == (input == null)) {
            throw new UsageException("give job ids or --input PREFIX (one of the two)");
        }
        JobOperations operations = target.operations();
        List<String> ids = new ArrayList<>(jobs);
        if (input != null) {
            List<String> selected = new ArrayList<>();
            for (io.conveyor.jobs.JobState state : List.of(io.conveyor.jobs.JobState.QUEUED,
                    io.conveyor.jobs.JobState.WAITING_FOR_CAPACITY, io.conveyor.jobs.JobState.STARTING,
                    io.conveyor.jobs.JobState.RUNNING)) {
                selected.addAll(operations.select(JobQuery.newest(Math.max(1, limit)).withState(state)
                        .withInputPrefix(JobsCommand.inputPrefix(target, input))));
            }
            ids.addAll(selected);
            if (ids.isEmpty()) {
                err.println("conveyor cancel: no job under way has an input starting with " + input);
                return 0;
            }
        }
        List<JobOperations.Outcome> outcomes = new ArrayList<>();
        for (String id : ids) {
            outcomes.add(operations.cancel(id, Who.am(environment), reason));
        }
        return Outcomes.print(this, outcomes);
    }
}
