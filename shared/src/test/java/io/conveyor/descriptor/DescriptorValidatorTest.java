package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DescriptorValidatorTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    /** A valid current-format descriptor with one field replaced (or removed, with null). */
    private static String valid(String field, String json) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("name", "\"word-count\"");
        fields.put("image", "\"public.ecr.aws/docker/library/busybox:1.36\"");
        fields.put("command", "[\"wc\", \"${CONVEYOR_INPUT}\"]");
        fields.put("resources", "{\"vcpu\": 0.25, \"memoryMiB\": 256}");
        if (json == null) {
            fields.remove(field);
        } else {
            fields.put(field, json);
        }
        StringBuilder out = new StringBuilder("{");
        fields.forEach((name, value) -> out.append(out.length() > 1 ? ", " : "").append('"').append(name).append("\": ").append(value));
        return out.append('}').toString();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not JSON", "{\"name\": \"x\",\n  \"image\": }", "", "not valid JSON: line 2, column 12"),
                Arguments.of("empty file", "", "", "is empty: a descriptor is a JSON object"),
                Arguments.of("array", "[1, 2]", "", "must be a JSON object, was array"),
                Arguments.of("duplicate key", "{\"name\": \"a\",\n\"name\": \"b\"}", "", "line 2, column 7: Duplicate field 'name'"),
                Arguments.of("unknown field", valid("colour", "\"blue\""), "/colour", "unknown field 'colour'"),
                Arguments.of("missing name", valid("name", null), "", "required property 'name' not found"),
                Arguments.of("missing image", valid("image", null), "", "required property 'image' not found"),
                Arguments.of("missing command", valid("command", null), "", "required property 'command' not found"),
                Arguments.of("missing resources", valid("resources", null), "", "required property 'resources' not found"),
                Arguments.of("uppercase name", valid("name", "\"Word_Count\""), "/name", "must be lowercase letters, digits and dashes"),
                Arguments.of("name too long", valid("name", "\"" + "a".repeat(65) + "\""), "/name", "at most 64 characters"),
                Arguments.of("name ends with dash", valid("name", "\"wc-\""), "/name", "starting and ending with a letter or digit"),
                Arguments.of("name not a string", valid("name", "42"), "/name", "integer found, string expected"),
                Arguments.of("image with spaces", valid("image", "\"busy box:1\""), "/image", "must be an image reference"),
                Arguments.of("command empty array", valid("command", "[]"), "/command", "must be a non-empty array of strings"),
                Arguments.of("command a number", valid("command", "5"), "/command", "must be a non-empty array of strings"),
                Arguments.of("command string with pipe", valid("command", "\"grep x ${CONVEYOR_INPUT} | wc\""), "/command", "the shell operator '|'"),
                Arguments.of("command string with open quote", valid("command", "\"sh -c 'wc\""), "/command", "unclosed single quote"),
                Arguments.of("command with blank program", valid("command", "[\" \", \"x\"]"), "/command/0", "the program to run must not be blank"),
                Arguments.of("vcpu zero", valid("resources", "{\"vcpu\": 0, \"memoryMiB\": 256}"), "/resources/vcpu", "exclusive minimum value of 0"),
                Arguments.of("vcpu a string", valid("resources", "{\"vcpu\": \"two\", \"memoryMiB\": 256}"), "/resources/vcpu", "string found, number expected"),
                Arguments.of("vcpu not an eighth", valid("resources", "{\"vcpu\": 0.3, \"memoryMiB\": 256}"), "/resources/vcpu", "multiple of 0.125"),
                Arguments.of("memory too small", valid("resources", "{\"vcpu\": 1, \"memoryMiB\": 64}"), "/resources/memoryMiB", "minimum value of 128"),
                Arguments.of("unknown resource", valid("resources", "{\"vcpu\": 1, \"memoryMiB\": 256, \"disk\": 5}"), "/resources/disk", "unknown field 'disk'"),
                Arguments.of("resources fit no allowed type", valid("instanceTypes", "[\"t3.micro\"]").replace("\"memoryMiB\": 256", "\"memoryMiB\": 4096"), "/resources", "needs 0.25 vCPU, 4096 MiB: more than t3.micro (2 vCPU, 793 MiB usable) offers"),
                Arguments.of("gpu on a type without one", valid("resources", "{\"vcpu\": 1, \"memoryMiB\": 512, \"gpu\": 1}").replace("}", "}").replace("\"resources\"", "\"instanceTypes\": [\"c5.large\"], \"resources\""), "/resources", "1 GPU: more than c5.large"),
                Arguments.of("unknown instance type", valid("instanceTypes", "[\"t3.small\", \"x9.huge\"]"), "/instanceTypes/1", "unknown instance type 'x9.huge'"),
                Arguments.of("instance type malformed", valid("instanceTypes", "[\"large\"]"), "/instanceTypes/0", "must be an EC2 instance type"),
                Arguments.of("instance types repeated", valid("instanceTypes", "[\"t3.small\", \"t3.small\"]"), "/instanceTypes", "unique items"),
                Arguments.of("timeout zero", valid("timeoutSeconds", "0"), "/timeoutSeconds", "minimum value of 1"),
                Arguments.of("retries too many", valid("retries", "11"), "/retries", "maximum value of 10"),
                Arguments.of("retries negative", valid("retries", "-1"), "/retries", "minimum value of 0"),
                Arguments.of("environment value not a string", valid("environment", "{\"LEVEL\": 3}"), "/environment/LEVEL", "integer found, string expected"),
                Arguments.of("environment bad name", valid("environment", "{\"bad-key\": \"x\"}"), "/environment", "must be a variable name"),
                Arguments.of("environment reserved", valid("environment", "{\"AWS_SECRET_ACCESS_KEY\": \"x\"}"), "/environment/AWS_SECRET_ACCESS_KEY", "is reserved"),
                Arguments.of("access key in environment", valid("environment", "{\"KEY\": \"AKIAIOSFODNN7EXAMPLE\"}"), "/environment/KEY", "holds what looks like an AWS access key id"),
                Arguments.of("undeclared placeholder", valid("command", "[\"wc\", \"${LEVEL}\"]"), "/command/1", "refers to ${LEVEL}, which is neither a declared parameter"),
                Arguments.of("placeholder in environment", valid("environment", "{\"MODE\": \"${FAST}\"}"), "/environment/MODE", "refers to ${FAST}"),
                Arguments.of("parameter twice", valid("parameters", "[{\"name\": \"LEVEL\"}, {\"name\": \"LEVEL\"}]"), "/parameters/1/name", "'LEVEL' is declared twice (also /parameters/0)"),
                Arguments.of("required parameter with default", valid("parameters", "[{\"name\": \"LEVEL\", \"required\": true, \"default\": \"3\"}]"), "/parameters/0", "is required and has a default"),
                Arguments.of("parameter reserved", valid("parameters", "[{\"name\": \"CONVEYOR_INPUT\"}]"), "/parameters/0/name", "is reserved"),
                Arguments.of("parameter without name", valid("parameters", "[{\"required\": true}]"), "/parameters/0", "required property 'name' not found"),
                Arguments.of("parameter also in environment", valid("parameters", "[{\"name\": \"LEVEL\"}]").replace("\"resources\"", "\"environment\": {\"LEVEL\": \"1\"}, \"resources\""), "/parameters/0/name", "is also set in /environment"),
                Arguments.of("port listed twice", valid("ports", "[{\"port\": 80}, {\"port\": 80, \"protocol\": \"tcp\"}]"), "/ports/1", "port 80/tcp is listed twice (also /ports/0)"),
                Arguments.of("command too long", valid("command", "[\"wc\", \"" + "x".repeat(2500) + "\", \"" + "y".repeat(2500) + "\"]"), "/command", "is 5002 characters long; at most 4096"),
                Arguments.of("command string with comment", valid("command", "\"wc ${CONVEYOR_INPUT} # count\""), "/command", "a word starting with '#'"),
                Arguments.of("local environment with a key", valid("local", "{\"environment\": {\"AWS_ACCESS_KEY_ID\": \"AKIAIOSFODNN7EXAMPLE\"}}"), "/local/environment/AWS_ACCESS_KEY_ID", "holds what looks like an AWS access key id"),
                Arguments.of("legacy CPU in units", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\", \"CPU\": 256}", "/CPU", "if it meant ECS CPU units (1024 per vCPU), write 0.25 instead"),
                Arguments.of("port out of range", valid("ports", "[{\"port\": 70000}]"), "/ports/0/port", "maximum value of 65535"),
                Arguments.of("port protocol unknown", valid("ports", "[{\"port\": 80, \"protocol\": \"sctp\"}]"), "/ports/0/protocol", "enumeration"),
                Arguments.of("suffix without dot", valid("input", "{\"suffixes\": [\"csv\"]}"), "/input/suffixes/0", "must be a file name ending that starts with a dot"),
                Arguments.of("bad glob", valid("input", "{\"glob\": \"data/[a-\"}"), "/input/glob", "is not a valid glob"),
                Arguments.of("max size zero", valid("input", "{\"maxSizeMiB\": 0}"), "/input/maxSizeMiB", "minimum value of 1"),
                Arguments.of("then itself", valid("then", "[\"word-count\"]"), "/then/0", "a chain may not lead back to itself"),
                Arguments.of("then bad name", valid("then", "[\"Next Step\"]"), "/then/0", "must be lowercase letters"),
                Arguments.of("local unknown field", valid("local", "{\"runtime\": \"docker\"}"), "/local/runtime", "unknown field 'runtime'"),
                Arguments.of("local undeclared placeholder", valid("local", "{\"command\": [\"wc\", \"${X}\"]}"), "/local/command/1", "refers to ${X}"),
                Arguments.of("mixed formats", valid("container_name", "\"example/x\""), "", "mixes legacy fields [container_name] with current ones"),
                Arguments.of("legacy unknown field", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"x\", \"gpu\": 1}", "/gpu", "unknown field 'gpu'"),
                Arguments.of("legacy without command", "{\"name\": \"x\", \"container_name\": \"a/b:1\"}", "", "needs a command: run_command, or executable_path (or executable)"),
                Arguments.of("legacy memory minimal over suggested", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"run $input $output\", \"memory\": {\"minimal\": 512, \"suggested\": 256}}", "/memory/minimal", "is 512 MiB, more than memory.suggested (256 MiB)"),
                Arguments.of("legacy embedded $input", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"run --in=$input $output\"}", "/run_command", "word 2 '--in=$input' holds $input or $output inside a word"),
                Arguments.of("legacy variable without name", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r\", \"user_specified_environment_variables\": [{\"required\": true}]}", "/user_specified_environment_variables/0", "required property 'name' not found"),
                Arguments.of("legacy unknown instance type", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\", \"instance_type\": \"z1.tiny\"}", "/instance_type", "unknown instance type 'z1.tiny'"),
                Arguments.of("legacy too much memory for its type", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input\", \"instance_type\": \"t2.micro\", \"memory\": {\"suggested\": 4096}}", "/memory", "more than t2.micro"),
                Arguments.of("legacy CPU zero", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r\", \"CPU\": 0}", "/CPU", "exclusive minimum value of 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void validate_malformedDescriptor_reportsItsSpecificError(String name, String json, String path, String message) {
        // When
        Validation validation = VALIDATOR.validate("algorithms/x.json", json.getBytes(StandardCharsets.UTF_8));

        // Then nothing is accepted, and the error names the path and the rule
        assertThat(validation.valid()).isFalse();
        assertThat(validation.accepted()).isEmpty();
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains(message);
        });
    }

    @Test
    void validate_severalFaults_reportsAllOfThemAtOnce() {
        String json = "{\"name\": \"Bad Name\", \"image\": \"busybox:1\", \"command\": [], \"colour\": 1,"
                + " \"resources\": {\"vcpu\": 0, \"memoryMiB\": 1}}";

        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        assertThat(validation.errors()).extracting(Problem::path)
                .containsExactly("/colour", "/command", "/name", "/resources/memoryMiB", "/resources/vcpu");
    }

    @Test
    void validate_bundledExample_isValidAndNormalized() throws Exception {
        byte[] json = Files.readAllBytes(Path.of("..", "algorithms", "word-count.json"));

        Validation validation = VALIDATOR.validate("algorithms/word-count.json", json);

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.format()).isEqualTo(DescriptorFormat.CURRENT);
        Descriptor descriptor = validation.descriptor();
        assertThat(descriptor.command()).hasSize(3).startsWith("sh", "-c");
        assertThat(descriptor.resources().cpuUnits()).isEqualTo(256);
        assertThat(descriptor.retries()).isEqualTo(2);
        assertThat(validation.sha256()).hasSize(64).isEqualTo(Digests.sha256(json));
    }

    @Test
    void validate_stringCommand_isSplitWithoutAShell() {
        String json = valid("command", "\"python3 /app/run.py --title 'Q3 report' \\\"${CONVEYOR_INPUT}\\\"\"");

        Descriptor descriptor = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8)).descriptor();

        assertThat(descriptor.command()).containsExactly("python3", "/app/run.py", "--title", "Q3 report", "${CONVEYOR_INPUT}");
    }

    @Test
    void validate_untaggedOrLatestImage_isValidWithAWarning() {
        assertThat(VALIDATOR.validate("x.json", valid("image", "\"my/img:v1.0-RC\"").getBytes(StandardCharsets.UTF_8))
                .valid()).as("uppercase tag").isTrue();
        for (String image : List.of("busybox", "busybox:latest", "registry.example.com:5000/tools/busybox")) {
            Validation validation = VALIDATOR.validate("x.json", valid("image", "\"" + image + "\"").getBytes(StandardCharsets.UTF_8));

            assertThat(validation.valid()).as(image).isTrue();
            assertThat(validation.warnings()).as(image).singleElement()
                    .satisfies(warning -> assertThat(warning.path()).isEqualTo("/image"));
        }
    }

    @Test
    void validate_legacyChange123_convertsToTheEquivalentCurrentDescriptor() throws Exception {
        // Given the original tool's example: image example/change123, memory 50/128, one required
        // variable, one port, an empty instance type
        byte[] json = Files.readAllBytes(Path.of("..", "algorithms", "legacy-change123.json"));

        // When
        Validation validation = VALIDATOR.validate("algorithms/legacy-change123.json", json);

        // Then
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.format()).isEqualTo(DescriptorFormat.LEGACY);
        Descriptor descriptor = validation.descriptor();
        assertThat(descriptor.name()).isEqualTo("change123");
        assertThat(descriptor.image()).isEqualTo("example/change123");
        assertThat(descriptor.command()).containsExactly("sh", "/change123.sh", "${CONVEYOR_INPUT}",
                "${CONVEYOR_OUTPUT_DIR}/Result-change123-${CONVEYOR_INPUT_NAME}");
        assertThat(descriptor.input().folder()).isEqualTo("/data/input");
        assertThat(descriptor.resources()).isEqualTo(new Descriptor.Resources(1, 128, 0));
        assertThat(descriptor.instanceTypes()).containsExactly("t2.micro");
        assertThat(descriptor.parameters()).containsExactly(new Descriptor.Parameter("CHANGE_TOKEN", true, null, null));
        assertThat(descriptor.ports()).containsExactly(new Descriptor.Port(8080, "tcp"));
        assertThat(validation.warnings()).extracting(Problem::path)
                .contains("/container_name", "/input_file_path", "/output_file_path", "/instance_type");
    }

    @Test
    void validate_legacyNameAndExecutableOnly_isNormalizedWithWarnings() {
        String json = "{\"name\": \"Change_123\", \"container_name\": \"example/change123:2\", \"executable_path\": \"/run.sh\","
                + " \"sequence_run\": \"word-count\"}";

        Validation validation = VALIDATOR.validate("x.json", json.getBytes(StandardCharsets.UTF_8));

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().name()).isEqualTo("change-123");
        // The result keeps the name as written, as the original tool named it
        assertThat(validation.descriptor().command()).containsExactly("/run.sh", "${CONVEYOR_INPUT}",
                "${CONVEYOR_OUTPUT_DIR}/Result-Change_123-${CONVEYOR_INPUT_NAME}");
        assertThat(validation.descriptor().then()).containsExactly("word-count");
        assertThat(validation.warnings()).extracting(Problem::path).contains("/name", "/executable_path");
    }
}
