package io.conveyor.cli.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What the template tests read the template with: the project's template, its statements by resource
 * and action, conditions, {@code !Sub} texts and maps.
 */
final class TemplateFixtures {

    private TemplateFixtures() {
    }

    /** The project's {@code template.yaml}. */
    static SamTemplate template() throws IOException {
        return SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));
    }

    /** The Allow statements of one resource (any when null) that name an action (any when null). */
    static List<Map<String, Object>> allowing(SamTemplate template, String resource, String action) {
        return TemplatePoliciesTest.statements(template).stream()
                .filter(entry -> resource == null || entry.getKey().equals(resource))
                .map(Map.Entry::getValue)
                .filter(statement -> "Allow".equals(statement.get("Effect")))
                .filter(statement -> action == null || TemplatePoliciesTest.strings(statement.get("Action")).contains(action))
                .toList();
    }

    /** The value a statement's condition gives a key under an operator, or null. */
    static Object condition(Map<String, Object> statement, String operator, String key) {
        if (statement.get("Condition") instanceof Map<?, ?> operators && operators.get(operator) instanceof Map<?, ?> keys) {
            return keys.get(key);
        }
        return null;
    }

    /** The text of a {@code !Sub} (what CloudFormation substitutes into), or the value as text. */
    static String sub(Object value) {
        return value instanceof Intrinsic intrinsic && "Sub".equals(intrinsic.function())
                && intrinsic.argument() instanceof String text ? text : String.valueOf(value);
    }

    /** A value that must be a map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
