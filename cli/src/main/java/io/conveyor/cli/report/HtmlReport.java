package io.conveyor.cli.report;

import io.conveyor.cost.CostReport;
import io.conveyor.jobs.JobState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link RunReport} as one self-contained HTML page: no script, font or style from anywhere else, so it
 * opens offline and can be mailed. Every value from a record is escaped: an input named
 * {@code <script>} is text on the page.
 */
public final class HtmlReport {

    static final int LABELS = 150;
    static final int WIDTH = 1000;
    static final int LANE = 16;
    static final int BINS = 12;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    /** The page. */
    public static String render(RunReport report) {
        StringBuilder html = new StringBuilder(4096 + report.bars().size() * 320);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Conveyor run report: ").append(text(report.target())).append("</title>\n<style>")
                .append(STYLE).append("</style></head>\n<body>\n<h1>Conveyor run report</h1>\n<p class=\"meta\">")
                .append(text(report.target())).append(" · made ").append(CLOCK.format(report.generated()))
                .append(" · <span data-total=\"jobs\">").append(report.jobs().size()).append("</span> jobs, ")
                .append("<span data-total=\"attempts\">").append(report.bars().size())
                .append("</span> attempts on the timeline</p>\n");
        summary(report, html);
        batches(report, html);
        cost(report, html);
        timeline(report, html);
        distributions(report, html);
        retries(report, html);
        failures(report, html);
        html.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return html.toString();
    }

