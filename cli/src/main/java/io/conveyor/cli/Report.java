package io.conveyor.cli;

import io.conveyor.jobs.JobRecord;
import io.conveyor.local.LocalPipeline;
import io.conveyor.local.LocalSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The table of jobs a run ends with: job, algorithm, status, duration, output.
 */
final class Report {

    private Report() {
    }

    static void table(LocalPipeline.Summary summary, LocalSettings settings, PrintStream terminal) {
        // Written at once: a line at a time, a rerun over many thousand jobs spends its time in writes.
        java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(table, false, terminal.charset());
        String format = "%-28s %-12s %-10s %9s  %s%n";
        out.printf(format, "JOB", "ALGORITHM", "STATUS", "DURATION", "OUTPUT");
        for (JobRecord job : java.util.stream.Stream.concat(summary.jobs().stream(), summary.earlier().stream()).toList()) {
            String output = job.output() == null ? "-" : relative(settings, job.output());
            if (job.outputs().size() == 1) {
                output = output + "/" + job.outputs().get(0);
            }
            out.printf(format, job.id(), job.algorithm(), job.state(), duration(job), output);
            if (job.reason() != null && job.state().terminal()) {
                out.printf("%-28s %s%n", "", "reason: " + job.reason());
            }
            if (job.stderrTail() != null && !job.stderrTail().isBlank() && job.state().terminal()) {
                out.printf("%-28s %s%n", "", "stderr: " + job.stderrTail().lines().reduce((a, b) -> b).orElse(""));
            }
        }
        earlier(summary, settings, out);
        out.flush();
        terminal.write(table.toByteArray(), 0, table.size());
        terminal.flush();
    }

    /**
     * The line saying how many of the run's jobs earlier runs did, or nothing when none; and how many of those (all
     * succeeded) the table leaves out, and how to list them.
     */
    static void earlier(LocalPipeline.Summary summary, LocalSettings settings, PrintStream out) {
        int earlier = summary.earlierCount();
        if (earlier == 0) {
            return;
        }
        out.println(earlier + " of these " + (summary.jobs().size() + earlier)
                + " jobs were done by an earlier run (their inputs had not changed)");
        if (summary.earlierNotListed() > 0) {
            out.println(summary.earlierNotListed() + " of them, which succeeded, are not listed above: ./conveyor jobs"
                    + " --outbox " + settings.outbox() + " --state SUCCEEDED --limit " + earlier + " lists them");
        }
    }

    private static String duration(JobRecord job) {
        if (job.startedAt() == null || job.endedAt() == null) {
            return "-";
        }
        Duration took = Duration.between(Instant.parse(job.startedAt()), Instant.parse(job.endedAt()));
        return String.format("%.2f s", took.toMillis() / 1000.0);
    }

    private static String relative(LocalSettings settings, String path) {
        return Progress.shorten(settings.outbox().getParent(), path);
    }
}
