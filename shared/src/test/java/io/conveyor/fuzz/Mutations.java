package io.conveyor.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded source of hostile inputs: byte mutations (flips, interesting bytes, dictionary tokens,
 * deletions, duplications, splices, trailing data) and JSON mutations (a value anywhere replaced by a
 * hostile one, a field removed or added, an array grown), so that inputs get past the JSON syntax to the
 * rules behind it. No coverage feedback: a plain generator, reproducible from its seed.
 */
public final class Mutations {

    /** Strings that broke parsers before, or that a parser must refuse: the probe's and a fuzzer's classics. */
    static final List<String> STRINGS = List.of("", " ", "${CONVEYOR_INPUT}", "${CONVEYOR_INPUT", "${ CONVEYOR_INPUT }",
            "${CONVEYOR_OUTPUT_DIR}", "${p0}", "${p1}", "$p0", "\"$p0\"", "${", "}", "q\";id>x;\".txt",
            "0.5; echo INJECTED >&2; #", "$(touch pwned)", "`id`", "%", "%2", "%zz", "%C0%AD", "%00", "%2B", "+", "a+b",
            "%E2%82%AC", "%ED%A0%80", "\u0000", "\ud800", "\udc00x", "\uFEFF", "\u202e", "日本語", "🚀", "sh", "-c", "bash",
            "-ec", "python3", "perl", "-e", "awk", "sed", "env", "nice", "busybox", "--", "wc", "cat \"$CONVEYOR_INPUT\"",
            "echo ${p0}", "LD_PRELOAD", "PATH", "https_proxy", "AWS_REGION", "CONVEYOR_JOB_ID", "DB_PASSWORD",
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "-----BEGIN PRIVATE KEY-----",
            "*_*_*_*_*_*_*_*.csv", "**/*.{csv,txt}", "[!a-", "{a,{b,c}", "\\", "inputs/word-count/x.txt",
            "job-5d0c2b5d0f8a4a1c9e7b3f21", "ObjectCreated:Put", "ObjectRemoved:Delete", "aws:s3", "STOPPED", "RUNNING",
            "ECS Task State Change", "s3:TestEvent", "t3.small", "x9.huge", "public.ecr.aws/docker/library/busybox:1.36",
            "a/b:latest", "word-count", "Word_Count");
    /** Numbers at the edges of what each field holds. */
    static final List<String> NUMBERS = List.of("0", "-1", "1", "0.125", "0.3", "1e400", "-1e400", "1e-400",
            "1.0000000000000000000001", "2147483647", "2147483648", "-2147483649", "4294967552", "9223372036854775807",
            "9223372036854775808", "92233720368547758080", "1.5", "256.0", "2.56e2", "1E2", "-0", "65536", "786432");
    /** Byte sequences for splicing: malformed and overlong UTF-8, JSON syntax, escapes. */
    static final List<byte[]> TOKENS = List.of(bytes(0xC0, 0xAD), bytes(0xC0, 0x80), bytes(0xE0, 0x80, 0xAF),
            bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xFF), bytes(0x00), bytes(0xEF, 0xBB, 0xBF),
            ascii("\\u0000"), ascii("\\ud800"), ascii("\\"), ascii("\""), ascii("{"), ascii("}"), ascii("["), ascii("]"),
            ascii(","), ascii(":"), ascii("1e400"), ascii("${CONVEYOR_INPUT"), ascii("%"), ascii("+"), ascii("null"),
            ascii("/*"), ascii("//"), ascii("'"), ascii("NaN"), ascii("Infinity"), ascii("[".repeat(64)));

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final SplittableRandom random;

    public Mutations(long seed) {
        random = new SplittableRandom(seed);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    public <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A hostile string: dictionary pieces, random characters, now and then a long run. */
    public String string() {
        StringBuilder out = new StringBuilder();
        int pieces = 1 + random.nextInt(3);
        for (int i = 0; i < pieces; i++) {
            switch (random.nextInt(6)) {
                case 0, 1, 2 -> out.append(oneOf(STRINGS));
                case 3 -> {
                    for (int k = random.nextInt(12); k > 0; k--) {
                        out.append((char) (random.nextInt(8) == 0 ? random.nextInt(0x10000) : 32 + random.nextInt(95)));
                    }
                }
                case 4 -> out.append("x".repeat(random.nextInt(5000)));
                default -> out.append("p").append(random.nextInt(3));
            }
        }
        return out.toString();
    }

    /** A JSON value of any kind, sometimes deep or wide. */
    JsonNode value() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (random.nextInt(9)) {
            case 0, 1, 2 -> json.textNode(string());
            case 3, 4 -> parse(oneOf(NUMBERS));
            case 5 -> random.nextBoolean() ? json.nullNode() : json.booleanNode(random.nextBoolean());
            case 6 -> {
                ArrayNode array = json.arrayNode();
                int size = random.nextInt(10) == 0 ? 1 + random.nextInt(10_000) : random.nextInt(4);
                JsonNode item = random.nextBoolean() ? json.textNode(string()) : parse(oneOf(NUMBERS));
                for (int i = 0; i < size; i++) {
                    array.add(random.nextInt(4) == 0 ? json.textNode(string()) : item);
                }
                yield array;
            }
            case 7 -> {
                ObjectNode object = json.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(random.nextBoolean() ? oneOf(STRINGS) : "p" + random.nextInt(3), json.textNode(string()));
                }
                yield object;
            }
            default -> {
                JsonNode deep = json.textNode("x");
                for (int i = 1 + random.nextInt(30); i > 0; i--) {
                    deep = random.nextBoolean() ? json.arrayNode().add(deep) : json.objectNode().set("a", deep);
                }
                yield deep;
            }
        };
    }

    /** One to four mutations of {@code input}, {@code other} the material for splices. */
    public byte[] mutate(byte[] input, byte[] other) {
        byte[] out = input;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            out = random.nextInt(3) == 0 ? mutateBytes(out, other) : mutateJson(out);
        }
        return out;
    }

    private byte[] mutateBytes(byte[] in, byte[] other) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        return switch (random.nextInt(8)) {
            case 0 -> {
                byte[] out = in.clone();
                if (out.length > 0) {
                    int i = random.nextInt(out.length);
                    out[i] ^= (byte) (1 << random.nextInt(8));
                }
                yield out;
            }
            case 1 -> splice(in, at, at, oneOf(TOKENS));
            case 2 -> splice(in, at, Math.min(in.length, at + random.nextInt(16)), new byte[0]);
            case 3 -> {
                int end = Math.min(in.length, at + random.nextInt(64));
                yield splice(in, at, at, Arrays.copyOfRange(in, at, end));
            }
            case 4 -> {
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                yield splice(in, at, in.length, Arrays.copyOfRange(other, from, other.length));
            }
            case 5 -> splice(in, in.length, in.length, ascii(oneOf(List.of(" x", "{}", "}", "]", "\n\n", "null", " 1"))));
            case 6 -> {
                int depth = 1 + random.nextInt(random.nextBoolean() ? 3000 : 100);
                boolean array = random.nextBoolean();
                yield splice(splice(in, in.length, in.length, ascii((array ? "]" : "}").repeat(depth))), 0, 0,
                        ascii((array ? "[" : "{\"a\":").repeat(depth)));
            }
            default -> splice(in, at, Math.min(in.length, at + 1), bytes(random.nextInt(256)));
        };
    }

    /** A JSON mutation, or a byte one when {@code in} is not JSON. */
    private byte[] mutateJson(byte[] in) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (Exception e) {
            return splice(in, in.length, in.length, oneOf(TOKENS));
        }
        if (!(root instanceof ContainerNode<?>)) {
            return ascii(value().toString());
        }
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(root, containers);
        ContainerNode<?> target = oneOf(containers);
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int what = random.nextInt(4);
            if (names.isEmpty() || what == 0) {
                object.set(random.nextBoolean() ? oneOf(STRINGS) : "p" + random.nextInt(3), value());
            } else if (what == 1) {
                object.remove(oneOf(names));
            } else {
                object.set(oneOf(names), what == 2 ? value() : JsonNodeFactory.instance.textNode(string()));
            }
        } else if (target instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextInt(3) == 0) {
                array.add(random.nextBoolean() ? value() : JsonNodeFactory.instance.textNode(string()));
            } else {
                int i = random.nextInt(array.size());
                array.set(i, random.nextBoolean() ? value() : JsonNodeFactory.instance.textNode(string()));
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (Exception e) {
            return in;
        }
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> out) {
        if (node instanceof ContainerNode<?> container && out.size() < 10_000) {
            out.add(container);
            node.forEach(child -> collect(child, out));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
        out.write(in, 0, from);
        out.writeBytes(insert);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
