package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor watch [JOB…]}: a live table until every job is over. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {WatchCommand.SUMMARY,
                "Without JOBs: the jobs not over yet (at most --limit)."})
final class WatchCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Follow jobs until every one is over: exit 0 only if all succeeded.";

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "job ids (default: every job not over yet)")
    List<String> jobs = new ArrayList<>();
    @Option(names = "--interval", paramLabel = "SECONDS", description = "how often to look (default: ${DEFAULT-VALUE})")
    double interval = 2;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long, exit 1 (default: none)")
    Double timeout;
    @Option(names = "--limit", paramLabel = "N", description = "without JOBs, follow at most this many (default: ${DEFAULT-VALUE})")
    int limit = 200;

    WatchCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        if (!(interval > 0)) {
            throw new UsageException("--interval must be a positive number of seconds, was " + interval);
        }
        List<String> ids = new ArrayList<>(jobs);
        if (ids.isEmpty()) {
            for (JobSummary job : target.jobs().list(JobQuery.newest(Math.max(1, limit) * 5))) {
                if (!job.state().terminal() && ids.size() < limit) {
                    ids.add(job.id());
                }
            }
            if (ids.isEmpty()) {
                err.println("conveyor watch: no job in " + target.describe() + " is under way");
                return 0;
            }
        }
        return follow(target, ids, Duration.ofMillis(Math.round(interval * 1000)),
                timeout == null ? null : Duration.ofMillis(Math.round(timeout * 1000)));
    }

    /** Looks at the jobs until all are over; prints each change as a line (a table at the end). */
    int follow(Target target, List<String> ids, Duration every, Duration limitTime) throws UsageException {
        Instant begun = Instant.now();
        Map<String, String> shown = new LinkedHashMap<>();
        Map<String, JobRecord> last = new LinkedHashMap<>();
        while (true) {
            boolean allOver = true;
            for (String id : ids) {
                Optional<JobRecord> record = target.jobs().get(id);
                String line = record.map(r -> r.state() + (r.reason() == null ? "" : ": " + r.reason()))
                        .orElse("not found (yet)");
                if (!line.equals(shown.get(id)) && !json()) {
                    out.println(Instant.now().toString().substring(11, 19) + "  " + id + "  " + Table.cell(line));
                    shown.put(id, line);
                }
                record.ifPresent(r -> last.put(id, r));
                allOver &= record.map(r -> r.state().terminal()).orElse(false);
            }
            if (allOver) {
                break;
            }
            if (limitTime != null && Duration.between(begun, Instant.now()).compareTo(limitTime) > 0) {
                err.println("conveyor watch: gave up after " + limitTime.toSeconds() + " s; not over: "
                        + ids.stream().filter(id -> !last.containsKey(id) || !last.get(id).state().terminal()).toList());
                return 1;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        long failed = last.values().stream().filter(r -> r.state() != JobState.SUCCEEDED).count();
        if (json()) {
            printJson(last.values().stream().map(JobSummary::of).toList());
        } else {
            out.println(ids.size() - failed + " succeeded, " + failed + " did not");
        }
        return failed == 0 ? 0 : 1;
    }
}
