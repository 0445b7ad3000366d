package io.conveyor.cli.sandbox;

import io.conveyor.cli.template.Intrinsic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions, evaluated as CloudFormation would for one stack: what the
 * parameters, the conditions and the resources made so far give. Values are those SnakeYAML reads
 * (maps, lists, strings, numbers, booleans) and {@link Intrinsic}s, in short ({@code !Ref X}) or long
 * ({@code {"Fn::Sub": ...}}) form. Every error names where the value sits ({@code Res.Properties.Key}).
 */
final class Intrinsics {

    /** What {@code !Ref AWS::NoValue} gives: removed from the map or list that holds it. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    /** What {@code !Ref} and {@code !GetAtt} give for a resource made so far. */
    interface Resources {

        /** The physical id of a resource made so far, or null. */
        String physicalId(String logicalId);

        /** An attribute of a resource made so far, or null. */
        String attribute(String logicalId, String name);
    }

    private final Map<String, Object> parameters;
    private final Predicate<String> conditions;
    private final Set<String> declared;

    /**
     * @param parameters the parameters' values and the pseudo parameters (strings, or lists of strings)
     * @param conditions whether a named condition holds
     * @param declared   every resource's logical id in the template
     */
    Intrinsics(Map<String, Object> parameters, Predicate<String> conditions, Set<String> declared) {
        this.parameters = parameters;
        this.conditions = conditions;
        this.declared = declared;
    }

