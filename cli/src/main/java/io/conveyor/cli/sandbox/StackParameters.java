package io.conveyor.cli.sandbox;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template's parameters for one stack: the value given, else the default (an SSM-resolved AMI: a stand-in,
 * see {@link StackTemplate#ECS_AMI_STAND_IN}); checked against their constraints as CloudFormation checks
 * them; list types split at commas.
 */
final class StackParameters {

    private StackParameters() {
    }

    static Map<String, Object> resolve(Map<String, Object> declared, Map<String, String> given) {
        given.keySet().stream().filter(name -> !declared.containsKey(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("Parameters." + name + ": no such parameter in the template");
        });
        Map<String, Object> values = new LinkedHashMap<>();
        declared.forEach((name, raw) -> {
            Map<String, Object> parameter = StackTemplate.asMap(raw);
            String type = String.valueOf(parameter.get("Type"));
            String value = given.get(name);
            if (value == null && StackTemplate.SSM_IMAGE_TYPE.equals(type)) {
                value = StackTemplate.ECS_AMI_STAND_IN;
            } else if (value == null && type.startsWith("AWS::SSM::Parameter::Value<")) {
                throw new IllegalArgumentException("Parameters." + name + ": on AWS its value is read from the SSM parameter "
                        + parameter.get("Default") + "; give the sandbox a value");
            } else if (value == null && parameter.containsKey("Default")) {
                value = String.valueOf(parameter.get("Default"));
            } else if (value == null) {
                throw new IllegalArgumentException("Parameters." + name + ": no default; give it a value");
            }
            check(name, parameter, value);
            values.put(name, type.equals("CommaDelimitedList") || type.startsWith("List<")
                    ? List.of(value.split(",", -1)) : value);
        });
        return java.util.Collections.unmodifiableMap(values);
    }

    private static void check(String name, Map<String, Object> parameter, String value) {
        String at = "Parameters." + name + ": ";
        if (parameter.get("AllowedValues") instanceof List<?> allowed
                && allowed.stream().map(String::valueOf).noneMatch(value::equals)) {
            throw new IllegalArgumentException(at + "'" + value + "' is not one of " + allowed);
        }
        if (parameter.get("AllowedPattern") instanceof String pattern && !value.matches(pattern)) {
            throw new IllegalArgumentException(at + "'" + value + "' does not match " + pattern);
        }
        if ("Number".equals(parameter.get("Type"))) {
            BigDecimal number;
            try {
                number = new BigDecimal(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "'" + value + "' is not a number", e);
            }
            if (parameter.get("MinValue") instanceof Number min && number.compareTo(new BigDecimal(min.toString())) < 0) {
                throw new IllegalArgumentException(at + value + " is below its MinValue " + min);
            }
            if (parameter.get("MaxValue") instanceof Number max && number.compareTo(new BigDecimal(max.toString())) > 0) {
                throw new IllegalArgumentException(at + value + " is above its MaxValue " + max);
            }
        }
    }
}