    private static void summary(RunReport report, StringBuilder html) {
        html.append("<h2>Jobs by state</h2>\n<table class=\"states\"><tr>");
        for (JobState state : JobState.values()) {
            html.append("<th>").append(state).append("</th>");
        }
        html.append("</tr><tr>");
        report.byState().forEach((state, count) -> html.append("<td data-state=\"").append(state).append("\">")
                .append(count).append("</td>"));
        html.append("</tr></table>\n<h2>Per algorithm</h2>\n<table class=\"algorithms\"><tr><th>algorithm</th>")
                .append("<th>jobs</th><th>succeeded</th><th>failed</th><th>attempts</th><th>retries</th>")
                .append("<th>run median</th><th>run p90</th><th>run max</th>");
        boolean costs = report.cost() != null;
        if (costs) {
            html.append("<th>attributed</th><th>overhead</th>");
        }
        html.append("</tr>\n");
        for (RunReport.AlgorithmStats stats : report.algorithms()) {
            html.append("<tr data-algorithm=\"").append(attribute(stats.name())).append("\"><td>")
                    .append(text(stats.name())).append("</td><td>").append(stats.jobs()).append("</td><td>")
                    .append(stats.succeeded()).append("</td><td>").append(stats.failed()).append("</td><td>")
                    .append(stats.attempts()).append("</td><td>").append(stats.retries()).append("</td><td>")
                    .append(duration(stats.quantile(0.5))).append("</td><td>").append(duration(stats.quantile(0.9)))
                    .append("</td><td>").append(duration(stats.quantile(1.0))).append("</td>");
            if (costs) {
                html.append("<td>").append(usd(report.cost().report().attributedByAlgorithm().get(stats.name())))
                        .append("</td><td>").append(usd(report.cost().report().overheadByAlgorithm().get(stats.name())))
                        .append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n<p class=\"note\">Memory used is not measured: ECS's task events do not report it, and "
                + "the local mode does not sample it. Run time is the whole task: stage-in, the algorithm and stage-out.</p>\n");
    }

    /** Jobs per pipeline and batch, where any job ran in a pipeline. */
    private static void batches(RunReport report, StringBuilder html) {
        List<RunReport.BatchStats> batches = report.batches();
        if (batches.isEmpty()) {
            return;
        }
        html.append("<h2>Per pipeline and batch</h2>\n<table class=\"batches\"><tr><th>pipeline</th><th>batch</th>")
                .append("<th>jobs</th><th>succeeded</th><th>failed</th><th>other</th></tr>\n");
        for (RunReport.BatchStats stats : batches) {
            html.append("<tr data-pipeline=\"").append(attribute(stats.pipeline())).append("\" data-batch=\"")
                    .append(attribute(stats.batch())).append("\"><td>").append(text(stats.pipeline())).append("</td><td>")
                    .append(text(stats.batch())).append("</td><td>").append(stats.jobs()).append("</td><td>")
                    .append(stats.succeeded()).append("</td><td>").append(stats.failed()).append("</td><td>")
                    .append(stats.other()).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void cost(RunReport report, StringBuilder html) {
        html.append("<h2>Cost</h2>\n");
        if (report.cost() == null) {
            html.append("<p class=\"note\">No price is known for this run (locally, give --price-per-hour).</p>\n");
            return;
        }
        CostReport cost = report.cost().report();
        html.append("<table class=\"cost\"><tr><th>instances</th><th>attributed to attempts</th><th>overhead</th>")
                .append("<th>price source</th></tr><tr><td data-total=\"instance-cost\">").append(usd(cost.instanceCost()))
                .append("</td><td data-total=\"attributed\">").append(usd(cost.attributed()))
                .append("</td><td data-total=\"overhead\">").append(usd(cost.overhead())).append("</td><td>")
                .append(text(cost.priceSource())).append("</td></tr></table>\n<p class=\"note\">Overhead is what no "
                        + "attempt used: idle and booting instances, and the instance share no task reserved.</p>\n");
        if (!cost.unpriced().isEmpty()) {
            html.append("<p class=\"warn\">No price for: ").append(text(String.join(", ", cost.unpriced())))
                    .append(" (left out of every sum above).</p>\n");
        }
    }

    private static void timeline(RunReport report, StringBuilder html) {
        html.append("<h2>Timeline</h2>\n");
        if (report.bars().isEmpty()) {
            html.append("<p class=\"note\">No attempt has started.</p>\n");
            return;
        }
        Instant from = report.bars().stream().map(bar -> bar.queued() == null ? bar.start() : bar.queued())
                .min(Instant::compareTo).orElseThrow();
        Instant to = report.bars().stream().map(RunReport.Bar::end).max(Instant::compareTo).orElseThrow();
        double span = Math.max(1, Duration.between(from, to).toMillis());
        Map<String, List<RunReport.Bar>> lanes = report.lanes();
        int height = lanes.size() * LANE + 30;
        html.append("<p class=\"legend\"><span class=\"k w\"></span>waiting <span class=\"k SUCCEEDED\"></span>succeeded ")
                .append("<span class=\"k FAILED\"></span>failed <span class=\"k RETRIED\"></span>retried ")
                .append("<span class=\"k RUNNING\"></span>running or other · algorithm <select id=\"only\">")
                .append("<option value=\"\">all</option>");
        report.algorithms().forEach(stats -> html.append("<option>").append(text(stats.name())).append("</option>"));
        html.append("</select></p>\n<svg id=\"timeline\" width=\"").append(LABELS + WIDTH + 10).append("\" height=\"")
                .append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        for (int tick = 0; tick <= 4; tick++) {
            double x = LABELS + WIDTH * tick / 4.0;
            Instant at = from.plusMillis((long) (span * tick / 4));
            String label = tick == 0 ? CLOCK.format(from) : "+" + duration(Duration.between(from, at));
            html.append("<line class=\"tick\" x1=\"").append(x(x)).append("\" x2=\"").append(x(x)).append("\" y1=\"0\" y2=\"")
                    .append(height - 18).append("\"/><text class=\"axis").append(tick == 4 ? " end" : "").append("\" x=\"")
                    .append(x(x)).append("\" y=\"").append(height - 4).append("\">").append(label).append("</text>\n");
        }
        int row = 0;
        for (Map.Entry<String, List<RunReport.Bar>> lane : lanes.entrySet()) {
            int y = row * LANE;
            html.append("<text class=\"lane\" x=\"4\" y=\"").append(y + 11).append("\">").append(text(lane.getKey()))
                    .append("</text>\n");
            for (RunReport.Bar bar : lane.getValue()) {
                double start = LABELS + WIDTH * Duration.between(from, bar.start()).toMillis() / span;
                double end = LABELS + WIDTH * Duration.between(from, bar.end()).toMillis() / span;
                html.append("<g class=\"attempt\" data-job=\"").append(attribute(bar.jobId())).append("\" data-attempt=\"")
                        .append(bar.attempt()).append("\" data-algorithm=\"").append(attribute(bar.algorithm()))
                        .append("\"><title>").append(text(bar.jobId())).append(" attempt ").append(bar.attempt())
                        .append(" (").append(text(bar.algorithm())).append("): ").append(bar.outcome()).append(", waited ")
                        .append(duration(bar.waiting())).append(", ran ").append(duration(bar.run())).append("</title>");
                if (bar.queued() != null && bar.queued().isBefore(bar.start())) {
                    double queued = LABELS + WIDTH * Duration.between(from, bar.queued()).toMillis() / span;
                    html.append("<rect class=\"w\" x=\"").append(x(queued)).append("\" y=\"").append(y + 11)
                            .append("\" width=\"").append(x(Math.max(0.5, start - queued))).append("\" height=\"3\"/>");
                }
                html.append("<rect class=\"").append(outcomeClass(bar.outcome())).append("\" x=\"").append(x(start))
                        .append("\" y=\"").append(y + 2).append("\" width=\"").append(x(Math.max(0.5, end - start)))
                        .append("\" height=\"9\"/></g>\n");
            }
            row++;
        }
        html.append("</svg>\n");
    }

    private static void distributions(RunReport report, StringBuilder html) {
        html.append("<h2>Run times</h2>\n<div class=\"histograms\">\n");
        for (RunReport.AlgorithmStats stats : report.algorithms()) {
            html.append("<figure data-algorithm=\"").append(attribute(stats.name())).append("\"><figcaption>")
                    .append(text(stats.name())).append(": ").append(stats.runs().size()).append(stats.runs().size() == 1 ? " finished run" : " finished runs")
                    .append("</figcaption>");
            if (!stats.runs().isEmpty()) {
                long min = stats.runs().get(0).toMillis();
                long max = stats.runs().get(stats.runs().size() - 1).toMillis();
                int[] bins = new int[BINS];
                for (Duration run : stats.runs()) {
                    int bin = max == min ? 0 : (int) Math.min(BINS - 1, (run.toMillis() - min) * BINS / (max - min));
                    bins[bin]++;
                }
                int highest = java.util.Arrays.stream(bins).max().orElse(1);
                html.append("<svg width=\"").append(BINS * 22).append("\" height=\"70\" xmlns=\"http://www.w3.org/2000/svg\">");
                for (int bin = 0; bin < BINS; bin++) {
                    int h = bins[bin] == 0 ? 0 : Math.max(1, bins[bin] * 50 / highest);
                    html.append("<rect class=\"bin\" x=\"").append(bin * 22).append("\" y=\"").append(52 - h)
                            .append("\" width=\"20\" height=\"").append(h).append("\"><title>").append(bins[bin])
                            .append("</title></rect>");
                }
                html.append("<text class=\"axis\" x=\"0\" y=\"66\">").append(duration(Duration.ofMillis(min)))
                        .append("</text><text class=\"axis end\" x=\"").append(BINS * 22 - 2).append("\" y=\"66\">")
                        .append(duration(Duration.ofMillis(max))).append("</text></svg>");
            }
            html.append("</figure>\n");
        }
        html.append("</div>\n");
    }

    private static void retries(RunReport report, StringBuilder html) {
        html.append("<h2>Retries</h2>\n");
        if (report.retries().isEmpty()) {
            html.append("<p class=\"note\">No attempt was retried.</p>\n");
            return;
        }
        html.append("<table class=\"retries\"><tr><th>attempts</th><th>reason</th></tr>\n");
        report.retryReasons().forEach((reason, count) -> html.append("<tr><td>").append(count).append("</td><td>")
                .append(text(reason)).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private static void failures(RunReport report, StringBuilder html) {
        html.append("<h2>Failures</h2>\n");
        if (report.failures().isEmpty()) {
            html.append("<p class=\"note\">No job failed.</p>\n");
            return;
        }
        html.append("<table class=\"failures\"><tr><th>job</th><th>algorithm</th><th>input</th><th>exit</th>")
                .append("<th>reason</th><th>logs</th></tr>\n");
        for (RunReport.Failure failure : report.failures()) {
            html.append("<tr><td>").append(text(failure.jobId())).append("</td><td>").append(text(failure.algorithm()))
                    .append("</td><td>").append(text(failure.input())).append("</td><td>")
                    .append(failure.exitCode() == null ? "" : failure.exitCode()).append("</td><td>")
                    .append(text(failure.reason())).append("</td><td><code>conveyor logs ").append(text(failure.jobId()))
                    .append("</code>");
            failure.logStreams().forEach(stream -> html.append("<br><small>").append(text(stream)).append("</small>"));
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String outcomeClass(String outcome) {
        return switch (outcome) {
            case "SUCCEEDED", "FAILED", "RETRIED", "CANCELLED" -> outcome;
            default -> "RUNNING";
        };
    }

    static String usd(BigDecimal amount) {
        return amount == null ? "–" : "$" + amount.setScale(amount.abs().compareTo(BigDecimal.ONE) < 0 ? 4 : 2,
                RoundingMode.HALF_UP).toPlainString();
    }

    static String duration(Duration duration) {
        if (duration == null) {
            return "–";
        }
        long ms = duration.toMillis();
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
        }
        long s = duration.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? String.format(Locale.ROOT, "%d m %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d m", s / 3600, s % 3600 / 60);
    }

    private static String x(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Text for an element's content. */
    static String text(String value) {
        return attribute(value);
    }

    /** Text for an attribute value in double quotes (and content): the five characters HTML gives meaning. */
    static String attribute(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = """
            body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
            table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
            .meta,.note{color:#555}.warn{color:#a40}svg text{font:11px system-ui,sans-serif;fill:#333}
            .axis.end{text-anchor:end}.tick{stroke:#ddd}.w{fill:#bbb}g.attempt rect:not(.w){stroke:#fff;stroke-width:.6}.SUCCEEDED{fill:#2a8f4a}.FAILED{fill:#c8322f}
            .RETRIED{fill:#e39b22}.CANCELLED{fill:#777}.RUNNING{fill:#3c6fd1}.bin{fill:#3c6fd1}
            .k{display:inline-block;width:12px;height:9px;margin:0 3px 0 10px}.k.w{background:#bbb}.k.SUCCEEDED{background:#2a8f4a}
            .k.FAILED{background:#c8322f}.k.RETRIED{background:#e39b22}.k.RUNNING{background:#3c6fd1}
            .histograms{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}g.dim{opacity:.12}
            """;

    /**
     * The one script: the algorithm filter dims the other algorithms' bars, and a link ending in
     * {@code #algorithm=NAME} opens with that algorithm chosen.
     */
    private static final String SCRIPT = """
            const only=document.getElementById('only');
            function show(v){for(const g of document.querySelectorAll('g.attempt'))g.classList.toggle('dim',v!==''&&g.dataset.algorithm!==v);}
            if(only){only.addEventListener('change',e=>{show(e.target.value);history.replaceState(null,'',e.target.value?'#algorithm='+encodeURIComponent(e.target.value):'#');});
            const m=/^#algorithm=(.*)$/.exec(location.hash);if(m){only.value=decodeURIComponent(m[1]);show(only.value);}}
            """;
}
