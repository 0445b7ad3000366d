package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Converts a descriptor of the original tool's format (already valid against the legacy schema) to
 * the current format, and maps paths of the result back to the fields the author wrote.
 */
final class LegacyConverter {

    /** The instance type an empty {@code instance_type} meant in the original tool. */
    static final String LEGACY_DEFAULT_INSTANCE_TYPE = "t2.micro";

    private LegacyConverter() {
    }

    /** A converted document, the warnings and errors of converting, and how its paths map back. */
    record Conversion(ObjectNode document, PathMap paths, List<Problem> warnings, List<Problem> errors) {
    }

    /** Maps a path of the converted document to the legacy field it came from. */
    record PathMap(List<String[]> prefixes) {

        static final PathMap IDENTITY = new PathMap(List.of());

        String toSource(String path) {
            String[] best = null;
            for (String[] mapping : prefixes) {
                if ((path.equals(mapping[0]) || path.startsWith(mapping[0] + "/"))
                        && (best == null || mapping[0].length() > best[0].length())) {
                    best = mapping;
                }
            }
            return best == null ? path : best[1] + path.substring(best[0].length());
        }
    }

    static Conversion convert(ObjectNode legacy) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode out = json.objectNode();
        List<Problem> warnings = new ArrayList<>();
        List<Problem> errors = new ArrayList<>();
        List<String[]> paths = new ArrayList<>();

        String name = legacy.path("name").asText();
        String normalized = normalizeName(name);
        if (!normalized.equals(name)) {
            warnings.add(new Problem("/name", "'" + name + "' becomes '" + normalized
                    + "' (lowercase letters, digits and dashes); upload inputs under inputs/" + normalized + "/"));
        }
        out.put("name", normalized);
        paths.add(new String[] {"/name", "/name"});

        String system = legacy.path("system").asText(null);
        out.put("description", "Converted from a legacy descriptor" + (system == null ? "" : " (system: " + system + ")"));
        paths.add(new String[] {"/description", "/system"});

        out.put("image", legacy.path("container_name").asText());
        paths.add(new String[] {"/image", "/container_name"});

        String result = resultName(name, normalized, warnings);
        ArrayNode command = out.putArray("command");
        if (legacy.has("run_command")) {
            paths.add(new String[] {"/command", "/run_command"});
            convertRunCommand(legacy.path("run_command").asText(), result, command, warnings, errors);
        } else {
            String field = legacy.has("executable_path") ? "executable_path" : "executable";
            paths.add(new String[] {"/command", "/" + field});
            String executable = legacy.path(field).asText();
            command.add(executable).add(Placeholders.of(Placeholders.INPUT)).add(output(result));
            warnings.add(new Problem("/" + field, "there is no run_command: runs '" + executable
                    + " $input $output' ($output: the file or folder " + output(result) + ")"));
        }
        if (legacy.has("input_file_path")) {
            String folder = legacy.get("input_file_path").asText();
            folder = folder.length() > 1 && folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
            java.util.Optional<String> problem = InputFolder.problem(folder);
            if (problem.isPresent()) {
                warnings.add(new Problem("/input_file_path", "not mounted: " + problem.get() + "; the algorithm finds "
                        + "its input through $input (CONVEYOR_INPUT)"));
            } else {
                out.putObject("input").put("folder", folder);
                paths.add(new String[] {"/input/folder", "/input_file_path"});
                paths.add(new String[] {"/input", "/input_file_path"});
                warnings.add(new Problem("/input_file_path", "the input also appears at " + folder + "/<its file name>, "
                        + "read-only, on ECS and in Docker (a mount, which hides what the image holds there); in the "
                        + "local process mode it does not: there the algorithm finds it through $input"));
            }
        }
        if (legacy.has("output_file_path")) {
            warnings.add(new Problem("/output_file_path", "not used: $output is " + output(result)
                    + ", in the folder Conveyor collects (CONVEYOR_OUTPUT_DIR); the original tool, too, kept only $output"));
        }

        ObjectNode resources = out.putObject("resources");
        if (legacy.has("CPU") && legacy.get("CPU").asDouble() >= 128) {
            errors.add(new Problem("/CPU", "is read as vCPUs, and " + legacy.get("CPU").asText()
                    + " vCPUs fit no instance; if it meant ECS CPU units (1024 per vCPU), write "
                    + legacy.get("CPU").asDouble() / 1024 + " instead"));
            resources.put("vcpu", 1);
        } else if (legacy.has("CPU")) {
            resources.set("vcpu", legacy.get("CPU"));
        } else {
            resources.put("vcpu", 1);
            warnings.add(new Problem("", "no CPU: one vCPU"));
        }
        paths.add(new String[] {"/resources/vcpu", "/CPU"});
        JsonNode memory = legacy.path("memory");
        Integer minimal = memory.has("minimal") ? memory.get("minimal").asInt() : null;
        Integer suggested = memory.has("suggested") ? memory.get("suggested").asInt() : null;
        if (minimal != null && suggested != null && minimal > suggested) {
            errors.add(new Problem("/memory/minimal", "is " + minimal + " MiB, more than memory.suggested ("
                    + suggested + " MiB)"));
        }
        int memoryMiB = suggested != null ? suggested : minimal != null ? minimal : 512;
        if (suggested == null && minimal == null) {
            warnings.add(new Problem("", "no memory: 512 MiB"));
        }
        if (memoryMiB < 128) {
            warnings.add(new Problem(suggested != null ? "/memory/suggested" : "/memory/minimal", "is " + memoryMiB
                    + " MiB; a Conveyor task gets at least 128 MiB"));
            memoryMiB = 128;
        }
        resources.put("memoryMiB", memoryMiB);
        paths.add(new String[] {"/resources/memoryMiB", suggested != null ? "/memory/suggested" : "/memory/minimal"});
        paths.add(new String[] {"/resources", "/memory"});

