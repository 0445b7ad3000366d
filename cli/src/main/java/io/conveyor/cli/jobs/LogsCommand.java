package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor logs JOB [--attempt N] [--container C] [--follow]}. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {LogsCommand.SUMMARY,
                "Every container of the last attempt by default, in the order they ran."})
final class LogsCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "What a job's containers wrote: CloudWatch Logs on a stack, the outbox's logs/ locally.";

    @Parameters(index = "0", paramLabel = "JOB|INPUT", description = "a job id, or an input: its newest job")
    String job;
    @Option(names = "--attempt", paramLabel = "N", description = "this attempt (default: the last)")
    Integer attempt;
    @Option(names = "--container", paramLabel = "NAME", description = "only this container: stage-in, algorithm or "
            + "stage-out (the local mode has only algorithm)")
    String container;
    @Option(names = {"--follow", "-f"}, description = "keep printing what comes until the job is over")
    boolean follow;

    LogsCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        Optional<JobRecord> found = find(target, job);
        if (found.isEmpty()) {
            err.println("conveyor logs: no job '" + job + "' in " + target.describe() + " (conveyor jobs lists them)");
            return 1;
        }
        JobRecord record = found.get();
        int which = attempt == null ? record.attempt() : attempt;
        if (which < 1 || which > Math.max(1, record.attempt())) {
            throw new UsageException("--attempt " + which + ": " + record.id() + " has "
                    + (record.attempt() == 0 ? "not run yet" : "attempts 1 to " + record.attempt()));
        }
        if (container != null && !target.containers().contains(container)) {
            throw new UsageException("--container " + container + ": expected one of "
                    + String.join(", ", target.containers()));
        }
        List<String> containers = container == null ? target.containers() : List.of(container);
        JobLogs logs = target.logs();
        Map<String, String> cursors = new LinkedHashMap<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        boolean first = true;
        while (true) {
            boolean printed = false;
            for (String name : containers) {
                JobLogs.Page page;
                String cursor = cursors.get(name);
                do {
                    page = logs.read(record, which, name, cursor);
                    if (page.found() && !page.lines().isEmpty()) {
                        if (!Boolean.TRUE.equals(seen.get(name)) && containers.size() > 1) {
                            out.println("==> " + name + " (attempt " + which + ") <==");
                        }
                        seen.put(name, true);
                        page.lines().forEach(out::println);
                        printed = true;
                    }
                    boolean moved = page.cursor() != null && !page.cursor().equals(cursor);
                    cursor = page.cursor() == null ? cursor : page.cursor();
                    if (!moved || page.lines().isEmpty()) {
                        break;
                    }
                } while (true);
                cursors.put(name, cursor);
            }
            if (first && !printed && !follow) {
                err.println("conveyor logs: " + record.id() + " attempt " + which + " left no log"
                        + (record.attempt() == 0 ? " (it has not run yet)" : ""));
            }
            first = false;
            if (!follow) {
                return 0;
            }
            Optional<JobRecord> now = target.jobs().get(record.id());
            boolean over = now.map(r -> r.state().terminal() || r.attempt() > which).orElse(true);
            if (over && !printed) {
                return 0;
            }
            record = now.orElse(record);
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
    }
}
