package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