    /** The value with every intrinsic function evaluated. */
    Object resolve(String where, Object value, Resources made) {
        Object form = form(value);
        if (form instanceof Intrinsic intrinsic) {
            return function(where, intrinsic, made);
        }
        if (form instanceof Map<?, ?> map) {
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((key, item) -> {
                Object result = resolve(where + "." + key, item, made);
                if (result != NO_VALUE) {
                    resolved.put(String.valueOf(key), result);
                }
            });
            return resolved;
        }
        if (form instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object result = resolve(where + "[" + i + "]", list.get(i), made);
                if (result != NO_VALUE) {
                    resolved.add(result);
                }
            }
            return resolved;
        }
        return form;
    }

    /** A condition ({@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Fn::Contains}, {@code Condition}). */
    boolean condition(String where, Object value) {
        Object form = value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Condition")
                ? new Intrinsic("Condition", map.get("Condition")) : form(value);
        if (!(form instanceof Intrinsic intrinsic)) {
            throw new IllegalArgumentException(where + ": expected a condition function, got " + value);
        }
        List<?> arguments = intrinsic.argument() instanceof List<?> list ? list : List.of();
        // Conditions may name parameters but no resource: nothing is made when they are evaluated.
        return switch (intrinsic.function()) {
            case "Condition" -> conditions.test(String.valueOf(intrinsic.argument()));
            case "Equals" -> {
                List<?> pair = arguments(where, intrinsic, 2);
                yield text(where, resolve(where, pair.get(0), null)).equals(text(where, resolve(where, pair.get(1), null)));
            }
            case "Not" -> !condition(where + ".Fn::Not", arguments(where, intrinsic, 1).get(0));
            case "And" -> arguments.stream().allMatch(item -> condition(where + ".Fn::And", item));
            case "Or" -> arguments.stream().anyMatch(item -> condition(where + ".Fn::Or", item));
            case "Contains" -> {
                List<?> pair = arguments(where, intrinsic, 2);
                yield strings(where, resolve(where, pair.get(0), null)).contains(text(where, resolve(where, pair.get(1), null)));
            }
            default -> throw new IllegalArgumentException(where + ": Fn::" + intrinsic.function() + " is not a condition function");
        };
    }

    /**
     * The resources a value refers to ({@code !Ref}, {@code !GetAtt}, {@code !Sub} variables), following only
     * the branch of each {@code !If} its condition takes, as CloudFormation orders creation.
     */
    Set<String> references(Object value) {
        Set<String> found = new LinkedHashSet<>();
        collect(value, found);
        return found;
    }

    private void collect(Object value, Set<String> found) {
        Object form = form(value);
        if (form instanceof Intrinsic intrinsic) {
            Object argument = intrinsic.argument();
            switch (intrinsic.function()) {
                case "Ref" -> addResource(String.valueOf(argument), found);
                case "GetAtt" -> addResource(argument instanceof List<?> list && !list.isEmpty()
                        ? String.valueOf(list.get(0)) : String.valueOf(argument), found);
                case "Sub" -> {
                    String text = argument instanceof List<?> list && !list.isEmpty() ? String.valueOf(list.get(0)) : String.valueOf(argument);
                    Matcher matcher = SUB_VARIABLE.matcher(text);
                    while (matcher.find()) {
                        addResource(matcher.group(1), found);
                    }
                    if (argument instanceof List<?> list && list.size() > 1) {
                        collect(list.get(1), found);
                    }
                }
                case "If" -> {
                    if (argument instanceof List<?> list && list.size() == 3) {
                        collect(conditions.test(String.valueOf(list.get(0))) ? list.get(1) : list.get(2), found);
                    }
                }
                default -> collect(argument, found);
            }
        } else if (form instanceof Map<?, ?> map) {
            map.values().forEach(item -> collect(item, found));
        } else if (form instanceof List<?> list) {
            list.forEach(item -> collect(item, found));
        }
    }

    private void addResource(String name, Set<String> found) {
        // ${Res.Attr}, and SAM's !Ref Function.Alias, name the resource before the dot.
        String id = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (declared.contains(id)) {
            found.add(id);
        }
    }

    private Object function(String where, Intrinsic intrinsic, Resources made) {
        String at = where + " (Fn::" + intrinsic.function() + ")";
        Object argument = intrinsic.argument();
        return switch (intrinsic.function()) {
            case "Ref" -> ref(where, String.valueOf(argument), made);
            case "GetAtt" -> argument instanceof List<?> list && list.size() == 2
                    ? getAtt(where, String.valueOf(list.get(0)), String.valueOf(list.get(1)), made)
                    : getAtt(where, String.valueOf(argument), made);
            case "Sub" -> sub(at, argument, made);
            case "Join" -> {
                List<?> arguments = arguments(at, intrinsic, 2);
                List<String> items = strings(at, resolve(at, arguments.get(1), made));
                yield String.join(text(at, arguments.get(0)), items);
            }
            case "Select" -> {
                List<?> arguments = arguments(at, intrinsic, 2);
                List<String> items = strings(at, resolve(at, arguments.get(1), made));
                int index = Integer.parseInt(text(at, resolve(at, arguments.get(0), made)));
                if (index < 0 || index >= items.size()) {
                    throw new IllegalArgumentException(at + ": index " + index + " is outside the list " + items);
                }
                yield items.get(index);
            }
            case "Split" -> {
                List<?> arguments = arguments(at, intrinsic, 2);
                yield List.of(text(at, resolve(at, arguments.get(1), made)).split(Pattern.quote(text(at, arguments.get(0))), -1));
            }
            case "If" -> {
                List<?> arguments = arguments(at, intrinsic, 3);
                yield resolve(where, conditions.test(text(at, arguments.get(0))) ? arguments.get(1) : arguments.get(2), made);
            }
            case "Base64" -> Base64.getEncoder().encodeToString(text(at, resolve(at, argument, made)).getBytes(StandardCharsets.UTF_8));
            case "Equals", "Not", "And", "Or", "Contains", "Condition" -> condition(where, intrinsic);
            default -> throw new IllegalArgumentException(where + ": Fn::" + intrinsic.function() + " is not supported by the sandbox");
        };
    }

    private Object ref(String where, String name, Resources made) {
        if ("AWS::NoValue".equals(name)) {
            return NO_VALUE;
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (name.startsWith("AWS::")) {
            throw new IllegalArgumentException(where + ": !Ref " + name + " is a pseudo parameter the sandbox does not know");
        }
        String physicalId = made == null ? null : made.physicalId(name);
        if (physicalId == null) {
            throw new IllegalArgumentException(where + ": !Ref " + name + " " + unresolvable(name));
        }
        return physicalId;
    }

    private String getAtt(String where, String dotted, Resources made) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException(where + ": !GetAtt " + dotted + " names no attribute (Resource.Attribute)");
        }
        return getAtt(where, dotted.substring(0, dot), dotted.substring(dot + 1), made);
    }

    private String getAtt(String where, String logicalId, String name, Resources made) {
        if (made == null || made.physicalId(logicalId) == null) {
            throw new IllegalArgumentException(where + ": !GetAtt " + logicalId + "." + name + " " + unresolvable(logicalId));
        }
        String value = made.attribute(logicalId, name);
        if (value == null) {
            throw new IllegalArgumentException(where + ": !GetAtt " + logicalId + "." + name + ": the sandbox's "
                    + logicalId + " has no attribute " + name);
        }
        return value;
    }

    private String unresolvable(String name) {
        return declared.contains(name)
                ? "refers to a resource that is not made (yet): its condition is false, or the sandbox does not make its type"
                : "names no parameter, pseudo parameter or resource of the template";
    }

    private String sub(String where, Object argument, Resources made) {
        String text;
        Map<String, Object> variables = new LinkedHashMap<>();
        if (argument instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Map<?, ?> map) {
            text = text(where, list.get(0));
            map.forEach((key, value) -> variables.put(String.valueOf(key), resolve(where + "." + key, value, made)));
        } else {
            text = text(where, argument);
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = text(where, variables.get(name));
            } else if (name.contains(".") && !parameters.containsKey(name)) {
                replacement = getAtt(where, name, made);
            } else {
                replacement = text(where, ref(where, name, made));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** An intrinsic in long form ({@code {"Ref": X}}, {@code {"Fn::Join": [...]}}) as an {@link Intrinsic}; other values as they are. */
    static Object form(Object value) {
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            if ("Ref".equals(key)) {
                return new Intrinsic("Ref", only.getValue());
            }
            if (key.startsWith("Fn::")) {
                return new Intrinsic(key.substring("Fn::".length()), only.getValue());
            }
        }
        return value;
    }

    private static List<?> arguments(String where, Intrinsic intrinsic, int count) {
        if (!(intrinsic.argument() instanceof List<?> list) || list.size() != count) {
            throw new IllegalArgumentException(where + ": Fn::" + intrinsic.function() + " takes a list of " + count
                    + " values, got " + intrinsic.argument());
        }
        return list;
    }

    private static String text(String where, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new IllegalArgumentException(where + ": expected a string, got " + value);
    }

    private static List<String> strings(String where, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a list, got " + value);
        }
        return list.stream().map(item -> text(where, item)).toList();
    }
}
