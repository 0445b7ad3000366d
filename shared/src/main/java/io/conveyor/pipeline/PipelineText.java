package io.conveyor.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A pipeline as text an author reads: its batch rule in words, then its steps as a tree (each step
 * below the one it takes outputs of), each with its algorithm, its input and its fan-out.
 */
public final class PipelineText {

    private PipelineText() {
    }

    /** The lines that explain {@code pipeline}, ending in a line break. */
    public static String explain(Pipeline pipeline) {
        List<String> lines = new ArrayList<>();
        lines.add("Pipeline " + pipeline.name() + " (revision " + pipeline.revision().substring(0, 12) + ")");
        if (pipeline.description() != null) {
            lines.add("  " + pipeline.description());
        }
        lines.add("Batches: the files uploaded under inputs/" + pipeline.name() + "/<batch>/ (locally inbox/"
                + pipeline.name() + "/<batch>/)");
        lines.add("  " + batchRule(pipeline.batches(), pipeline.steps().stream().anyMatch(Step::gathers)));
        lines.add("Steps:");
        for (Step first : pipeline.firstSteps()) {
            tree(pipeline, first, 1, lines);
        }
        return String.join("\n", lines) + "\n";
    }

    private static void tree(Pipeline pipeline, Step step, int depth, List<String> lines) {
        String indent = "  ".repeat(depth);
        StringBuilder line = new StringBuilder(indent).append(step.name()).append(": ").append(step.algorithm());
        line.append(switch (step.input()) {
            case StepInput.BatchFiles b -> " on each file of the batch";
            case StepInput.OutputsOf o -> " on each output of " + o.step() + ", as soon as its job succeeds";
            case StepInput.GatherOf g -> " once per batch, on every output of " + g.step()
                    + " (a folder, CONVEYOR_INPUT_DIR), when the batch is complete and every job of " + g.step()
                    + " has ended";
        });
        if (!step.parameters().isEmpty()) {
            line.append(", with ").append(values(step.parameters()));
        }
        switch (step.fanOut()) {
            case FanOut.None n -> { }
            case FanOut.ParameterSets p -> line.append(", ×").append(p.sets().size()).append(" parameter set")
                    .append(p.sets().size() == 1 ? "" : "s").append(" (one job each)");
            case FanOut.ArchiveMembers a -> line.append(", one job per member of the archive it takes");
            case FanOut.ListedPrefix l -> line.append(", one job per object its listing (the file it takes) names in the batch's subfolders");
        }
        lines.add(line.toString());
        if (step.fanOut() instanceof FanOut.ParameterSets p) {
            for (int i = 0; i < p.sets().size(); i++) {
                lines.add(indent + "    set " + (i + 1) + ": " + values(p.sets().get(i)));
            }
        }
        for (Step next : pipeline.after(step.name())) {
            tree(pipeline, next, depth + 1, lines);
        }
    }

    /** The batch rule in words; what a failed member does only when a step gathers. */
    static String batchRule(BatchRule rule, boolean gathers) {
        String complete = switch (rule.completion()) {
            case MANIFEST -> "A batch is complete when its " + BatchRule.MANIFEST + " has arrived and every file it "
                    + "lists is there.";
            case MARKER -> "A batch is complete when a " + BatchRule.MARKER + " file arrives in it.";
            case QUIET -> "A batch is complete when no file has arrived in it for " + seconds(rule.quietPeriod().toSeconds())
                    + ".";
        };
        String deadline = " One not complete " + minutes(rule.deadline().toMinutes()) + " after its first file ends "
                + "with that reason. ";
        if (!gathers) {
            return complete + deadline + "No step gathers, so no job waits for it.";
        }
        return complete + deadline + (rule.onMemberFailure() == BatchRule.MemberFailure.FAIL
                ? "A failed job of a gathered step fails the gather, with its reason."
                : "A gather runs over the jobs that succeeded; the failed ones are named in its record.");
    }

    private static String values(Map<String, String> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String seconds(long seconds) {
        return seconds % 60 == 0 ? minutes(seconds / 60) : seconds + " s";
    }

    private static String minutes(long minutes) {
        if (minutes % 60 != 0) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours + (hours == 1 ? " hour" : " hours");
    }
}
