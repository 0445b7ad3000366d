package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.TaskRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code conveyor show JOB|INPUT}: a job's whole story. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = ShowCommand.SUMMARY)
final class ShowCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "A job's whole story: attempts, exit codes per container, reasons, instance, times, parent and "
                + "children, output, logs, provenance.";

    @Parameters(index = "0", paramLabel = "JOB|INPUT", description = "a job id, or an input (key, URI or file name): "
            + "its newest job")
    String job;

    ShowCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        Optional<JobRecord> found = find(target, job);
        if (found.isEmpty()) {
            err.println("conveyor show: no job '" + job + "' in " + target.describe()
                    + " (conveyor jobs lists them)");
            return 1;
        }
        JobRecord record = found.get();
        if (json()) {
            printJson(record);
            return 0;
        }
        Instant now = Instant.now();
        out.println(record.id() + "  " + record.state() + (record.reason() == null ? "" : ": " + record.reason()));
        line("algorithm", record.algorithm() + (record.revision() == null ? "" : " (revision " + record.revision() + ")"));
        if (record.pipeline() != null) {
            io.conveyor.jobs.PipelinePlace place = record.pipeline();
            line("pipeline", place.pipeline() + " (revision " + place.revision() + ")");
            line("batch", place.batch());
            line("step", place.step());
            place.parameters().forEach((name, value) -> line("  parameter", name + "=" + visible(value)));
        }
        line("input", record.input() + (record.inputVersion() == null ? "" : " (version " + record.inputVersion() + ")"));
        line("attempts", record.attempt() + " of " + record.maxAttempts() + " counted"
                + (record.interruptions() > 0 ? ", " + record.interruptions() + " lost with their instance" : ""));
        line("queued", record.queuedAt());
        line("waiting", record.waitingSince() == null ? null : "since " + record.waitingSince());
        line("started", record.startedAt());
        line("ended", record.endedAt() == null ? null : record.endedAt() + " (took "
                + Since.duration(record.startedAt(), record.endedAt(), now) + ")");
        line("exit code", record.exitCode() == null ? null : record.exitCode().toString());
        line("placed on", record.placedOn());
        line("pinned to", record.pinnedTaskDefinition());
        line("parent", record.parent());
        record.children().forEach(child -> line("child", child));
        line("output", record.output());
        record.outputs().forEach(file -> line("  file", file + (record.outputChecksums().containsKey(file)
                ? "  " + record.outputChecksums().get(file) : "")));
        for (TaskRun run : record.tasks()) {
            out.println("  attempt " + run.attempt() + ": " + run.lastStatus() + "  " + run.taskArn());
            line("  started", run.startedAt());
            line("  stopped", run.stoppedAt() == null ? null : run.stoppedAt() + (run.stopCode() == null ? ""
                    : " (" + run.stopCode() + ")"));
            line("  reason", run.stoppedReason());
            line("  task def", run.taskDefinitionArn());
            run.exitCodes().forEach((container, code) -> line("  " + container, "exit code " + code
                    + (run.imageDigests().containsKey(container) ? ", image " + run.imageDigests().get(container) : "")));
            run.imageDigests().forEach((container, digest) -> {
                if (!run.exitCodes().containsKey(container)) {
                    line("  " + container, "image " + digest);
                }
            });
            run.logStreams().forEach((container, stream) -> line("  log", container + ": " + stream));
        }
        if (record.stderrTail() != null) {
            out.println("  stderr (end of the last failed attempt):");
            record.stderrTail().lines().forEach(text -> out.println("    " + text));
        }
        out.println("  logs: conveyor logs " + record.id() + (record.attempt() > 1 ? " [--attempt N]" : ""));
        return 0;
    }

    /** A value as it is, but its control characters shown as escapes: a value never moves the terminal's cursor. */
    static String visible(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return text.toString();
    }

    private void line(String label, String value) {
        if (value != null) {
            out.printf("  %-12s %s%n", label, value);
        }
    }
}
