package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sizes ECS would refuse later, and placeholders that are not (issue 15, finding 9). */
class DescriptorLimitsTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    private static String with(String extra) {
        return "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": {\"vcpu\": 1, \"memoryMiB\": 256}" + extra + "}";
    }

    private static String many(int count, java.util.function.IntFunction<String> item) {
        return IntStream.range(0, count).mapToObj(item).collect(Collectors.joining(", "));
    }

    static Stream<Arguments> oversized() {
        return Stream.of(
                Arguments.of("string command of 4000 words", with("").replace("[\"wc\", \"${CONVEYOR_INPUT}\"]",
                        "\"" + "a ".repeat(4000) + "\""), "/command", "256"),
                Arguments.of("local command of 10000 words", with(", \"local\": {\"command\": [" + many(10000, i -> "\"a\"") + "]}"),
                        "/local/command", "256"),
                Arguments.of("2000 variables", with(", \"environment\": {" + many(2000, i -> "\"V" + i + "\": \"x\"") + "}"),
                        "/environment", "100"),
                Arguments.of("2000 local variables", with(", \"local\": {\"environment\": {" + many(2000, i -> "\"V" + i + "\": \"x\"") + "}}"),
                        "/local/environment", "100"),
                Arguments.of("1000 parameters", with(", \"parameters\": [" + many(1000, i -> "{\"name\": \"P" + i + "\"}") + "]"),
                        "/parameters", "64"),
                Arguments.of("5000 ports", with(", \"ports\": [" + many(5000, i -> "{\"port\": " + (i + 1) + "}") + "]"),
                        "/ports", "64"),
                Arguments.of("legacy 1000 variables", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\","
                        + " \"user_specified_environment_variables\": [" + many(1000, i -> "{\"name\": \"P" + i + "\"}") + "]}",
                        "/user_specified_environment_variables", "64"),
                Arguments.of("legacy 5000 ports", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\","
                        + " \"port\": [" + many(5000, i -> "{\"port\": " + (i + 1) + "}") + "]}", "/port", "64"),
                Arguments.of("legacy run_command of 4000 words", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input"
                        + " a".repeat(4000) + "\"}", "/run_command", "256"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversized")
    void validate_beyondWhatEcsTakes_isRefusedWithTheBound(String name, String json, String path, String bound) {
        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains(bound);
        });
    }

    static Stream<Arguments> malformedPlaceholders() {
        return Stream.of(Arguments.of("[\"wc\", \"${ CONVEYOR_INPUT }\"]", "/command/1"),
                Arguments.of("[\"wc\", \"${CONVEYOR_INPUT\"]", "/command/1"),
                Arguments.of("[\"wc\", \"--in=${CONVEYOR_INPUT}/${\"]", "/command/1"),
                Arguments.of("\"wc ${CONVEYOR_INPUT\"", "/command/1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPlaceholders")
    void validate_malformedPlaceholder_isRefusedWithTheCorrectForm(String command, String path) {
        // Given
        String json = with("").replace("[\"wc\", \"${CONVEYOR_INPUT}\"]", command);

        // When
        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains("${NAME}").contains("${CONVEYOR_INPUT}");
        });
    }
}
