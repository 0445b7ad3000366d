package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code conveyor fleet}: the instances, the queues, the dead letters. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = FleetCommand.SUMMARY)
final class FleetCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Instances (state, type, tasks, idle minutes, alarm), queue depths, dead letters.";

    FleetCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        Fleet fleet = target.fleet();
        if (fleet == null) {
            err.println("conveyor fleet: " + target.describe() + " is the local mode: it runs jobs on this machine, "
                    + "it has no fleet (see conveyor local --cpus and --memory)");
            return 0;
        }
        fleet.warnings().forEach(warning -> err.println("conveyor fleet: " + warning));
        if (json()) {
            printJson(fleet);
            return 0;
        }
        Table instances = new Table("INSTANCE", "STATE", "TYPE", "TASKS", "IDLE MIN", "ALARM");
        fleet.instances().forEach(i -> instances.row(i.id(), i.state(), i.type(), i.runningTasks(), i.idleMinutes(),
                i.alarm()));
        if (instances.isEmpty()) {
            out.println("no instances (dispatch launches them when jobs wait)");
        } else {
            instances.print(out);
        }
        out.println();
        Table queues = new Table("QUEUE", "WAITING", "IN FLIGHT");
        fleet.queues().forEach(q -> queues.row(q.name(), q.waiting(), q.inFlight()));
        queues.print(out);
        fleet.queues().stream().filter(q -> q.deadLetter() && q.waiting() > 0).forEach(q -> {
            out.println();
            out.println(q.name() + ": " + q.waiting() + " dead letter(s); their reasons are in " + q.reasons()
                    + "; some of them:");
            q.samples().forEach(sample -> out.println("  " + Table.cell(sample)));
        });
        return 0;
    }
}
