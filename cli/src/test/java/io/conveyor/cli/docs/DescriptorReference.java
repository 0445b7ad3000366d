package io.conveyor.cli.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A descriptor reference table (docs/descriptor.md) held against its JSON Schema. Fields are named as
 * the reference writes them: {@code input.suffixes} for a nested object's property,
 * {@code parameters[].name} for a property of an array's items.
 */
public final class DescriptorReference {

    private DescriptorReference() {
    }

    /** Every property the schema defines, top level and nested, each mapped to whether it is required. */
    public static Map<String, Boolean> properties(JsonNode schema) {
        if (schema.toString().contains("\"$ref\"")) {
            // Followed nowhere below: a schema that starts using $ref needs this walk extended first.
            throw new IllegalArgumentException("the schema uses $ref, which this reader does not follow");
        }
        Map<String, Boolean> properties = new LinkedHashMap<>();
        collect(schema, "", properties);
        return properties;
    }

    private static void collect(JsonNode schema, String prefix, Map<String, Boolean> properties) {
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        schema.path("properties").fields().forEachRemaining(property -> {
            String path = prefix + property.getKey();
            properties.put(path, required.contains(property.getKey()));
            nested(property.getValue(), path, properties);
        });
    }

    private static void nested(JsonNode schema, String path, Map<String, Boolean> properties) {
        if (schema.has("properties")) {
            collect(schema, path + ".", properties);
        }
        if (schema.path("items").isObject()) {
            nested(schema.get("items"), path + "[]", properties);
        }
        for (String alternatives : List.of("oneOf", "anyOf", "allOf")) {
            schema.path(alternatives).forEach(alternative -> nested(alternative, path, properties));
        }
    }

    /**
     * The rows of the first table under a heading, by the field their first cell names (its code
     * span), each mapped to whether its {@code required} column says {@code yes}.
     */
    public static Map<String, Boolean> documented(Markdown doc, String heading) {
        List<Markdown.Table> tables = Markdown.tables(doc.section(heading));
        if (tables.isEmpty()) {
            throw new IllegalArgumentException(doc.file() + ": no table under '" + heading + "'");
        }
        Markdown.Table table = tables.get(0);
        int required = table.column("required");
        if (required < 0) {
            throw new IllegalArgumentException(doc.file() + ": the table under '" + heading + "' has no 'required' column");
        }
        Map<String, Boolean> rows = new LinkedHashMap<>();
        for (List<String> row : table.rows()) {
            List<String> spans = Markdown.codeSpans(row.get(0));
            rows.put(spans.isEmpty() ? row.get(0) : spans.get(0), "yes".equals(row.get(required)));
        }
        return rows;
    }

    /** How the table and the schema differ: fields missing, fields the schema lacks, required or not. */
    public static List<String> mismatches(JsonNode schema, Markdown doc, String heading) {
        Map<String, Boolean> defined = properties(schema);
        Map<String, Boolean> documented = documented(doc, heading);
        List<String> mismatches = new ArrayList<>();
        defined.forEach((field, required) -> {
            if (!documented.containsKey(field)) {
                mismatches.add(field + ": in the schema, not in the reference");
            } else if (!documented.get(field).equals(required)) {
                mismatches.add(field + ": the schema says " + (required ? "required" : "optional")
                        + ", the reference says " + (documented.get(field) ? "required" : "optional"));
            }
        });
        documented.keySet().stream().filter(field -> !defined.containsKey(field))
                .forEach(field -> mismatches.add(field + ": in the reference, not in the schema"));
        return mismatches;
    }
}
