package io.conveyor.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.descriptor.Chains;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.ProcessVariables;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules a JSON Schema cannot express, on a schema-valid pipeline document, and the mapping to a
 * {@link Pipeline} with defaults filled in: the steps' graph (unique names, edges to other steps, no
 * loop, a step taking the batch's files), the batch rule, and each step's algorithm and values.
 */
final class PipelineChecks {

    /** How long a batch may wait to be complete when the pipeline does not say. */
    static final Duration DEFAULT_DEADLINE = Duration.ofHours(24);

    /** The objects that map parameter names to values: a step's parameters and each of its parameter sets. */
    private static final Pattern VALUES = Pattern.compile("/steps/\\d+/(parameters|fanOut/parameterSets/\\d+)");

    private PipelineChecks() {
    }

    /** The pipeline (when there are no errors), the errors and the warnings. */
    record Result(Pipeline pipeline, List<Problem> errors, List<Problem> warnings) {
    }

    /** @param algorithms the algorithms steps may name, or {@code null} to leave them unchecked */
    static Result check(ObjectNode doc, String revision, AlgorithmLookup algorithms) {
        List<Problem> errors = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        String name = doc.path("pipeline").asText();
        if (algorithms != null && algorithms.algorithm(name).isPresent()) {
            errors.add(new Problem("/pipeline", "'" + name + "' is also an algorithm's name: both would take the "
                    + "files under inputs/" + name + "/; give the pipeline another name"));
        }
        List<Step> steps = new ArrayList<>();
        JsonNode stepNodes = doc.path("steps");
        for (int i = 0; i < stepNodes.size(); i++) {
            steps.add(step(stepNodes.get(i), "/steps/" + i, errors));
        }
        checkGraph(steps, errors);
        for (int i = 0; i < steps.size(); i++) {
            checkAlgorithm(steps.get(i), stepNodes.get(i), "/steps/" + i, algorithms, errors);
        }
        BatchRule batches = batches(doc, steps, errors);
        errors.addAll(Secrets.find(doc, path -> VALUES.matcher(path).matches()));
        if (!errors.isEmpty()) {
            return new Result(null, errors, warnings);
        }
        return new Result(new Pipeline(name, revision, doc.path("description").asText(null), steps, batches),
                errors, warnings);
    }

    private static Step step(JsonNode node, String at, List<Problem> errors) {
        String name = node.path("name").asText();
        StepInput input = new StepInput.BatchFiles();
        if (node.has("after") && node.has("gather")) {
            errors.add(new Problem(at, "has both after and gather: a step takes each output of a step (after) or "
                    + "every output of one once per batch (gather), not both"));
        } else if (node.has("after")) {
            input = new StepInput.OutputsOf(node.get("after").asText());
        } else if (node.has("gather")) {
            input = new StepInput.GatherOf(node.get("gather").asText());
        }
        JsonNode fanOutNode = node.path("fanOut");
        FanOut fanOut = new FanOut.None();
        if (fanOutNode.has("parameterSets")) {
            List<Map<String, String>> sets = new ArrayList<>();
            fanOutNode.get("parameterSets").forEach(set -> sets.add(values(set)));
            fanOut = new FanOut.ParameterSets(sets);
        } else if (fanOutNode.has("members")) {
            fanOut = fanOutNode.get("members").asText().equals("archive") ? new FanOut.ArchiveMembers()
                    : new FanOut.ListedPrefix();
            if (input instanceof StepInput.GatherOf) {
                errors.add(new Problem(at + "/fanOut/members", "cannot fan out a gather over members: its input is "
                        + "a folder of every upstream output, not one archive or list"));
            }
        }
        return new Step(name, node.path("algorithm").asText(), input, fanOut, values(node.get("parameters")));
    }

