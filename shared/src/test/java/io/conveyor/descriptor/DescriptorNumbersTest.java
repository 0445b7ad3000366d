package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Numbers a descriptor cannot hold (issue 15, findings 5 and 7): a problem naming the field, never an exception. */
class DescriptorNumbersTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();
    private static final List<String> HUGE = List.of("1e400", "-1e400", "1e999999999", "1e-999999999",
            "99999999999999999999999", "4294967552");

    private static String current(String resources, String extra) {
        return "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": " + resources + extra + "}";
    }

    private static String legacy(String extra) {
        return "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\", " + extra + "}";
    }

    static Stream<Arguments> everyNumericField() {
        List<Arguments> cases = new ArrayList<>();
        for (String n : HUGE) {
            cases.add(Arguments.of(current("{\"vcpu\": " + n + ", \"memoryMiB\": 256}", ""), "/resources/vcpu"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": " + n + "}", ""), "/resources/memoryMiB"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": 256, \"gpu\": " + n + "}", ""), "/resources/gpu"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": 256}", ", \"timeoutSeconds\": " + n), "/timeoutSeconds"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": 256}", ", \"retries\": " + n), "/retries"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": 256}", ", \"input\": {\"maxSizeMiB\": " + n + "}"), "/input/maxSizeMiB"));
            cases.add(Arguments.of(current("{\"vcpu\": 1, \"memoryMiB\": 256}", ", \"ports\": [{\"port\": " + n + "}]"), "/ports/0/port"));
            cases.add(Arguments.of(legacy("\"CPU\": " + n), "/CPU"));
            cases.add(Arguments.of(legacy("\"memory\": {\"minimal\": " + n + "}"), "/memory/minimal"));
            cases.add(Arguments.of(legacy("\"memory\": {\"suggested\": " + n + "}"), "/memory/suggested"));
            cases.add(Arguments.of(legacy("\"port\": [{\"port\": " + n + "}]"), "/port/0/port"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("everyNumericField")
    void validate_numberOutOfRange_isAProblemNamingTheField(String json, String path) {
        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).extracting(Problem::path).contains(path);
    }

    @Test
    void validate_infiniteVcpu_namesTheNumberAndStillReportsTheOtherErrors() {
        // Given a vCPU count no double holds, and a bad name
        String json = current("{\"vcpu\": 1e400, \"memoryMiB\": 256}", "").replace("\"wc\",", "\"Bad Name\",");

        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.errors()).extracting(Problem::path).containsExactly("/name", "/resources/vcpu");
        assertThat(validation.errors().get(1).message()).contains("1E+400").contains("too large");
    }

    @Test
    void validate_vcpuWithMorePrecisionThanADouble_isNotRoundedIntoAValidValue() {
        // Given 1.0000000000000000000001 vCPU, which a double reads as 1.0
        String json = current("{\"vcpu\": 1.0000000000000000000001, \"memoryMiB\": 256}", "");

        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.errors()).extracting(Problem::path).containsExactly("/resources/vcpu");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legacyMemory")
    void validate_legacyMemoryOutOfRange_isRefusedNotWrapped(String suggested, String message) {
        // Given memory that asInt() wraps (4294967552 to 256) or that no instance has
        String json = legacy("\"memory\": {\"suggested\": " + suggested + "}");

        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("/memory/suggested");
            assertThat(problem.message()).contains(message);
        });
    }

    static Stream<Arguments> legacyMemory() {
        return Stream.of(Arguments.of("4294967552", "is 4294967552: too large"),
                Arguments.of("2147483647", "maximum value of 786432"),
                Arguments.of("786433", "maximum value of 786432"));
    }

    @Test
    void validate_wholeNumbersWrittenWithAFractionOrExponent_areStillAccepted() {
        // Given integers as JSON Schema counts them: 256.0 and 2.56e2
        String json = current("{\"vcpu\": 0.25, \"memoryMiB\": 2.56e2}", ", \"timeoutSeconds\": 60.0");

        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().resources().memoryMiB()).isEqualTo(256);
        assertThat(validation.descriptor().timeoutSeconds()).isEqualTo(60);
    }

    @org.junit.jupiter.api.Test
    void validate_exponentBeyondAnInt_isAnErrorNotANumberFormatException() {
        // Given what the long fuzz run found: Jackson threw NumberFormatException past the JSON errors
        byte[] json = ("{\"name\": \"probe\", \"image\": \"a/b:1\", \"command\": [\"wc\"], "
                + "\"resources\": {\"vcpu\": 1, \"memoryMiB\": -21e400147483649}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // When
        Validation validation = new DescriptorValidator().validate("probe.json", json);

        // Then
        org.assertj.core.api.Assertions.assertThat(validation.errors()).containsExactly(new Problem("",
                "not valid JSON: line 1, column 94: a number whose exponent is too large to read"));
    }
}
