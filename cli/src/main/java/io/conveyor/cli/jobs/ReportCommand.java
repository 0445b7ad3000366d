package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.cli.report.HtmlReport;
import io.conveyor.cli.report.RunReport;
import io.conveyor.cli.report.TraceTsv;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code conveyor report}: a run's jobs as one HTML page (summary, cost, timeline) or a TSV trace. */
@Command(name = "report", mixinStandardHelpOptions = true, description = ReportCommand.SUMMARY)
final class ReportCommand implements Callable<Integer> {

    static final String SUMMARY = "Write a run report: an HTML page with summary, cost and timeline, or a TSV trace.";
    /** How many records are read at once from a stack (each is one GetObject). */
    static final int READERS = 32;

    @Mixin
    TargetOptions target = new TargetOptions();
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write: a .html page or a .tsv trace (default: ${DEFAULT-VALUE})")
    Path output = Path.of("report.html");
    @Option(names = "--since", paramLabel = "AGE|TIME", description = "only jobs queued since: 30m, 2h, 7d, or an ISO-8601 time")
    String since;
    @Option(names = "--algorithm", paramLabel = "NAME", description = "only this algorithm's jobs")
    String algorithm;
    @Option(names = "--pipeline", paramLabel = "NAME", description = "only the jobs of this pipeline's steps")
    String pipeline;
    @Option(names = "--batch", paramLabel = "NAME", description = "only the jobs of batches of this name")
    String batch;
    @Option(names = "--limit", paramLabel = "N", description = "at most this many jobs, the newest (default: ${DEFAULT-VALUE})")
    int limit = 10_000;
    @Option(names = "--price-per-hour", paramLabel = "USD",
            description = "what an hour of the machine costs, for a local outbox (a stack's instances are priced by type)")
    BigDecimal pricePerHour;
    @Option(names = "--prices", paramLabel = "FILE", description = "a stack's prices per instance type, written like "
            + "the bundled table (region, type, USD per hour; a '# date:' line)")
    Path priceFile;

    private final Path home;
    private final Environment environment;
    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        this.home = home;
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws UsageException {
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean tsv = name.endsWith(".tsv");
        if (!tsv && !name.endsWith(".html") && !name.endsWith(".htm")) {
            throw new UsageException("-o/--output: '" + output + "' must end in .html (the page) or .tsv (the trace)");
        }
        if (limit < 1) {
            throw new UsageException("--limit must be at least 1, was " + limit);
        }
        if (pricePerHour != null && pricePerHour.signum() < 0) {
            throw new UsageException("--price-per-hour must be 0 or more, was " + pricePerHour.toPlainString());
        }
        Instant now = Instant.now();
        Instant from = since == null ? null : Since.parse(since, now);
        try (Target opened = Targets.open(target, environment, home)) {
            List<JobRecord> records = records(opened, JobQuery.newest(limit).withAlgorithm(algorithm).withSince(from)
                    .withPipeline(pipeline).withBatch(batch));
            RunReport report = RunReport.of(opened.describe(), records, now, ReportCosts.of(opened, records, pricePerHour, priceFile, from, now));
            write(tsv ? TraceTsv.render(report) : HtmlReport.render(report));
            out.println("wrote " + output + ": " + report.jobs().size() + " jobs, " + report.bars().size()
                    + " attempts on " + report.lanes().size() + (report.lanes().size() == 1 ? " lane" : " lanes")
                    + " from " + opened.describe());
            return 0;
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /** The records the query lists, read {@value #READERS} at a time, with progress on standard error. */
    private List<JobRecord> records(Target target, JobQuery query) throws UsageException {
        List<JobSummary> listed = target.jobs().list(query);
        if (listed.size() == limit) {
            err.println("note: the newest " + limit + " jobs only (--limit)");
        }
        List<JobRecord> records = new ArrayList<>(listed.size());
        Semaphore permits = new Semaphore(READERS);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<JobRecord>>> reads = new ArrayList<>(listed.size());
            for (JobSummary summary : listed) {
                reads.add(readers.submit(() -> {
                    permits.acquire();
                    try {
                        return target.jobs().get(summary.id());
                    } finally {
                        permits.release();
                    }
                }));
            }
            int done = 0;
            for (Future<Optional<JobRecord>> read : reads) {
                read.get().ifPresent(records::add);
                if (++done % 1000 == 0) {
                    err.println("read " + done + " of " + listed.size() + " job records");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while reading job records");
        } catch (ExecutionException e) {
            throw new UsageException("cannot read a job record from " + target.describe() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        return records;
    }

    /** Written whole or not at all: a temporary file beside it, then moved over it. */
    private void write(String content) throws UsageException {
        Path absolute = output.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path temporary = Files.createTempFile(absolute.getParent(), ".report-", ".tmp");
            try {
                Files.writeString(temporary, content, StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UsageException("-o/--output: cannot write " + output + ": " + e.getMessage(), e);
        }
    }
}
