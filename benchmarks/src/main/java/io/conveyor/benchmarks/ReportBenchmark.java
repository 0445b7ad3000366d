package io.conveyor.benchmarks;

import io.conveyor.cli.report.HtmlReport;
import io.conveyor.cli.report.RunReport;
import io.conveyor.jobs.JobRecord;
import io.conveyor.testing.Chromium;
import io.conveyor.testing.FinishedJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code benchmarks/run report [JOBS] [RUNS]}: the run report of JOBS finished jobs (default 10,000; one in ten
 * retried on AWS, one in nine failed): the time to build and write the page, its size, and headless Chromium
 * drawing it (a screenshot, whole process) side by side with a blank page, RUNS interleaved runs, medians.
 */
public final class ReportBenchmark {

    private ReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<JobRecord> records = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            Instant queued = FinishedJobs.T0.plusMillis(250L * i);
            records.add(i % 10 == 0
                    ? FinishedJobs.retriedOnAws("s3://in/inputs/sort/" + i + ".csv", "sort", queued, "Host EC2 stopped")
                    : FinishedJobs.local("/in/count/" + i + ".txt", i % 3 == 0 ? "count" : "stats", queued,
                    queued.plusMillis(400 + i % 13 * 100L), Duration.ofSeconds(2 + i % 17), i % 9 != 0));
        }
        Path dir = Files.createDirectories(Path.of("benchmarks", "target", "report"));
        Path page = dir.resolve("report-" + jobs + ".html").toAbsolutePath();
        Path blank = dir.resolve("blank.html").toAbsolutePath();
        Files.writeString(blank, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>");
        List<Double> build = new ArrayList<>();
        RunReport report = null;
        for (int run = 0; run < runs; run++) {
            long started = System.nanoTime();
            report = RunReport.of("benchmark", records, FinishedJobs.T0.plus(Duration.ofDays(1)), null);
            Files.writeString(page, HtmlReport.render(report));
            build.add((System.nanoTime() - started) / 1e9);
        }
        Chromium chromium = Chromium.find();
        chromium.screenshot(blank.toUri().toString(), dir.resolve("warm.png"), 1280, 1600);
        List<Double> drawBlank = new ArrayList<>();
        List<Double> drawPage = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            drawBlank.add(time(() -> chromium.screenshot(blank.toUri().toString(), dir.resolve("blank.png"), 1280, 1600)));
            drawPage.add(time(() -> chromium.screenshot(page.toUri().toString(), dir.resolve("report.png"), 1280, 1600)));
        }
        double pageMedian = median(drawPage);
        double blankMedian = median(drawBlank);
        System.out.printf(Locale.ROOT, "jobs %d, attempts on the timeline %d, lanes %d, page %.1f MB%n", jobs,
                report.bars().size(), report.lanes().size(), Files.size(page) / 1e6);
        System.out.printf(Locale.ROOT, "build and write the page: median %.3f s (%d runs)%n", median(build), runs);
        System.out.printf(Locale.ROOT, "chromium screenshot, whole process: report %.3f s, blank page %.3f s, "
                + "ratio %.2f, difference %.3f s (medians of %d interleaved runs)%n", pageMedian, blankMedian,
                pageMedian / blankMedian, pageMedian - blankMedian, runs);
    }

    interface Step {
        void run() throws Exception;
    }

    private static double time(Step step) throws Exception {
        long started = System.nanoTime();
        step.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
