package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rules a JSON Schema cannot express, on a schema-valid current-format document, and the
 * mapping to a {@link Descriptor} with defaults filled in.
 */
final class SemanticChecks {

    /** Room for the command in ECS's 8 KiB of per-task overrides, beside the job's variables. */
    static final int MAX_COMMAND_CHARACTERS = 4096;

    /** As many words as the schema allows an array command (and as a command line of 4096 characters needs). */
    static final int MAX_COMMAND_WORDS = 256;

    private SemanticChecks() {
    }

    /** The descriptor (when there are no errors), the errors and the warnings. */
    record Result(Descriptor descriptor, List<Problem> errors, List<Problem> warnings) {
    }

    static Result check(ObjectNode doc) {
        List<Problem> errors = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();

        String name = doc.path("name").asText();
        String image = doc.path("image").asText();
        checkImage(image, warnings);
        List<String> command = command(doc.get("command"), "/command", errors);

        JsonNode resourcesNode = doc.path("resources");
        Descriptor.Resources resources = new Descriptor.Resources(resourcesNode.path("vcpu").asDouble(),
                resourcesNode.path("memoryMiB").asInt(), resourcesNode.path("gpu").asInt(0));
        List<String> instanceTypes = strings(doc.get("instanceTypes"));
        checkFit(resources, instanceTypes, errors);

        Map<String, String> environment = stringMap(doc.get("environment"));
        checkEnvironment(environment, "/environment", errors);

        List<Descriptor.Parameter> parameters = new ArrayList<>();
        Map<String, Integer> declaredAt = new HashMap<>();
        JsonNode parameterNodes = doc.path("parameters");
        for (int i = 0; i < parameterNodes.size(); i++) {
            JsonNode node = parameterNodes.get(i);
            String parameter = node.path("name").asText();
            String at = "/parameters/" + i;
            Integer earlier = declaredAt.putIfAbsent(parameter, i);
            if (earlier != null) {
                errors.add(new Problem(at + "/name", "'" + parameter + "' is declared twice (also /parameters/" + earlier + ")"));
            }
            ProcessVariables.parameterProblem(parameter).ifPresent(problem -> errors.add(new Problem(at + "/name", problem)));
            if (environment.containsKey(parameter)) {
                errors.add(new Problem(at + "/name", "'" + parameter + "' is also set in /environment; a variable "
                        + "comes from one place"));
            }
            boolean required = node.path("required").asBoolean(false);
            String defaultValue = node.path("default").asText(null);
            if (required && defaultValue != null) {
                errors.add(new Problem(at, "is required and has a default: a required parameter must be given for "
                        + "each file, so its default would never be used"));
            }
            parameters.add(new Descriptor.Parameter(parameter, required, defaultValue, node.path("description").asText(null)));
        }

        Set<String> known = new TreeSet<>(Placeholders.CONTRACT);
        known.addAll(declaredAt.keySet());
        for (int i = 0; i < command.size(); i++) {
            checkReferences(command.get(i), "/command/" + i, known, errors);
        }
        environment.forEach((key, value) -> checkReferences(value, "/environment/" + key, known, errors));
        checkCode(command, doc.get("command").isTextual(), "/command", errors);
        checkCodeVariables(environment, "/environment", errors);

        Descriptor.Input input = input(doc.path("input"), errors);
        Descriptor.Local local = null;
        if (doc.has("local")) {
            JsonNode localNode = doc.get("local");
            List<String> localCommand = localNode.has("command")
                    ? command(localNode.get("command"), "/local/command", errors) : null;
            Map<String, String> localEnvironment = stringMap(localNode.get("environment"));
            checkEnvironment(localEnvironment, "/local/environment", errors);
            if (localCommand != null) {
                for (int i = 0; i < localCommand.size(); i++) {
                    checkReferences(localCommand.get(i), "/local/command/" + i, known, errors);
                }
            }
            localEnvironment.forEach((key, value) -> checkReferences(value, "/local/environment/" + key, known, errors));
            if (localCommand != null) {
                checkCode(localCommand, localNode.get("command").isTextual(), "/local/command", errors);
            }
            checkCodeVariables(localEnvironment, "/local/environment", errors);
            local = new Descriptor.Local(localCommand, localEnvironment.isEmpty() ? null : localEnvironment);
        }

        List<String> then = strings(doc.get("then"));
        for (int i = 0; i < then.size(); i++) {
            if (then.get(i).equals(name)) {
                errors.add(new Problem("/then/" + i, "'" + name + "' is this algorithm: a chain may not lead back to itself"));
            }
        }

        List<Descriptor.Port> ports = new ArrayList<>();
        JsonNode portNodes = doc.path("ports");
        for (int i = 0; i < portNodes.size(); i++) {
            Descriptor.Port port = new Descriptor.Port(portNodes.get(i).path("port").asInt(),
                    portNodes.get(i).path("protocol").asText("tcp"));
            if (ports.contains(port)) {
                errors.add(new Problem("/ports/" + i, "port " + port.port() + "/" + port.protocol()
                        + " is listed twice (also /ports/" + ports.indexOf(port) + ")"));
            }
            ports.add(port);
        }
        Descriptor.Isolation isolation = IsolationChecks.check(doc.path("isolation"), !ports.isEmpty(), errors,
                warnings);
        int commandLength = command.stream().mapToInt(String::length).sum();
        if (commandLength > MAX_COMMAND_CHARACTERS) {
            errors.add(new Problem("/command", "is " + commandLength + " characters long; at most "
                    + MAX_COMMAND_CHARACTERS + " (each job's command travels in the ECS request that starts it, which "
                    + "ECS limits to 8 KiB of overrides)"));
        }

        errors.addAll(Secrets.find(doc));

        if (!errors.isEmpty()) {
            return new Result(null, errors, warnings);
        }
        Descriptor descriptor = new Descriptor(name, doc.path("description").asText(null), image, command, input,
                resources, instanceTypes, doc.path("timeoutSeconds").asInt(Descriptor.DEFAULT_TIMEOUT_SECONDS),
                doc.path("retries").asInt(Descriptor.DEFAULT_RETRIES), environment, parameters, ports, isolation, local, then);
        return new Result(descriptor, errors, warnings);
    }

