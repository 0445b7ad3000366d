package io.conveyor.cli.jobs;

import io.conveyor.config.Environment;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine;

/** The commands that operate jobs, on whichever target ({@link Targets}). */
public final class JobCommands {

    private JobCommands() {
    }

    /** Adds them to the {@code conveyor} command. */
    public static void addTo(CommandLine cli, Path home, Environment environment, PrintStream out, PrintStream err) {
        cli.addSubcommand(new JobsCommand(home, environment, out, err));
        cli.addSubcommand(new ShowCommand(home, environment, out, err));
        cli.addSubcommand(new LogsCommand(home, environment, out, err));
        cli.addSubcommand(new CancelCommand(home, environment, out, err));
        cli.addSubcommand(new RetryCommand(home, environment, out, err));
        cli.addSubcommand(new WatchCommand(home, environment, out, err));
        cli.addSubcommand(new SubmitCommand(home, environment, out, err));
        cli.addSubcommand(new RegisterCommand(home, environment, out, err));
        cli.addSubcommand(new AlgorithmsCommand(home, environment, out, err));
        cli.addSubcommand(new FleetCommand(home, environment, out, err));
    }
}
