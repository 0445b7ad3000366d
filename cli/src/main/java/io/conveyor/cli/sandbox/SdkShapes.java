package io.conveyor.cli.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.Buildable;

/**
 * Fills an SDK request shape from a resolved CloudFormation property whose members are the API's own
 * (as {@code LaunchTemplateData} is EC2's {@code RequestLaunchTemplateData} and an
 * {@code AWS::Events::Rule} target is EventBridge's {@code Target}), through the shape's own field
 * descriptions: every member the template names is set, and a name the shape lacks is an error naming
 * the property, never dropped.
 */
final class SdkShapes {

    private SdkShapes() {
    }

    /**
     * @param builder a new builder of the shape, e.g. {@code RequestLaunchTemplateData::builder}
     * @param where   the property's path, for errors
     * @param values  the resolved property
     */
    @SuppressWarnings("unchecked")
    static <T> T build(Supplier<? extends SdkPojo> builder, String where, Map<String, Object> values) {
        return (T) fill(builder.get(), where, values);
    }

    private static Object fill(SdkPojo builder, String where, Map<String, Object> values) {
        values.forEach((name, value) -> {
            SdkField<?> field = builder.sdkFields().stream().filter(candidate -> candidate.memberName().equalsIgnoreCase(name))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(where + "." + name + ": not a member of "
                            + shapeName(builder) + " (members: " + builder.sdkFields().stream().map(SdkField::memberName).toList() + ")"));
            field.set(builder, convert(field, where + "." + name, value));
        });
        return ((Buildable) builder).build();
    }

    private static Object convert(SdkField<?> field, String where, Object value) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            return fill(field.constructor().get(), where, StackTemplate.asMap(expect(where, value, Map.class)));
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<?> items = expect(where, value, List.class);
            List<Object> converted = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                converted.add(convert(member, where + "[" + i + "]", items.get(i)));
            }
            return converted;
        }
        if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> converted = new LinkedHashMap<>();
            StackTemplate.asMap(expect(where, value, Map.class))
                    .forEach((key, item) -> converted.put(key, convert(member, where + "." + key, item)));
            return converted;
        }
        String text = String.valueOf(scalar(where, value));
        try {
            if (type == MarshallingType.STRING) {
                return text;
            }
            if (type == MarshallingType.INTEGER) {
                return Integer.valueOf(text);
            }
            if (type == MarshallingType.LONG) {
                return Long.valueOf(text);
            }
            if (type == MarshallingType.DOUBLE) {
                return Double.valueOf(text);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected a number, got " + value, e);
        }
        if (type == MarshallingType.BOOLEAN && ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text))) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException(where + ": cannot take " + value + " (the API wants " + type + ")");
    }

    private static Object scalar(String where, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        throw new IllegalArgumentException(where + ": expected a single value, got " + value);
    }

    private static <T> T expect(String where, Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(where + ": expected a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT)
                    + ", got " + value);
        }
        return type.cast(value);
    }

    private static String shapeName(SdkPojo builder) {
        String name = builder.getClass().getName();
        name = name.substring(name.lastIndexOf('.') + 1);
        return name.endsWith("$BuilderImpl") ? name.substring(0, name.length() - "$BuilderImpl".length()) : name;
    }
}
