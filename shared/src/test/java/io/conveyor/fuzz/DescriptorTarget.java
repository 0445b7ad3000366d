package io.conveyor.fuzz;

import static io.conveyor.fuzz.FuzzTarget.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.descriptor.CodeArguments;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.ProcessVariables;
import io.conveyor.descriptor.Validation;
import io.conveyor.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link DescriptorValidator#validate} on bytes, as {@code conveyor validate} and the register function
 * call it. Rejected: every error names a JSON pointer and a rule. Accepted: no placeholder where a value
 * becomes code or chooses what runs, no malformed or unknown placeholder, no parameter named like a
 * variable that changes what runs, and no credential in any value or name. (Not that the normalized
 * descriptor validates again: a command given as a string takes words an array may not hold, e.g. empty
 * or longer than 4096 characters, so its normal form is not always writable as a descriptor.)
 */
final class DescriptorTarget implements FuzzTarget {

    private static final Pattern CREDENTIAL = Pattern.compile("\\b(AKIA|ASIA)[A-Z0-9]{16}\\b|PRIVATE KEY-----");
    private static final List<String> WORDS = List.of("sh", "-c", "bash", "-ec", "/bin/sh", "python3", "-c", "perl",
            "-e", "awk", "sed", "-n", "env", "nice", "wc", "${CONVEYOR_INPUT}", "${CONVEYOR_OUTPUT_DIR}", "${p0}", "${p1}",
            "cat \"$CONVEYOR_INPUT\"", "echo ${p0}", "\"$p0\"", "--", "-x", "print(1)", "1p", "x=${p1}", "${CONVEYOR_JOB_ID}");
    private static final List<String> NAMES = List.of("p0", "p1", "threshold", "LD_PRELOAD", "PATH", "https_proxy",
            "AWS_REGION", "DB_PASSWORD", "IFS", "MAX_TOKENS");

    private final DescriptorValidator validator = new DescriptorValidator();

    @Override
    public String name() {
        return "descriptor";
    }

    @Override
    public Verdict run(byte[] input) {
        Validation validation = validator.validate("fuzz.json", input);
        if (!validation.valid()) {
            require(!validation.errors().isEmpty(), "rejected without an error");
            for (Problem problem : validation.errors()) {
                require(problem.path().isEmpty() || problem.path().startsWith("/"), "error path is no JSON pointer: " + problem);
                require(!problem.message().isBlank(), "error without a rule at " + problem.path());
            }
            return Verdict.REJECTED;
        }
        Descriptor descriptor = validation.descriptor();
        Set<String> known = new HashSet<>(Placeholders.CONTRACT);
        descriptor.parameters().forEach(parameter -> known.add(parameter.name()));
        checkCommand(descriptor.command(), known);
        checkEnvironment(descriptor.environment(), known);
        if (descriptor.local() != null) {
            if (descriptor.local().command() != null) {
                checkCommand(descriptor.local().command(), known);
            }
            if (descriptor.local().environment() != null) {
                checkEnvironment(descriptor.local().environment(), known);
            }
        }
        for (Descriptor.Parameter parameter : descriptor.parameters()) {
            require(ProcessVariables.changesWhatRuns(parameter.name()).isEmpty()
                    && ProcessVariables.reservation(parameter.name()).isEmpty(), "parameter accepted: " + parameter.name());
        }
        String normalized;
        try {
            normalized = Json.mapper().writeValueAsString(descriptor);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an accepted descriptor cannot be written", e);
        }
        require(!CREDENTIAL.matcher(normalized).find(), "a credential was accepted");
        return Verdict.ACCEPTED;
    }

    /** Placeholders only where a value stays one argument of data. */
    private static void checkCommand(List<String> command, Set<String> known) {
        for (String word : command) {
            require(Placeholders.malformedAt(word) < 0, "a malformed placeholder was accepted");
            require(known.containsAll(Placeholders.referencedIn(word)), "an unknown placeholder was accepted");
        }
        for (CodeArguments.Finding finding : CodeArguments.find(command)) {
            for (String name : Placeholders.referencedIn(command.get(finding.index()))) {
                require(finding.role() != CodeArguments.Role.CODE && Placeholders.OWN.contains(name),
                        "${" + name + "} accepted in word " + finding.index() + " (" + finding.role() + ")");
            }
        }
    }

    private static void checkEnvironment(Map<String, String> environment, Set<String> known) {
        environment.forEach((name, value) -> {
            require(Placeholders.malformedAt(value) < 0, "a malformed placeholder was accepted in " + name);
            require(known.containsAll(Placeholders.referencedIn(value)), "an unknown placeholder was accepted in " + name);
            require(ProcessVariables.changesWhatRuns(name).isEmpty() || Placeholders.referencedIn(value).isEmpty(),
                    "a placeholder was accepted in " + name);
            require(ProcessVariables.reservation(name).isEmpty(), "a reserved name was accepted: " + name);
        });
    }

    /** A descriptor built from parts: interpreters, placeholders, hostile names and values. */
    @Override
    public byte[] generate(Mutations random) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode doc = json.objectNode().put("name", random.chance(90) ? "probe" : random.string())
                .put("image", "public.ecr.aws/docker/library/busybox:1.36");
        ArrayNode command = doc.putArray("command");
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            command.add(random.chance(80) ? random.oneOf(WORDS) : random.string());
        }
        if (random.chance(20)) {
            doc.put("command", String.join(" ", command.valueStream().map(JsonNode::asText).toList()));
        }
        doc.putObject("resources").put("vcpu", 0.25).put("memoryMiB", 256);
        ArrayNode parameters = doc.putArray("parameters");
        for (int i = random.nextInt(3); i > 0; i--) {
            ObjectNode parameter = parameters.addObject().put("name", random.chance(70) ? "p" + i : random.oneOf(NAMES));
            if (random.chance(30)) {
                parameter.put("default", random.string());
            }
        }
        ObjectNode environment = doc.putObject("environment");
        for (int i = random.nextInt(3); i > 0; i--) {
            environment.put(random.oneOf(NAMES).toUpperCase() + (random.chance(50) ? "" : "_" + i), random.chance(50)
                    ? random.oneOf(WORDS) : random.string());
        }
        if (random.chance(20)) {
            doc.putObject("local").putArray("command").add(random.oneOf(WORDS)).add(random.oneOf(WORDS)).add(random.string());
        }
        return doc.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(generate(new Mutations(1)));
        return seeds;
    }
}
