package io.conveyor.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/descriptor.md documents every property of the descriptor schemas, top level and nested, and
 * nothing they lack.
 */
class DescriptorReferenceTest {

    private static final Path SCHEMAS = Markdown.HOME.resolve("algorithms/schema");
    private static final Path REFERENCE = Markdown.HOME.resolve("docs/descriptor.md");

    private static JsonNode schema(Path file) throws IOException {
        return Json.mapper().readTree(file.toFile());
    }

    @Test
    void mismatches_currentSchemaAndFieldsTable_none() throws IOException {
        // Given the schema and the reference
        JsonNode schema = schema(SCHEMAS.resolve("descriptor.schema.json"));
        Markdown reference = Markdown.read(REFERENCE);

        // When they are compared
        var mismatches = DescriptorReference.mismatches(schema, reference, "Fields");

        // Then they list the same fields, required alike, nested ones included
        assertThat(mismatches).isEmpty();
        assertThat(DescriptorReference.documented(reference, "Fields"))
                .containsKeys("name", "input.suffixes", "resources.vcpu", "parameters[].default", "ports[].protocol",
                        "local.environment", "then");
    }

    @Test
    void mismatches_legacySchemaAndLegacyTable_none() throws IOException {
        // Given the original tool's schema and the reference's legacy table
        JsonNode schema = schema(SCHEMAS.resolve("legacy-descriptor.schema.json"));
        Markdown reference = Markdown.read(REFERENCE);

        // When
        var mismatches = DescriptorReference.mismatches(schema, reference, "The legacy format");

        // Then
        assertThat(mismatches).isEmpty();
        assertThat(DescriptorReference.documented(reference, "The legacy format"))
                .containsKeys("container_name", "memory.minimal", "user_specified_environment_variables[].required");
    }

    @Test
    void mismatches_tableMissingAFieldListingAnotherAndMisstatingOne_namesEach(@TempDir Path dir) throws IOException {
        // Given a schema with nested and array properties, and a table that forgets one, invents one
        // and calls a required field optional
        JsonNode schema = Json.mapper().readTree("""
                {"type": "object", "required": ["name"], "properties": {
                  "name": {"type": "string"},
                  "resources": {"type": "object", "required": ["vcpu"], "properties": {
                    "vcpu": {"type": "number"}, "gpu": {"type": "integer"}}},
                  "ports": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "integer"}}}},
                  "command": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}}}
                """);
        Path doc = dir.resolve("descriptor.md");
        Files.writeString(doc, """
                # Descriptor

                ## Fields

                | field | type | required | meaning |
                | --- | --- | --- | --- |
                | `name` | string | yes | the name |
                | `resources` | object | | |
                | `resources.vcpu` | number | | vCPUs |
                | `ports` | array | | |
                | `ports[].port` | integer | | |
                | `ports[].host` | integer | | not in the schema |
                | `command` | array or string | | |

                ## Next
                | `resources.gpu` | a row of another section does not count | | |
                """);

        // When
        var mismatches = DescriptorReference.mismatches(schema, Markdown.read(doc), "Fields");

        // Then
        assertThat(mismatches).containsExactly(
                "resources.vcpu: the schema says required, the reference says optional",
                "resources.gpu: in the schema, not in the reference",
                "ports[].host: in the reference, not in the schema");
    }
}
