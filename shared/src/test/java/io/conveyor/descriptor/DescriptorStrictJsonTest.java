package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Strict JSON (issue 15, finding 6): one UTF-8 JSON value, nothing after it, no NUL. */
class DescriptorStrictJsonTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();
    private static final String VALID = "{\"name\": \"wc\", \"image\": \"busybox:1.36\","
            + " \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"], \"resources\": {\"vcpu\": 1, \"memoryMiB\": 256}}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code before}, the raw bytes, then {@code after}. */
    private static byte[] withBytes(String before, int[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(before));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(utf8(after));
        return out.toByteArray();
    }

    static Stream<Arguments> trailing() {
        return Stream.of(Arguments.of(VALID + " x"), Arguments.of(VALID + "{}"), Arguments.of(VALID + "\n]"),
                Arguments.of(VALID + " " + VALID));
    }

    @ParameterizedTest
    @MethodSource("trailing")
    void validate_dataAfterTheObject_isNotValidJson(String json) {
        // When
        Validation validation = VALIDATOR.validate("x.json", utf8(json));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEmpty();
            assertThat(problem.message()).startsWith("not valid JSON: line ").contains("data after the JSON object");
        });
    }

    static Stream<Arguments> malformedUtf8() {
        String before = "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"word";
        String after = "count\", \"${CONVEYOR_INPUT}\"], \"resources\": {\"vcpu\": 1, \"memoryMiB\": 256}}";
        int at = utf8(before).length;
        return Stream.of(Arguments.of(withBytes(before, new int[] {0xC0, 0xAD}, after), at, "0xC0"),
                Arguments.of(withBytes(before, new int[] {0xE0, 0x80, 0xAD}, after), at, "0xE0"),
                Arguments.of(withBytes(before, new int[] {0xED, 0xA0, 0x80}, after), at, "0xED"),
                Arguments.of(withBytes(before, new int[] {0xFF}, after), at, "0xFF"),
                Arguments.of(withBytes(before, new int[] {0xE2, 0x82}, after), at, "0xE2"));
    }

    @ParameterizedTest
    @MethodSource("malformedUtf8")
    void validate_invalidOrOverlongUtf8_isRefusedAtItsByteOffset(byte[] content, int offset, String firstByte) {
        // When
        Validation validation = VALIDATOR.validate("x.json", content);

        // Then nothing is decoded into 'word-count' or anything else
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEmpty();
            assertThat(problem.message()).contains("not valid UTF-8").contains("byte offset " + offset)
                    .contains(firstByte);
        });
    }

    @Test
    void validate_nulInAValueOrAName_isRefusedAtItsPath() {
        // Given NUL escaped in a command word and in an environment variable's name
        String json = VALID.replace("[\"wc\",", "[\"w\\u0000c\",")
                .replace("\"resources\"", "\"environment\": {\"A\\u0000B\": \"1\"}, \"resources\"");

        // When
        Validation validation = VALIDATOR.validate("x.json", utf8(json));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).filteredOn(problem -> problem.message().contains("NUL"))
                .extracting(Problem::path).containsExactlyInAnyOrder("/command/0", "/environment/A\u0000B");
    }

    @Test
    void validate_byteOrderMarkAndNonAsciiText_areStillAccepted() {
        // Given a UTF-8 byte order mark and a description in another script
        byte[] content = withBytes("", new int[] {0xEF, 0xBB, 0xBF},
                VALID.replace("\"image\"", "\"description\": \"Zählt Wörter — 単語\", \"image\""));

        // When
        Validation validation = VALIDATOR.validate("x.json", content);

        // Then
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().description()).isEqualTo("Zählt Wörter — 単語");
    }
}
