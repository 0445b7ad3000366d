package io.conveyor.cli.jobs;

import io.conveyor.cli.report.RunReport;
import io.conveyor.jobs.JobRecord;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What a report's jobs cost, where a price is known. */
final class ReportCosts {

    private ReportCosts() {
    }

    static RunReport.Costs of(Target target, List<JobRecord> records, BigDecimal pricePerHour, Instant now, PrintStream err) {
        return null;
    }
}
