package io.conveyor.cli.sandbox;

import io.conveyor.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A resource's resolved properties (or a map nested in them), read with errors that name the resource
 * and the property at fault: {@code InputBucket.Properties.VersioningConfiguration.Status: ...}.
 *
 * @param where  the path of this map, e.g. {@code InputBucket.Properties}
 * @param values its values (strings, numbers, booleans, lists, maps)
 */
record PropertyMap(String where, Map<String, Object> values) {

    /** Refuses any property not in {@code supported}: the sandbox makes resources exactly as declared or not at all. */
    PropertyMap supportOnly(String... supported) {
        Set<String> known = Set.of(supported);
        values.keySet().stream().filter(name -> !known.contains(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException(where + "." + name + ": not supported by the sandbox (it supports "
                    + new TreeSet<>(known) + ")");
        });
        return this;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    Optional<String> optionalString(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return Optional.of(String.valueOf(value));
        }
        throw wrong(name, "a string", value);
    }

    int integer(String name) {
        return optionalInteger(name).orElseThrow(() -> missing(name));
    }

    Optional<Integer> optionalInteger(String name) {
        return optionalString(name).map(text -> {
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw wrong(name, "a whole number", text);
            }
        });
    }

    Optional<Boolean> optionalBoolean(String name) {
        return optionalString(name).map(text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw wrong(name, "true or false", text);
        });
    }

    PropertyMap map(String name) {
        return optionalMap(name).orElseThrow(() -> missing(name));
    }

    Optional<PropertyMap> optionalMap(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?>) {
            return Optional.of(new PropertyMap(where + "." + name, StackTemplate.asMap(value)));
        }
        throw wrong(name, "a map", value);
    }

    /** The maps of a list property (none when absent). */
    List<PropertyMap> maps(String name) {
        List<PropertyMap> maps = new ArrayList<>();
        List<?> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?>)) {
                throw wrong(name + "[" + i + "]", "a map", items.get(i));
            }
            maps.add(new PropertyMap(where + "." + name + "[" + i + "]", StackTemplate.asMap(items.get(i))));
        }
        return maps;
    }

    /** The strings of a list property (none when absent). */
    List<String> strings(String name) {
        List<?> items = list(name);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof String || item instanceof Number)) {
                throw wrong(name + "[" + i + "]", "a string", item);
            }
            strings.add(String.valueOf(item));
        }
        return strings;
    }

    /** A property that AWS takes as a JSON document (a policy, an event pattern), as JSON text. */
    String json(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw missing(name);
        }
        if (value instanceof String text) {
            return text;
        }
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + "." + name + ": cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private List<?> list(String name) {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw wrong(name, "a list", value);
    }

    IllegalArgumentException missing(String name) {
        return new IllegalArgumentException(where + "." + name + ": required, and missing");
    }

    private IllegalArgumentException wrong(String name, String expected, Object value) {
        return new IllegalArgumentException(where + "." + name + ": expected " + expected + ", got " + value);
    }
}