    /** Unique names, edges to other existing steps, no loop, and a step that takes the batch's files. */
    private static void checkGraph(List<Step> steps, List<Problem> errors) {
        Map<String, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Integer earlier = indexOf.putIfAbsent(steps.get(i).name(), i);
            if (earlier != null) {
                errors.add(new Problem("/steps/" + i + "/name", "'" + steps.get(i).name() + "' is also the name of "
                        + "/steps/" + earlier + "; step names are unique"));
            }
        }
        String names = steps.stream().map(Step::name).distinct().collect(Collectors.joining(", "));
        boolean edgesKnown = true;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String upstream = step.input().upstream();
            if (upstream == null) {
                continue;
            }
            String at = "/steps/" + i + "/" + (step.gathers() ? "gather" : "after");
            if (upstream.equals(step.name())) {
                errors.add(new Problem(at, "'" + upstream + "' is this step: a step cannot take its own outputs"));
                edgesKnown = false;
            } else if (!indexOf.containsKey(upstream)) {
                errors.add(new Problem(at, "'" + upstream + "' names no step of this pipeline (its steps: " + names + ")"));
                edgesKnown = false;
            }
        }
        if (edgesKnown) {
            checkLoops(steps, indexOf, errors);
        }
        if (steps.stream().noneMatch(step -> step.input() instanceof StepInput.BatchFiles)) {
            errors.add(new Problem("/steps", "no step takes the batch's files: at least one step needs neither after "
                    + "nor gather"));
        }
    }

    /** Each loop once, at its first step, along the flow of outputs: {@code a → b → a}. */
    private static void checkLoops(List<Step> steps, Map<String, Integer> indexOf, List<Problem> errors) {
        Map<String, String> upstreamOf = new HashMap<>();
        steps.forEach(step -> upstreamOf.putIfAbsent(step.name(), step.input().upstream()));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (indexOf.get(step.name()) != i || step.input().upstream() == null) {
                continue;
            }
            List<String> back = Chains.path(step.input().upstream(), step.name(),
                    s -> upstreamOf.get(s) == null ? List.of() : List.of(upstreamOf.get(s)));
            if (back == null || back.stream().anyMatch(s -> indexOf.get(s) < indexOf.get(step.name()))) {
                continue;
            }
            List<String> flow = new ArrayList<>(back.reversed());
            flow.add(step.name());
            errors.add(new Problem("/steps/" + i + "/" + (step.gathers() ? "gather" : "after"), "leads back to '"
                    + step.name() + "': " + String.join(" → ", flow) + "; the steps of a pipeline may not form a loop"));
        }
    }

    /** The algorithm exists and takes the values given: declared names, required ones given, sets distinct. */
    private static void checkAlgorithm(Step step, JsonNode node, String at, AlgorithmLookup algorithms,
                                       List<Problem> errors) {
        Optional<Descriptor> found = algorithms == null ? Optional.empty() : algorithms.algorithm(step.algorithm());
        if (algorithms != null && found.isEmpty()) {
            errors.add(new Problem(at + "/algorithm", algorithms.whyNot(step.algorithm())));
        }
        Map<String, Descriptor.Parameter> declared = new LinkedHashMap<>();
        found.ifPresent(d -> d.parameters().forEach(p -> declared.put(p.name(), p)));
        checkNames(step.parameters(), at + "/parameters", found.orElse(null), declared, errors);
        List<Map<String, String>> sets = step.fanOut() instanceof FanOut.ParameterSets p ? p.sets() : List.of();
        for (int s = 0; s < sets.size(); s++) {
            String setAt = at + "/fanOut/parameterSets/" + s;
            checkNames(sets.get(s), setAt, found.orElse(null), declared, errors);
            for (String parameter : sets.get(s).keySet()) {
                if (step.parameters().containsKey(parameter)) {
                    errors.add(new Problem(setAt + "/" + parameter, "'" + parameter + "' is also given in " + at
                            + "/parameters; a value comes from one place"));
                }
            }
            int same = sets.subList(0, s).indexOf(sets.get(s));
            if (same >= 0) {
                errors.add(new Problem(setAt, "is the same as parameter set " + same + ": the two would be one job"));
            }
        }
        for (Descriptor.Parameter parameter : declared.values()) {
            boolean everySet = !sets.isEmpty() && sets.stream().allMatch(set -> set.containsKey(parameter.name()));
            if (parameter.required() && !step.parameters().containsKey(parameter.name()) && !everySet) {
                errors.add(new Problem(at, "'" + step.algorithm() + "' requires the parameter " + parameter.name()
                        + ": give it in parameters, or in every parameter set of fanOut"));
            }
        }
    }

    private static void checkNames(Map<String, String> values, String at, Descriptor algorithm,
                                   Map<String, Descriptor.Parameter> declared, List<Problem> errors) {
        for (String parameter : values.keySet()) {
            String path = at + "/" + parameter;
            Optional<String> forbidden = ProcessVariables.parameterProblem(parameter);
            if (forbidden.isPresent()) {
                errors.add(new Problem(path, forbidden.get()));
            } else if (algorithm != null && !declared.containsKey(parameter)) {
                errors.add(new Problem(path, "'" + parameter + "' is no parameter of '" + algorithm.name() + "' ("
                        + (declared.isEmpty() ? "it declares none" : "it declares " + String.join(", ", declared.keySet()))
                        + ")"));
            }
        }
    }

    /** The batch rule with its defaults; required when a step gathers. */
    private static BatchRule batches(JsonNode doc, List<Step> steps, List<Problem> errors) {
        JsonNode node = doc.path("batches");
        if (node.isMissingNode()) {
            steps.stream().filter(Step::gathers).findFirst().ifPresent(step -> errors.add(new Problem("", "needs "
                    + "batches (when a batch is complete: manifest, marker or quiet) because step '" + step.name()
                    + "' gathers once per batch")));
            // Nothing waits for a batch to be complete: the rule only bounds how long a batch stays open.
            return new BatchRule(BatchRule.Completion.MARKER, null, DEFAULT_DEADLINE, BatchRule.MemberFailure.FAIL);
        }
        BatchRule.Completion completion = BatchRule.Completion.valueOf(node.path("complete").asText().toUpperCase(Locale.ROOT));
        Duration deadline = node.has("deadlineMinutes") ? Duration.ofMinutes(node.get("deadlineMinutes").asInt())
                : DEFAULT_DEADLINE;
        Duration quiet = null;
        if (completion == BatchRule.Completion.QUIET && !node.has("quietSeconds")) {
            errors.add(new Problem("/batches", "complete is quiet, so quietSeconds is required: how long no new file "
                    + "must arrive"));
            quiet = Duration.ZERO;
        } else if (completion != BatchRule.Completion.QUIET && node.has("quietSeconds")) {
            errors.add(new Problem("/batches/quietSeconds", "applies only to complete: quiet, and complete is "
                    + node.path("complete").asText() + "; drop it"));
        } else if (node.has("quietSeconds")) {
            quiet = Duration.ofSeconds(node.get("quietSeconds").asInt());
            if (quiet.compareTo(deadline) >= 0) {
                errors.add(new Problem("/batches/quietSeconds", "is " + quiet.toSeconds() + " s, not shorter than the "
                        + "deadline (" + deadline.toMinutes() + " min): every batch would reach its deadline first"));
            }
        }
        BatchRule.MemberFailure onFailure = node.path("onMemberFailure").asText("fail").equals("skip")
                ? BatchRule.MemberFailure.SKIP : BatchRule.MemberFailure.FAIL;
        return new BatchRule(completion, quiet, deadline, onFailure);
    }

    private static Map<String, String> values(JsonNode node) {
        Map<String, String> values = new TreeMap<>();
        if (node != null) {
            node.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        }
        return values;
    }
}
