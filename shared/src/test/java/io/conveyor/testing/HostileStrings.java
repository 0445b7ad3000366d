package io.conveyor.testing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Strings a shell would read as code: metacharacters, quotes, {@code $()}, backticks, newlines,
 * {@code ;}, {@code &&}, {@code |}, globs, option-like words, unicode, long runs. Every command they
 * carry writes {@code pwned} or {@code x} into the current folder, or {@code INJECTED} to standard
 * error, so a side effect is easy to see.
 *
 * <p>Drawn from a seeded random source, so a failing sample comes back with the same seed: the seed
 * is {@value #SEED} unless {@code -Dconveyor.hostile.seed=N} says otherwise, and
 * {@code -Dconveyor.hostile.tries=N} draws more than {@value #TRIES} samples (for a longer run outside
 * CI). A plain generator, not a property-testing library: jqwik, the one for JUnit 5, asks that AI
 * agents not use it, and some of this project's engineers are agents.
 */
public final class HostileStrings {

    /** The seed CI draws with. */
    public static final long SEED = 20261128L;
    /** How many samples a test draws by default. */
    public static final int TRIES = 200;

    /** Pieces that are code in a shell, or that break naive quoting. */
    static final List<String> PAYLOADS = List.of("q\";id>x;\".txt", "0.5; echo INJECTED >&2; #", "$(touch pwned)",
            "`touch pwned`", ";touch pwned;", "\"; touch pwned; \"", "'; touch pwned; '", "&& touch pwned",
            "|| touch pwned", "| tee pwned", "\ntouch pwned\n", "> pwned", "$(echo>pwned)", "${IFS}touch${IFS}pwned",
            "$((1+1))", "$HOME", "${PATH}", "${CONVEYOR_JOB_ID}", "${threshold}", "\\", "\\\"", "*", "?", "[a-z]*", "~",
            "{a,b}", "!", "#", "%s%n", "-c", "--", "-e", "\t", " ", "'", "\"", "`", "$", "<(touch pwned)",
            "\"$(touch pwned)\"", "'$(touch pwned)'");
    /** Non-ASCII pieces, used where the JVM passes names and values to processes as UTF-8. */
    static final List<String> UNICODE = List.of("é", "日本語", "🚀", "\u202e", "\u00a0", "Ω≈ç√", "\u0301");

    private static final String CHARACTERS = " !\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~\t\nabcXYZ019";
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final SplittableRandom random;

    private HostileStrings(long seed) {
        random = new SplittableRandom(seed);
    }

    /** The samples a test runs: {@code draw} applied to a source seeded as configured, as many times as configured. */
    public static <T> Stream<T> samples(Function<HostileStrings, T> draw) {
        HostileStrings source = new HostileStrings(Long.getLong("conveyor.hostile.seed", SEED));
        int tries = Integer.getInteger("conveyor.hostile.tries", TRIES);
        return Stream.generate(() -> draw.apply(source)).limit(tries);
    }

    /** Whether names and values reach processes as UTF-8 here (the JVM's file name encoding). */
    public static boolean unicodeReachesProcesses() {
        return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(StandardCharsets.UTF_8);
    }

    /** A value: 1 to 6 pieces of payloads, metacharacters, letters, unicode and long runs; never NUL. */
    public String value() {
        StringBuilder value = new StringBuilder();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            int kind = random.nextInt(unicodeReachesProcesses() ? 5 : 4);
            value.append(switch (kind) {
                case 0 -> PAYLOADS.get(random.nextInt(PAYLOADS.size()));
                case 1 -> characters(CHARACTERS, 1 + random.nextInt(6));
                case 2 -> characters(ALPHANUMERIC, 1 + random.nextInt(8));
                case 3 -> "long-".repeat(50 + random.nextInt(251));
                default -> UNICODE.get(random.nextInt(UNICODE.size()));
            });
        }
        return value.toString();
    }

    /** A file name: a value without {@code /}, at most 200 bytes, never {@code .} or {@code ..}. */
    public String fileName() {
        while (true) {
            String name = value().replace('/', '_');
            if (!name.equals(".") && !name.equals("..") && name.getBytes(StandardCharsets.UTF_8).length <= 200) {
                return name;
            }
        }
    }

    /** An S3 key under {@code inputs/probe/}: 1 to 3 values joined by slashes, at most 900 bytes. */
    public String key() {
        while (true) {
            List<String> parts = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                parts.add(value());
            }
            String key = "inputs/probe/" + String.join("/", parts);
            if (key.getBytes(StandardCharsets.UTF_8).length <= 900) {
                return key;
            }
        }
    }

    /** One of the given choices. */
    public <T> T oneOf(T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private String characters(String from, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(from.charAt(random.nextInt(from.length())));
        }
        return out.toString();
    }
}