    /** No reserved names (secrets are {@link Secrets}' to find, in every value). */
    private static void checkEnvironment(Map<String, String> environment, String path, List<Problem> errors) {
        environment.forEach((key, value) -> ProcessVariables.reservedProblem(key)
                .ifPresent(problem -> errors.add(new Problem(path + "/" + key, problem))));
    }

    private static List<String> command(JsonNode node, String path, List<Problem> errors) {
        if (node.isTextual()) {
            try {
                List<String> words = CommandLine.split(node.asText());
                if (words.size() > MAX_COMMAND_WORDS) {
                    errors.add(new Problem(path, "is " + words.size() + " words; at most " + MAX_COMMAND_WORDS
                            + " (each job's command travels in the ECS request that starts it, which ECS limits to "
                            + "8 KiB of overrides)"));
                }
                return words;
            } catch (IllegalArgumentException e) {
                errors.add(new Problem(path, "cannot be split into arguments: it " + e.getMessage()));
                return List.of();
            }
        }
        List<String> words = strings(node);
        if (words.get(0).isBlank()) {
            errors.add(new Problem(path + "/0", "the program to run must not be blank"));
        }
        return words;
    }

    /** Warns when the image can change under the author: no tag (so {@code latest}) or {@code latest}. */
    private static void checkImage(String image, List<Problem> warnings) {
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            warnings.add(new Problem("/image", "has no tag, so it means ':latest', which can change under you; "
                    + "pin a tag or a digest"));
        } else if (image.substring(colon + 1).equals("latest")) {
            warnings.add(new Problem("/image", "':latest' can change under you; pin a tag or a digest"));
        }
    }

    private static void checkFit(Descriptor.Resources resources, List<String> instanceTypes, List<Problem> errors) {
        List<InstanceTypes.Capacity> allowed = new ArrayList<>();
        for (int i = 0; i < instanceTypes.size(); i++) {
            Optional<InstanceTypes.Capacity> capacity = InstanceTypes.of(instanceTypes.get(i));
            if (capacity.isEmpty()) {
                errors.add(new Problem("/instanceTypes/" + i, "unknown instance type '" + instanceTypes.get(i)
                        + "'; Conveyor knows " + InstanceTypes.all().keySet().stream()
                        .map(type -> type.substring(0, type.indexOf('.'))).distinct().collect(Collectors.joining(", "))
                        + " (see InstanceTypes)"));
            } else {
                allowed.add(capacity.get());
            }
        }
        if (instanceTypes.isEmpty()) {
            allowed.addAll(InstanceTypes.all().values());
        }
        if (allowed.isEmpty() || allowed.stream().anyMatch(capacity -> capacity.fits(resources))) {
            return;
        }
        String offered = instanceTypes.isEmpty() ? "any instance type Conveyor knows"
                : allowed.stream().map(c -> c.type() + " (" + c.vcpus() + " vCPU, " + c.usableMemoryMiB()
                + " MiB usable" + (c.gpus() > 0 ? ", " + c.gpus() + " GPU" : "") + ")").collect(Collectors.joining(", "));
        errors.add(new Problem("/resources", "needs " + vcpus(resources.vcpu()) + " vCPU, " + resources.memoryMiB() + " MiB"
                + (resources.gpu() > 0 ? ", " + resources.gpu() + " GPU" : "") + ": more than " + offered + " offers"));
    }

    private static String vcpus(double vcpu) {
        return vcpu == Math.rint(vcpu) ? Long.toString((long) vcpu) : Double.toString(vcpu);
    }

    private static void checkReferences(String text, String path, Set<String> known, List<Problem> errors) {
        int malformed = Placeholders.malformedAt(text);
        if (malformed >= 0) {
            String shown = text.substring(malformed, Math.min(text.length(), malformed + 24));
            errors.add(new Problem(path, "holds '" + shown + "', which is not a placeholder: a placeholder is ${NAME} "
                    + "with no spaces, closed by '}', e.g. ${CONVEYOR_INPUT}; in a shell script write \"$NAME\""));
        }
        for (String name : Placeholders.referencedIn(text)) {
            if (!known.contains(name)) {
                errors.add(new Problem(path, "refers to ${" + name + "}, which is neither a declared parameter nor "
                        + "one of " + String.join(", ", new TreeSet<>(Placeholders.CONTRACT))));
            }
        }
    }

    /**
     * No placeholder where a value would become code or choose what runs ({@link CodeArguments}): the
     * error names the word (its index, or its number in a command written as one string) and the safe form.
     */
    private static void checkCode(List<String> command, boolean textual, String path, List<Problem> errors) {
        for (CodeArguments.Finding finding : CodeArguments.find(command)) {
            String word = command.get(finding.index());
            String at = textual ? path : path + "/" + finding.index();
            String which = textual ? "word " + (finding.index() + 1) + " " : "";
            for (String name : Placeholders.referencedIn(word)) {
                if (finding.role() == CodeArguments.Role.CODE || !Placeholders.OWN.contains(name)) {
                    errors.add(new Problem(at, which + finding.message(name)));
                }
            }
        }
    }

    /** No placeholder in a variable that changes what runs ({@link ProcessVariables}): a fixed value only. */
    private static void checkCodeVariables(Map<String, String> environment, String path, List<Problem> errors) {
        environment.forEach((key, value) -> ProcessVariables.changesWhatRuns(key).ifPresent(why -> {
            for (String name : Placeholders.referencedIn(value)) {
                errors.add(new Problem(path + "/" + key, "puts " + Placeholders.of(name) + " into " + key + ", which "
                        + "changes how a process runs (" + why + "), so a value there could become code or choose what "
                        + "runs; give " + key + " a fixed value, and read the value from its own variable (" + name + ")"));
            }
        }));
    }

    private static Descriptor.Input input(JsonNode node, List<Problem> errors) {
        if (node.isMissingNode()) {
            return null;
        }
        String glob = node.path("glob").asText(null);
        if (glob != null) {
            try {
                Glob.compile(glob);
            } catch (Glob.InvalidGlobException e) {
                errors.add(new Problem("/input/glob", "is not a valid glob: " + e.getMessage()));
            }
        }
        List<String> suffixes = node.has("suffixes") ? strings(node.get("suffixes")) : null;
        Integer maxSize = node.has("maxSizeMiB") ? node.get("maxSizeMiB").asInt() : null;
        String folder = node.path("folder").asText(null);
        if (folder != null) {
            InputFolder.problem(folder).ifPresent(problem -> errors.add(new Problem("/input/folder", problem)));
        }
        return new Descriptor.Input(suffixes, glob, maxSize, folder);
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node != null) {
            node.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node != null) {
            node.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        }
        return values;
    }
}
