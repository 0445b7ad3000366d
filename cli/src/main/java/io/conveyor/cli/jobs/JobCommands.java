package io.conveyor.cli.jobs;

import io.conveyor.cli.Conveyor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The commands that operate jobs, on whichever target ({@link Targets}). */
public final class JobCommands {

    private JobCommands() {
    }

    /** Each command by name, in the order help lists them. */
    public static final Map<String, Conveyor.Entry> ENTRIES = entries();

    private static Map<String, Conveyor.Entry> entries() {
        Map<String, Conveyor.Entry> makers = new LinkedHashMap<>();
        makers.put("jobs", new Conveyor.Entry(JobsCommand.SUMMARY, JobsCommand::new));
        makers.put("show", new Conveyor.Entry(ShowCommand.SUMMARY, ShowCommand::new));
        makers.put("logs", new Conveyor.Entry(LogsCommand.SUMMARY, LogsCommand::new));
        makers.put("cancel", new Conveyor.Entry(CancelCommand.SUMMARY, CancelCommand::new));
        makers.put("retry", new Conveyor.Entry(RetryCommand.SUMMARY, RetryCommand::new));
        makers.put("watch", new Conveyor.Entry(WatchCommand.SUMMARY, WatchCommand::new));
        makers.put("submit", new Conveyor.Entry(SubmitCommand.SUMMARY, SubmitCommand::new));
        makers.put("register", new Conveyor.Entry(RegisterCommand.SUMMARY, RegisterCommand::new));
        makers.put("algorithms", new Conveyor.Entry(AlgorithmsCommand.SUMMARY, AlgorithmsCommand::new));
        makers.put("fleet", new Conveyor.Entry(FleetCommand.SUMMARY, FleetCommand::new));
        makers.put("report", new Conveyor.Entry(ReportCommand.SUMMARY, ReportCommand::new));
        return Collections.unmodifiableMap(makers);
    }
}
