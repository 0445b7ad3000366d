package io.conveyor.cli.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A SAM template as {@code sam local invoke} reads it: functions with Globals applied, parameter
 * defaults, environment variables.
 */
public final class SamTemplate {

    private static final String FUNCTION_TYPE = "AWS::Serverless::Function";

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    /**
     * Reads a template file.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file when it is not a template
     */
    public static SamTemplate read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new CloudFormationConstructor()).load(reader);
            if (!(document instanceof Map<?, ?> map) || !(map.get("Resources") instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(file + ": not a CloudFormation template (no Resources)");
            }
            return new SamTemplate(cast(map));
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    /** The raw template, for tests that check its structure. */
    public Map<String, Object> raw() {
        return root;
    }

    /** The resources, by logical id. */
    public Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        map(root, "Resources").forEach((id, resource) -> resources.put(id, cast(resource)));
        return resources;
    }

    /** Every serverless function, in template order. */
    public List<FunctionSpec> functions() {
        List<FunctionSpec> functions = new ArrayList<>();
        resources().forEach((id, resource) -> {
            if (FUNCTION_TYPE.equals(resource.get("Type"))) {
                Map<String, Object> properties = functionProperties(id);
                functions.add(new FunctionSpec(id, (String) properties.get("Handler"),
                        (String) properties.get("CodeUri"), variables(properties),
                        number(properties.get("Timeout"), 3), number(properties.get("MemorySize"), 128)));
            }
        });
        return List.copyOf(functions);
    }

    /**
     * A serverless function's properties with {@code Globals.Function} applied as SAM applies them: for a
     * plain value or an intrinsic the function's own wins, maps merge key by key (so environment variables
     * add up), lists are the globals' items followed by the function's.
     *
     * @throws IllegalArgumentException naming the id when it is not a serverless function of the template
     */
    public Map<String, Object> functionProperties(String logicalId) {
        Map<String, Object> resource = resources().get(logicalId);
        if (resource == null || !FUNCTION_TYPE.equals(resource.get("Type"))) {
            throw new IllegalArgumentException(logicalId + " is not an " + FUNCTION_TYPE + " of the template");
        }
        return merge(map(map(root, "Globals"), "Function"), map(resource, "Properties"));
    }

    private static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        own.forEach((key, value) -> merged.merge(key, value, SamTemplate::mergeValue));
        return merged;
    }

    private static Object mergeValue(Object global, Object own) {
        if (global instanceof Map<?, ?> globalMap && own instanceof Map<?, ?> ownMap && !isIntrinsic(ownMap)) {
            return merge(cast(globalMap), cast(ownMap));
        }
        if (global instanceof List<?> globalList && own instanceof List<?> ownList) {
            List<Object> added = new ArrayList<>(globalList);
            added.addAll(ownList);
            return added;
        }
        return own;
    }

    private static boolean isIntrinsic(Map<?, ?> map) {
        return map.size() == 1 && longForm(map) instanceof Intrinsic;
    }

    /**
     * The function named by its logical id ({@code DispatchFunction}) or its short name ({@code dispatch}).
     */
    public Optional<FunctionSpec> function(String name) {
        return functions().stream()
                .filter(function -> function.logicalId().equals(name) || function.shortName().equals(name))
                .findFirst();
    }

    /** Parameter defaults, by parameter name (parameters without a default are absent). */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        map(root, "Parameters").forEach((name, parameter) -> {
            Object value = cast(parameter).get("Default");
            if (value != null) {
                defaults.put(name, String.valueOf(value));
            }
        });
        return defaults;
    }

    /**
     * A function's environment as {@code sam local invoke} would set it from the template alone:
     * literal values as they are, {@code !Ref} to a parameter as the parameter's default; every other
     * intrinsic (an ARN, a name CloudFormation generates) cannot be known locally and is left unset.
     */
    public Map<String, String> localEnvironment(FunctionSpec function) {
        Map<String, String> defaults = parameterDefaults();
        Map<String, String> resolved = new LinkedHashMap<>();
        function.environment().forEach((name, raw) -> {
            Object value = longForm(raw);
            if (value instanceof Intrinsic intrinsic) {
                if ("Ref".equals(intrinsic.function()) && defaults.containsKey(String.valueOf(intrinsic.argument()))) {
                    resolved.put(name, defaults.get(String.valueOf(intrinsic.argument())));
                }
            } else if (value != null && !(value instanceof Map<?, ?>) && !(value instanceof List<?>)) {
                resolved.put(name, String.valueOf(value));
            }
        });
        return resolved;
    }

    /** {@code {Ref: X}} or {@code {Fn::GetAtt: ...}} as the {@link Intrinsic} it stands for. */
    private static Object longForm(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            if ("Ref".equals(key) || key.startsWith("Fn::")) {
                return new Intrinsic(key.startsWith("Fn::") ? key.substring(4) : key, only.getValue());
            }
        }
        return value;
    }

    private static int number(Object value, int fallback) {
        return value instanceof Number n ? n.intValue() : fallback;
    }

    private static Map<String, Object> variables(Map<String, Object> properties) {
        return map(map(properties, "Environment"), "Variables");
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value instanceof Map<?, ?> ? cast(value) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }

    /** Reads CloudFormation's short-form tags ({@code !Ref}, {@code !Sub}, ...) as {@link Intrinsic}s. */
    private static final class CloudFormationConstructor extends SafeConstructor {

        CloudFormationConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String function = node.getTag().getValue().substring(1);
                    Object argument = switch (node) {
                        case ScalarNode scalar -> constructScalar(scalar);
                        case SequenceNode sequence -> constructSequence(sequence);
                        case MappingNode mapping -> constructMapping(mapping);
                        default -> null;
                    };
                    return new Intrinsic(function, argument);
                }
            });
        }
    }
}
