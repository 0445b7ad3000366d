package io.conveyor.testing;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generators of strings a shell would read as code: metacharacters, quotes, {@code $()}, backticks,
 * newlines, {@code ;}, {@code &&}, {@code |}, globs, option-like words, unicode, long runs. Every
 * command they carry writes {@code pwned} or {@code x} into the current folder, or {@code INJECTED}
 * to standard error, so a side effect is easy to see.
 */
public final class HostileStrings {

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

    private HostileStrings() {
    }

    /** Whether names and values reach processes as UTF-8 here (the JVM's file name encoding). */
    public static boolean unicodeReachesProcesses() {
        return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(StandardCharsets.UTF_8);
    }

    /** Values: any mix of payloads, metacharacters, letters, unicode and long runs; never NUL. */
    public static Arbitrary<String> values() {
        List<Arbitrary<String>> pieces = new ArrayList<>(List.of(
                Arbitraries.of(PAYLOADS),
                Arbitraries.strings().withChars(CHARACTERS).ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8),
                Arbitraries.integers().between(50, 300).map("long-"::repeat)));
        if (unicodeReachesProcesses()) {
            pieces.add(Arbitraries.of(UNICODE));
        }
        return Arbitraries.oneOf(pieces).list().ofMinSize(1).ofMaxSize(6).map(list -> String.join("", list));
    }

    /** File names: values without {@code /}, at most 200 bytes, never {@code .} or {@code ..}. */
    public static Arbitrary<String> fileNames() {
        return values().map(value -> value.replace('/', '_')).filter(name -> !name.equals(".") && !name.equals("..")
                && name.getBytes(StandardCharsets.UTF_8).length <= 200);
    }

    /** S3 keys under {@code inputs/probe/}: values, slashes allowed, at most 900 bytes. */
    public static Arbitrary<String> keys() {
        return values().list().ofMinSize(1).ofMaxSize(3).map(parts -> "inputs/probe/" + String.join("/", parts))
                .filter(key -> key.getBytes(StandardCharsets.UTF_8).length <= 900);
    }
}