        String instanceType = legacy.path("instance_type").asText("");
        if (instanceType.isBlank()) {
            instanceType = LEGACY_DEFAULT_INSTANCE_TYPE;
            warnings.add(new Problem("/instance_type", "empty: " + LEGACY_DEFAULT_INSTANCE_TYPE
                    + ", as in the original tool"));
        }
        out.putArray("instanceTypes").add(instanceType);
        paths.add(new String[] {"/instanceTypes/0", "/instance_type"});
        paths.add(new String[] {"/instanceTypes", "/instance_type"});

        if (legacy.has("user_specified_environment_variables")) {
            ArrayNode parameters = out.putArray("parameters");
            for (JsonNode variable : legacy.get("user_specified_environment_variables")) {
                parameters.addObject().put("name", variable.path("name").asText())
                        .put("required", variable.path("required").asBoolean(false));
            }
            paths.add(new String[] {"/parameters", "/user_specified_environment_variables"});
        }
        if (legacy.has("port")) {
            ArrayNode ports = out.putArray("ports");
            for (JsonNode port : legacy.get("port")) {
                ports.addObject().put("port", port.path("port").asInt())
                        .put("protocol", port.path("protocol").asText("tcp").toLowerCase(Locale.ROOT));
            }
            paths.add(new String[] {"/ports", "/port"});
        }
        if (legacy.has("sequence_run")) {
            JsonNode next = legacy.get("sequence_run");
            ArrayNode then = out.putArray("then");
            List<String> names = new ArrayList<>();
            if (next.isTextual()) {
                names.add(next.asText());
                paths.add(new String[] {"/then/0", "/sequence_run"});
            } else {
                next.forEach(item -> names.add(item.asText()));
            }
            for (int i = 0; i < names.size(); i++) {
                String normalizedNext = normalizeName(names.get(i));
                if (!normalizedNext.equals(names.get(i))) {
                    warnings.add(new Problem(next.isTextual() ? "/sequence_run" : "/sequence_run/" + i, "'" + names.get(i)
                            + "' becomes '" + normalizedNext + "', as names are normalized"));
                }
                then.add(normalizedNext);
            }
            paths.add(new String[] {"/then", "/sequence_run"});
        }
        return new Conversion(out, new PathMap(List.copyOf(paths)), warnings, errors);
    }

    /** Lowercase letters, digits and dashes, as current names are. */
    static String normalizeName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    }

    /**
     * The {@code <name>} of {@code Result-<name>-<input file name>}: the name as the author wrote it, as the
     * original tool named results; the normalized name when the written one cannot be part of a file name
     * or would read as a placeholder.
     */
    static String resultName(String written, String normalized, List<Problem> warnings) {
        boolean plain = !written.contains("/") && !written.contains("${") && !written.isBlank()
                && written.chars().noneMatch(Character::isISOControl);
        if (plain) {
            return written;
        }
        warnings.add(new Problem("/name", "'" + written.replaceAll("\\p{Cntrl}", "?") + "' cannot be part of a file "
                + "name: results are named Result-" + normalized + "-<input file name>"));
        return normalized;
    }

    /** Legacy {@code $output}: the file or folder {@code Result-<name>-<input file name>} in the output folder. */
    static String output(String resultName) {
        return Placeholders.of(Placeholders.OUTPUT_DIR) + "/Result-" + resultName + "-"
                + Placeholders.of(Placeholders.INPUT_NAME);
    }

    /** {@code $input}/{@code $output} as whole words become the contract's placeholders. */
    private static void convertRunCommand(String runCommand, String result, ArrayNode command, List<Problem> warnings,
                                          List<Problem> errors) {
        List<String> words;
        try {
            words = CommandLine.split(runCommand);
        } catch (IllegalArgumentException e) {
            errors.add(new Problem("/run_command", "cannot be split into arguments: it " + e.getMessage()));
            return;
        }
        if (words.size() > SemanticChecks.MAX_COMMAND_WORDS) {
            errors.add(new Problem("/run_command", "is " + words.size() + " words; at most "
                    + SemanticChecks.MAX_COMMAND_WORDS + ", as in a current descriptor's command"));
        }
        boolean mentionsInput = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "$input" -> {
                    command.add(Placeholders.of(Placeholders.INPUT));
                    mentionsInput = true;
                }
                case "$output" -> command.add(output(result));
                default -> {
                    if (word.contains("$input") || word.contains("$output")) {
                        errors.add(new Problem("/run_command", "word " + (i + 1) + " '" + word + "' holds $input or "
                                + "$output inside a word, which the original tool did not replace; make it a word "
                                + "of its own, or write ${CONVEYOR_INPUT} / ${CONVEYOR_OUTPUT_DIR}/Result-" + result
                                + "-${CONVEYOR_INPUT_NAME}"));
                    }
                    command.add(word);
                }
            }
        }
        if (!mentionsInput) {
            warnings.add(new Problem("/run_command", "does not mention $input: the algorithm must find its input "
                    + "through the CONVEYOR_INPUT environment variable"));
        }
    }
}
