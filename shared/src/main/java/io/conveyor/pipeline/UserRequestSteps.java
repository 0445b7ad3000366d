package io.conveyor.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.ProcessVariables;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Secrets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The steps of a {@link UserRequest}: {@code process.algorithms}, each checked against its descriptor. */
final class UserRequestSteps {

    /** As long as a parameter's default may be. */
    static final int MAX_VALUE_CHARS = 4096;

    private UserRequestSteps() {
    }

    static List<Step> steps(JsonNode list, boolean chain, Function<String, Optional<Descriptor>> algorithms,
                            List<Problem> warnings, List<Problem> errors) {
        String path = "/process/algorithms";
        if (list == null || !list.isArray() || list.isEmpty()) {
            errors.add(new Problem(path, list == null ? "is missing: the algorithms to run, e.g. [{\"name\": \"sort\"}]"
                    : list.isArray() ? "is empty: list at least one algorithm" : "must be an array of algorithms"));
            return List.of();
        }
        if (list.size() > UserRequest.MAX_ALGORITHMS) {
            errors.add(new Problem(path, "lists " + list.size() + " algorithms; at most " + UserRequest.MAX_ALGORITHMS));
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        Set<String> stepNames = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + "/" + i;
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                errors.add(new Problem(at, "must be an object ({\"name\": ..., \"port\": [...], \"variables\": {...}})"));
                continue;
            }
            UserRequest.unknownFields(entry, at, UserRequest.ALGORITHM_FIELDS, errors);
            String written = UserRequest.text(entry, "name", at, errors);
            if (written == null) {
                if (!entry.has("name")) {
                    errors.add(new Problem(at + "/name", "is missing: the algorithm's name"));
                }
                continue;
            }
            String algorithm = DescriptorValidator.legacyName(written);
            Optional<Descriptor> descriptor = algorithm.isEmpty() ? Optional.empty() : algorithms.apply(algorithm);
            if (descriptor.isEmpty()) {
                errors.add(new Problem(at + "/name", "no algorithm '" + shown(written) + "' is registered"
                        + (algorithm.equals(written) || algorithm.isEmpty() ? "" : " (names are normalized: it would be '"
                        + algorithm + "')") + "; register its descriptor first"));
                continue;
            }
            ports(entry.get("port"), at + "/port", descriptor.get(), warnings, errors);
            Map<String, String> values = variables(entry.get("variables"), at + "/variables", descriptor.get(), warnings, errors);
            String step = algorithm;
            for (int n = 2; !stepNames.add(step); n++) {
                step = algorithm + "-" + n;
            }
            StepInput input = chain && !steps.isEmpty() ? new StepInput.OutputsOf(steps.get(steps.size() - 1).name())
                    : new StepInput.BatchFiles();
            steps.add(new Step(step, algorithm, input, new FanOut.None(), values));
        }
        return steps;
    }

    private static void ports(JsonNode ports, String path, Descriptor descriptor, List<Problem> warnings,
                              List<Problem> errors) {
        if (ports == null) {
            return;
        }
        if (!ports.isArray()) {
            errors.add(new Problem(path, "must be an array of port numbers, e.g. [9090]"));
            return;
        }
        Set<Integer> declared = descriptor.ports().stream().map(Descriptor.Port::port).collect(Collectors.toSet());
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            if (!port.canConvertToInt() || !port.isIntegralNumber() || port.intValue() < 1 || port.intValue() > 65535) {
                errors.add(new Problem(path + "/" + i, "must be a port number from 1 to 65535"));
            } else if (!declared.contains(port.intValue())) {
                errors.add(new Problem(path + "/" + i, port.intValue() + " is not a port of " + descriptor.name() + " ("
                        + (declared.isEmpty() ? "it declares none" : "its ports: " + descriptor.ports().stream()
                        .map(p -> p.port() + "/" + p.protocol()).collect(Collectors.joining(", "))) + ")"));
            }
        }
        if (!ports.isEmpty()) {
            warnings.add(new Problem(path, "every port " + descriptor.name() + " declares is published, each on a host "
                    + "port ECS chooses (the original mapped the listed ones to the same number on the instance)"));
        }
    }

    private static Map<String, String> variables(JsonNode variables, String path, Descriptor descriptor,
                                                 List<Problem> warnings, List<Problem> errors) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Descriptor.Parameter> declared = new LinkedHashMap<>();
        descriptor.parameters().forEach(parameter -> declared.put(parameter.name(), parameter));
        if (variables != null && !variables.isObject()) {
            errors.add(new Problem(path, "must be an object of names and values, e.g. {\"SEED\": \"42\"}"));
            return values;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = variables == null ? java.util.Collections.emptyIterator()
                : variables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            String name = variable.getKey();
            String at = path + "/" + pointer(name);
            Optional<String> refused = ProcessVariables.reservation(name)
                    .or(() -> ProcessVariables.changesWhatRuns(name));
            if (refused.isPresent()) {
                errors.add(new Problem(at, "'" + shown(name) + "' may not be given: " + refused.get()));
            } else if (!declared.containsKey(name)) {
                errors.add(new Problem(at, "'" + shown(name) + "' is not a parameter of " + descriptor.name() + " ("
                        + (declared.isEmpty() ? "it declares none" : "its parameters: " + String.join(", ", declared.keySet()))
                        + ")"));
            } else if (!variable.getValue().isTextual()) {
                errors.add(new Problem(at, "must be a string (write \"" + shown(variable.getValue().toString()) + "\")"));
            } else {
                String value = variable.getValue().textValue();
                Optional<String> secret = Secrets.inValue(name, value);
                if (value.length() > MAX_VALUE_CHARS) {
                    errors.add(new Problem(at, "is " + value.length() + " characters; at most " + MAX_VALUE_CHARS));
                } else if (value.indexOf('\0') >= 0) {
                    errors.add(new Problem(at, "holds a NUL character, which no environment variable can hold"));
                } else if (secret.isPresent()) {
                    errors.add(new Problem(at, secret.get()));
                } else {
                    values.put(name, value);
                }
            }
        }
        for (Descriptor.Parameter parameter : declared.values()) {
            if (parameter.required() && (variables == null || !variables.has(parameter.name()))) {
                warnings.add(new Problem(path, parameter.name() + " is required by " + descriptor.name() + " and not "
                        + "given here: every input must carry it in its metadata, or its job is rejected"));
            }
        }
        return values;
    }

    /** {@code text} as a message may show it: control characters escaped, at most 64 characters. */
    static String shown(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> out.append(Character.isISOControl(c) ? "\\u%04x".formatted(c)
                : Character.toString(c)));
        return text.codePointCount(0, text.length()) > 64 ? out + "..." : out.toString();
    }

    /** A JSON Pointer token, as a message may show it. */
    static String pointer(String field) {
        return shown(field).replace("~", "~0").replace("/", "~1");
    }
}
