package io.conveyor.cli.jobs;

import io.conveyor.jobs.JobOperations;
import java.util.List;

/** How cancel and retry report: a line per job (or JSON), exit 1 when a job was not found. */
final class Outcomes {

    private Outcomes() {
    }

    static int print(TargetCommand command, List<JobOperations.Outcome> outcomes) {
        if (command.json()) {
            command.printJson(outcomes);
        } else {
            for (JobOperations.Outcome outcome : outcomes) {
                String line = switch (outcome.kind()) {
                    case DONE -> outcome.jobId() + "  " + outcome.message();
                    case NOTHING_TO_DO -> outcome.jobId() + "  nothing to do: " + outcome.message();
                    case NOT_FOUND -> outcome.jobId() + "  no such job";
                };
                (outcome.kind() == JobOperations.Outcome.Kind.NOT_FOUND ? command.err : command.out).println(line);
                outcome.cancelledChildren().forEach(child -> command.out.println("  and its child " + child
                        + ": cancelled"));
            }
        }
        return outcomes.stream().anyMatch(o -> o.kind() == JobOperations.Outcome.Kind.NOT_FOUND) ? 1 : 0;
    }
}
