package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a descriptor's JSON may hold before any rule reads it: numbers Conveyor can hold exactly.
 *
 * <p>Floating-point numbers are read as {@link BigDecimal} (a double would turn {@code 1e400} into
 * infinity and {@code 1.0000000000000000000001} into {@code 1.0}); a number too large or too precise
 * for the values Conveyor keeps ({@code int} and {@code double}) is a problem at its path, and its node
 * is made {@code null} so the schema still checks the rest of the document.
 */
final class DescriptorJson {

    /** No field takes more: the values are read as {@code int}s. */
    static final BigDecimal MAX_MAGNITUDE = BigDecimal.valueOf(Integer.MAX_VALUE);
    /** About what a double holds exactly; vCPUs are multiples of 1/8 (3 places). */
    static final int MAX_DECIMAL_PLACES = 15;

    private DescriptorJson() {
    }

    /** Every number {@code root} cannot hold, each replaced by {@code null} in place. */
    static List<Problem> takeOutUnreadableNumbers(JsonNode root) {
        List<Problem> problems = new ArrayList<>();
        walk(root, "", problems);
        return problems;
    }

    private static void walk(JsonNode node, String path, List<Problem> problems) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (unreadable(field.getValue(), at, problems)) {
                    field.setValue(NullNode.getInstance());
                } else {
                    walk(field.getValue(), at, problems);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (unreadable(array.get(i), path + "/" + i, problems)) {
                    array.set(i, NullNode.getInstance());
                } else {
                    walk(array.get(i), path + "/" + i, problems);
                }
            }
        }
    }

    private static boolean unreadable(JsonNode node, String path, List<Problem> problems) {
        if (!node.isNumber()) {
            return false;
        }
        if (node.isDouble() || node.isFloat()) {
            // Only when a mapper reads floats as doubles; kept so that no infinity ever reaches a rule.
            if (!Double.isFinite(node.doubleValue())) {
                problems.add(new Problem(path, "is not a finite number"));
                return true;
            }
            return false;
        }
        BigDecimal value = node.decimalValue();
        if (value.abs().compareTo(MAX_MAGNITUDE) > 0) {
            problems.add(new Problem(path, "is " + shown(value) + ": too large; no descriptor number may exceed "
                    + MAX_MAGNITUDE + " (and each field has its own, smaller, maximum)"));
            return true;
        }
        if (value.stripTrailingZeros().scale() > MAX_DECIMAL_PLACES) {
            problems.add(new Problem(path, "is " + shown(value) + ": more than " + MAX_DECIMAL_PLACES
                    + " decimal places, which would be rounded; write it with fewer"));
            return true;
        }
        return false;
    }

    /** The number as written, shortened: a 1000-digit number is not worth repeating. */
    private static String shown(BigDecimal value) {
        String text = value.toString();
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + " (" + text.length() + " characters)";
    }
}
