package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Random;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The linear glob matcher agrees with Java's own glob syntax, on what it accepts and what it matches (Java's
 * matcher is safe to compare against on names this short).
 */
class GlobTest {

    private static final String GLOB_ALPHABET = "ab/_.*?[]!-{},\\^";
    private static final String NAME_ALPHABET = "ab/_.-!^,";

    @Test
    void matches_randomGlobsAndNames_agreeWithJavasPathMatcher() {
        // Given a seeded stream of short globs over the syntax's characters, and short names
        Random random = new Random(15);
        int compared = 0;
        for (int g = 0; g < 3_000; g++) {
            String glob = randomString(random, GLOB_ALPHABET, 1 + random.nextInt(8));
            PathMatcher java;
            try {
                java = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                // Then a glob Java refuses is refused here too
                assertThatThrownBy(() -> Glob.compile(glob)).as(glob).isInstanceOf(Glob.InvalidGlobException.class);
                continue;
            }
            // (stricter on one point: a backslash as a range's end, which Java's regular expression reads as an escape)
            if (glob.contains("-\\")) {
                continue;
            }
            // When both match the same names
            Glob ours = Glob.compile(glob);
            for (int n = 0; n < 40; n++) {
                String name = randomString(random, NAME_ALPHABET, random.nextInt(7));
                // Then they agree
                assertThat(ours.matches(name)).as("%s against '%s'", glob, name).isEqualTo(java.matches(Path.of(name)));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data/[a-", "{a,{b}}", "{a,b", "a\\", "[a/b]", "[z-a]"})
    void compile_malformedGlob_isRefusedWithJavasReason(String glob) {
        // Given a glob Java's parser refuses
        assertThatThrownBy(() -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .isInstanceOf(PatternSyntaxException.class);

        // When / Then: refused here too
        assertThatThrownBy(() -> Glob.compile(glob)).isInstanceOf(Glob.InvalidGlobException.class);
    }

    @Test
    void matches_keyWithALineBreak_isCrossedByDoubleStar() {
        // Given a key with a line break (a regular expression's .* stops there)
        Glob any = Glob.compile("**.csv");

        // When / Then
        assertThat(any.matches("a\nb/c.csv")).isTrue();
        assertThat(any.matches("a\nb/c.tsv")).isFalse();
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
