package io.conveyor.cli.report;

import io.conveyor.jobs.JobRecord;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link RunReport} as a trace: one tab-separated line per attempt on the timeline, for spreadsheets and
 * scripts. A tab, newline or backslash in a value is written as {@code \t}, {@code \n}, {@code \\}.
 */
public final class TraceTsv {

    static final String HEADER = String.join("\t", "job", "algorithm", "attempt", "lane", "outcome", "queued", "start",
            "end", "waiting_s", "run_s", "input", "exit_code", "reason", "cost_usd");

    private TraceTsv() {
    }

    public static String render(RunReport report) {
        Map<String, JobRecord> jobs = report.jobs().stream().collect(Collectors.toMap(JobRecord::id, Function.identity()));
        StringBuilder tsv = new StringBuilder(HEADER).append('\n');
        for (RunReport.Bar bar : report.bars()) {
            JobRecord job = jobs.get(bar.jobId());
            boolean last = job != null && bar.attempt() == job.attempt();
            BigDecimal cost = report.cost() == null || !last ? null : report.cost().report().byJob().get(bar.jobId());
            tsv.append(String.join("\t", field(bar.jobId()), field(bar.algorithm()), String.valueOf(bar.attempt()),
                    field(bar.lane()), bar.outcome(), bar.queued() == null ? "" : bar.queued().toString(),
                    bar.start().toString(), bar.end().toString(), seconds(bar.waiting().toMillis()),
                    seconds(bar.run().toMillis()), field(job == null ? null : job.input()),
                    last && job.exitCode() != null ? job.exitCode().toString() : "",
                    field(last ? job.reason() : null), cost == null ? "" : cost.toPlainString())).append('\n');
        }
        return tsv.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
