package io.conveyor.cli.jobs;

import io.conveyor.aws.S3ObjectStore;
import io.conveyor.cli.UsageException;
import io.conveyor.cli.report.RunReport;
import io.conveyor.cost.AttemptUsage;
import io.conveyor.cost.BundledPrices;
import io.conveyor.cost.CostAttribution;
import io.conveyor.cost.InstanceSpan;
import io.conveyor.cost.ObjectStoreInstanceLedger;
import io.conveyor.cost.Prices;
import io.conveyor.jobs.JobRecord;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report's jobs cost, where a price is known. On a stack: each attempt's placement (kept in its record),
 * the instances' running spans (the ledger fleet-monitor keeps in the output bucket) and a price per instance
 * type. Locally: this machine, from the first attempt's start to the last one's end, at {@code --price-per-hour},
 * each attempt taking an equal share of it with as many others as ever ran at once.
 */
final class ReportCosts {

    /** The one "instance" of the local mode. */
    static final String LOCAL = "this machine";

    private ReportCosts() {
    }

    /** The costs, or {@code null} when nothing prices them (a local outbox without a price). */
    static RunReport.Costs of(Target target, List<JobRecord> records, BigDecimal pricePerHour, Path priceFile,
                              Instant since, Instant now) throws UsageException {
        if (target instanceof StackTarget stack) {
            String region = stack.clients().region().id();
            Prices prices = pricePerHour != null ? Prices.fixed(pricePerHour, "--price-per-hour " + pricePerHour.toPlainString())
                    : priceFile != null ? fromFile(priceFile, region) : BundledPrices.forRegion(region);
            List<AttemptUsage> attempts = records.stream().flatMap(job -> AttemptUsage.of(job).stream()).toList();
            List<InstanceSpan> spans = new ObjectStoreInstanceLedger(new S3ObjectStore(stack.clients().s3()),
                    stack.output("OutputBucketName")).spans(since == null ? Instant.EPOCH : since);
            Instant from = since != null ? since : earliest(attempts, spans, now);
            Map<String, String> lanes = new HashMap<>();
            attempts.forEach(usage -> lanes.put(RunReport.key(usage.jobId(), usage.attempt()), usage.instanceId()));
            return new RunReport.Costs(CostAttribution.attribute(attempts, spans, prices, from, latest(attempts, now)),
                    lanes);
        }
        if (priceFile != null) {
            throw new UsageException("--prices prices instance types on a stack; for a local outbox give --price-per-hour");
        }
        if (pricePerHour == null) {
            return null;
        }
        List<AttemptUsage> attempts = local(records);
        if (attempts.isEmpty()) {
            return null;
        }
        Instant from = attempts.stream().map(AttemptUsage::start).min(Comparator.naturalOrder()).orElseThrow();
        Instant until = attempts.stream().map(AttemptUsage::end).max(Comparator.naturalOrder()).orElseThrow();
        InstanceSpan machine = new InstanceSpan(LOCAL, "local", Prices.ON_DEMAND, from, until);
        return new RunReport.Costs(CostAttribution.attribute(attempts, List.of(machine),
                Prices.fixed(pricePerHour, "--price-per-hour " + pricePerHour.toPlainString() + " for this machine"),
                from, until), Map.of());
    }

    private static Prices fromFile(Path file, String region) throws UsageException {
        try {
            return BundledPrices.fromFile(file, region);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--prices: " + e.getMessage(), e);
        }
    }

    /** The local attempts with both ends known, each sharing the machine with as many as ever ran beside it. */
    static List<AttemptUsage> local(List<JobRecord> records) {
        record Run(JobRecord job, Instant start, Instant end) {
        }
        List<Run> runs = new ArrayList<>();
        for (JobRecord job : records) {
            Instant start = parse(job.startedAt());
            Instant end = parse(job.endedAt());
            if (start != null && end != null && !end.isBefore(start)) {
                runs.add(new Run(job, start, end));
            }
        }
        int atOnce = Math.max(1, mostAtOnce(runs.stream().map(run -> new Instant[] {run.start(), run.end()}).toList()));
        return runs.stream().map(run -> new AttemptUsage(run.job().id(), run.job().algorithm(), Math.max(1, run.job().attempt()),
                LOCAL, "local", Prices.ON_DEMAND, 1.0 / atOnce, run.start(), run.end())).toList();
    }

    /** The most intervals open at one instant (an interval ending when another starts does not overlap it). */
    static int mostAtOnce(List<Instant[]> intervals) {
        List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
        intervals.forEach(interval -> {
            edges.add(Map.entry(interval[0], 1));
            edges.add(Map.entry(interval[1], -1));
        });
        edges.sort(Map.Entry.<Instant, Integer>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        int open = 0;
        int most = 0;
        for (Map.Entry<Instant, Integer> edge : edges) {
            open += edge.getValue();
            most = Math.max(most, open);
        }
        return most;
    }

    /**
     * Now, or the latest end the records tell if that is later: the records' times are the stack's clocks' (the
     * sandbox's runs faster than this machine's), and an attempt is never cut off by the report's own clock.
     */
    private static Instant latest(List<AttemptUsage> attempts, Instant now) {
        Instant latest = now;
        for (AttemptUsage usage : attempts) {
            latest = usage.end().isAfter(latest) ? usage.end() : latest;
        }
        return latest;
    }

    private static Instant earliest(List<AttemptUsage> attempts, List<InstanceSpan> spans, Instant now) {
        Instant earliest = now;
        for (AttemptUsage usage : attempts) {
            earliest = usage.start().isBefore(earliest) ? usage.start() : earliest;
        }
        for (InstanceSpan span : spans) {
            earliest = span.start().isBefore(earliest) ? span.start() : earliest;
        }
        return earliest;
    }

    private static Instant parse(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
