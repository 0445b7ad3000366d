package io.conveyor.descriptor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a descriptor's (or a pipeline's) JSON may hold before any rule reads it: UTF-8 text, no NUL, and numbers Conveyor
 * can hold exactly.
 *
 * <p>The bytes are decoded here, strictly: Jackson's own decoder takes overlong forms
 * ({@code 0xC0 0xAD} for {@code -}), so {@code word\xC0\xADcount} would register as {@code word-count}.
 * NUL cannot be passed in a command argument or an environment variable: C strings end at it.
 *
 * <p>Floating-point numbers are read as {@link BigDecimal} (a double would turn {@code 1e400} into
 * infinity and {@code 1.0000000000000000000001} into {@code 1.0}); a number too large or too precise
 * for the values Conveyor keeps ({@code int} and {@code double}) is a problem at its path, and its node
 * is made {@code null} so the schema still checks the rest of the document.
 */
public final class DescriptorJson {

    /** No field takes more: the values are read as {@code int}s. */
    static final BigDecimal MAX_MAGNITUDE = BigDecimal.valueOf(Integer.MAX_VALUE);
    /** About what a double holds exactly; vCPUs are multiples of 1/8 (3 places). */
    static final int MAX_DECIMAL_PLACES = 15;

    private DescriptorJson() {
    }

    /**
     * The text of {@code content}, decoded as UTF-8 with no malformed or overlong sequence (a leading
     * byte order mark is dropped), or {@code null} with the problem, naming the byte offset, added.
     */
    public static String decodeUtf8(byte[] content, List<Problem> problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            byte[] bad = java.util.Arrays.copyOfRange(content, at, Math.min(content.length, at + result.length()));
            problems.add(new Problem("", "not valid UTF-8: at byte offset " + at + ", " + hex(bad)
                    + " is not a UTF-8 character (malformed, overlong or a surrogate); save the file as UTF-8"));
            return null;
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.isEmpty() ? "" : " ").append("0x").append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    /**
     * The one JSON value of {@code text} ({@code null} when there is none), or {@code null} with the
     * problem added: a syntax error, or anything but white space after the value.
     */
    public static JsonNode parse(ObjectMapper mapper, String text, List<Problem> problems) {
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode root;
            try {
                root = mapper.readTree(parser);
            } catch (NumberFormatException e) {
                // Jackson gives up on an exponent beyond an int (1e2147483648) with this, not a parse error.
                JsonLocation at = parser.currentTokenLocation();
                problems.add(new Problem("", "not valid JSON: line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + ": a number whose exponent is too large to read"));
                return null;
            }
            JsonLocation end = parser.currentLocation();
            try {
                if (parser.nextToken() == null) {
                    return root;
                }
                end = parser.currentTokenLocation();
            } catch (JsonProcessingException e) {
                end = e.getLocation() == null ? end : e.getLocation();
            }
            problems.add(new Problem("", "not valid JSON: line " + end.getLineNr() + ", column " + end.getColumnNr()
                    + ": data after the JSON object; the file is one object and nothing after it"));
            return null;
        } catch (JsonProcessingException e) {
            problems.add(new Problem("", "not valid JSON: " + Json.describe(e)));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every string and field name holding NUL (U+0000) or an unpaired surrogate (a {@code \\ud800} escape
     * alone, which is no character and has no UTF-8 form), at its path.
     */
    public static List<Problem> nulProblems(JsonNode node, String path) {
        List<Problem> problems = new ArrayList<>();
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            problems.add(new Problem(path, "holds a NUL character (U+0000), which no command argument or "
                    + "environment variable can carry"));
        }
        if (node.isTextual() && unpairedSurrogate(node.textValue()) >= 0) {
            problems.add(new Problem(path, "holds an unpaired surrogate escape (\\u" + HexFormat.of().withUpperCase()
                    .toHexDigits(node.textValue().charAt(unpairedSurrogate(node.textValue()))) + "), which is no "
                    + "character: write the character itself, or both halves of its pair"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            if (unpairedSurrogate(field.getKey()) >= 0) {
                problems.add(new Problem(at, "the name holds an unpaired surrogate escape, which is no character"));
            }
            if (field.getKey().indexOf('\0') >= 0) {
                problems.add(new Problem(at, "the name holds a NUL character (U+0000), which no environment "
                        + "variable's name can carry"));
            }
            problems.addAll(nulProblems(field.getValue(), at));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                problems.addAll(nulProblems(node.get(i), path + "/" + i));
            }
        }
        return problems;
    }

    /** Where {@code text} holds a surrogate that is not half of a pair, or {@code -1}. */
    private static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Every number {@code root} cannot hold, each replaced by {@code null} in place. */
    public static List<Problem> takeOutUnreadableNumbers(JsonNode root) {
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
            problems.add(new Problem(path, "is " + shown(value) + ": too large; no number may exceed "
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
