package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which inputs an algorithm takes, by its {@code input} filter: the same rules on S3 and locally. */
class InputRulesTest {

    @Test
    void filterRejection_glob_matchesTheKeyBelowTheAlgorithmsFolder() {
        Descriptor daily = descriptor("{\"glob\": \"2026/**.csv\"}");

        assertThat(InputRules.filterRejection(daily, "day.csv", "2026/11/day.csv", 5)).isEmpty();
        assertThat(InputRules.filterRejection(daily, "day.csv", "2025/11/day.csv", 5))
                .contains("'2025/11/day.csv' does not match input.glob '2026/**.csv' of daily");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
    void filterRejection_globWithManyStarsAgainstALongAdversarialName_decidesInLinearTime() {
        // Given the probe's pattern, which a backtracking regex needs over 30 s for on 204 characters
        Descriptor daily = descriptor("{\"glob\": \"*_*_*_*_*_*.csv\"}");
        String adversarial = "_".repeat(10_000) + ".cs";

        // When / Then: rejected, well within the timeout
        assertThat(InputRules.filterRejection(daily, adversarial, adversarial, 5))
                .hasValueSatisfying(reason -> assertThat(reason).contains("does not match input.glob"));
        assertThat(InputRules.filterRejection(daily, "a_b_c_d_e_f.csv", "a_b_c_d_e_f.csv", 5)).isEmpty();
    }

    @ParameterizedTest(name = "{0} against ''{1}'' matches: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "*.csv            | day.csv              | true",
        "*.csv            | 2026/day.csv         | false",
        "*.csv            | day.csv.gz           | false",
        "**.csv           | 2026/11/day.csv      | true",
        "2026/**          | 2026/11/day.csv      | true",
        "2026/*/day.csv   | 2026/11/day.csv      | true",
        "2026/*/day.csv   | 2026/11/12/day.csv   | false",
        "day?.csv         | day1.csv             | true",
        "day?.csv         | day.csv              | false",
        "a?b              | a/b                  | false",
        "[a-c]x.txt       | bx.txt               | true",
        "[a-c]x.txt       | dx.txt               | false",
        "[!a-c]x.txt      | dx.txt               | true",
        "[!a-c]x.txt      | ax.txt               | false",
        "a[!x]b           | a/b                  | false",
        "[-a]z            | -z                   | true",
        "{raw,clean}/*.csv | clean/d.csv         | true",
        "{raw,clean}/*.csv | other/d.csv         | false",
        "*.{csv,tsv}      | d.tsv                | true",
        "{*.csv,**/*.tsv} | a/b/c.tsv            | true",
        "{a,}b            | b                    | true",
        "a\\*b          | a*b                  | true",
        "a\\*b          | axb                  | false",
        "a}b,c            | a}b,c                | true",
        "a.b              | axb                  | false",
        "a+(b)^$c         | a+(b)^$c             | true",
        "2026/*.csv       | 2026//day.csv        | true",
        "2026/*           | 2026/day/           | true",
        "*ü*              | grüße                | true",
        "?                | 😀                   | true",
    })
    void filterRejection_ordinaryGlobs_matchAsJavasGlobSyntaxSays(String glob, String rest, boolean matches) {
        // Given a descriptor whose input.glob is the pattern
        Descriptor descriptor = descriptor("{\"glob\": \"" + glob.replace("\\", "\\\\") + "\"}");

        // When the input below the algorithm's folder is filtered
        boolean taken = InputRules.filterRejection(descriptor, "any", rest, 5).isEmpty();

        // Then it is taken exactly when the glob matches
        assertThat(taken).isEqualTo(matches);
    }

    @Test
    void filterRejection_keyNoFileSystemCouldName_matchesNoGlob() {
        Descriptor daily = descriptor("{\"glob\": \"**\"}");

        assertThat(InputRules.filterRejection(daily, "a\u0000b.csv", "a\u0000b.csv", 5))
                .contains("'a\u0000b.csv' does not match input.glob '**' of daily");
    }

    @Test
    void filterRejection_sizeAtTheLimit_isTakenAndOneByteMoreIsNot() {
        Descriptor small = descriptor("{\"maxSizeMiB\": 1}");

        assertThat(InputRules.filterRejection(small, "a.csv", "a.csv", 1024 * 1024)).isEmpty();
        assertThat(InputRules.filterRejection(small, "a.csv", "a.csv", 1024 * 1024 + 1))
                .contains("is 1048577 bytes, over input.maxSizeMiB (1 MiB) of daily");
    }

    static Descriptor descriptor(String input) {
        String json = "{\"name\": \"daily\", \"image\": \"busybox:1.36\", \"command\": [\"run\"], \"input\": " + input
                + ", \"resources\": {\"vcpu\": 1, \"memoryMiB\": 512}}";
        return new DescriptorValidator().validate("daily.json", json.getBytes(StandardCharsets.UTF_8)).accepted()
                .orElseThrow();
    }
}
