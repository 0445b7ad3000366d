package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.json.Json;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How long a start's overrides are, counted as ECS counts them (the characters of their JSON), so that
 * a job over ECS's limit is rejected with a reason instead of failing at every start; and the staged
 * input's name.
 */
class TaskOverridesTest {

    static final String JOB = "job-0123456789abcdef01234567";
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36",
             "command": ["wc", "${CONVEYOR_INPUT}", "--job", "${CONVEYOR_JOB_ID}"],
             "environment": {"REPORT": "${CONVEYOR_OUTPUT_DIR}/report.txt", "PLAIN": "yes"},
             "parameters": [{"name": "NOTE", "default": "none"}],
             "resources": {"vcpu": 1, "memoryMiB": 512}}""";

    @Test
    void length_oneMoreCharacterInAValue_countsWhatItsJsonTakes() {
        // Given a start whose note is one letter
        int base = TaskOverrides.length(start(WORD_COUNT, "inputs/word-count/a.txt", Map.of("NOTE", "a")));

        // When one character more is in the note, Then it counts as JSON writes it
        assertThat(grownBy("b") - base).as("a letter").isEqualTo(1);
        assertThat(grownBy(" ") - base).as("a space").isEqualTo(1);
        assertThat(grownBy("\"") - base).as("a quote, escaped").isEqualTo(2);
        assertThat(grownBy("\\") - base).as("a backslash, escaped").isEqualTo(2);
        assertThat(grownBy("\u0001") - base).as("a control character, as \\u0001").isEqualTo(6);
        assertThat(grownBy("\u001f") - base).as("the last control character").isEqualTo(6);
    }

    @Test
    void length_anyStart_isNeverLessThanTheJsonOfItsOverrides() {
        // Given starts with few and many values, plain and odd ones
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            many.put("NOTE" + i, "value \"" + i + "\"\t" + "x".repeat(i * 10));
        }
        List<TaskStart> starts = List.of(
                start(WORD_COUNT, "inputs/word-count/a.txt", Map.of()),
                start(WORD_COUNT, "inputs/word-count/d\u00e9j\u00e0 \"vu\"\\\u0007/" + "k".repeat(300) + ".txt",
                        Map.of("NOTE", "x".repeat(500))),
                start(WORD_COUNT.replace("\"--job\", \"${CONVEYOR_JOB_ID}\"", "\"${CONVEYOR_JOB_ID}\", \"a\", \"b\", \"c\","
                        + " \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"j\", \"k\", \"l\", \"m\", \"n\", \"o\", \"p\""),
                        "inputs/word-count/b.txt", many));

        // Then counting them never says less than ECS will count
        assertThat(starts).allSatisfy(start -> assertThat(TaskOverrides.length(start))
                .isGreaterThanOrEqualTo(json(start).length()));
    }

    @Test
    void length_eachVariableAndCommandWord_countsAtLeastItsJson() {
        TaskStart base = start(WORD_COUNT, "inputs/word-count/a.txt", Map.of("NOTE", "n"));
        TaskStart moreValues = start(WORD_COUNT, "inputs/word-count/a.txt", Map.of("NOTE", "n", "EXTRA", "value"));
        TaskStart moreWords = start(WORD_COUNT.replace("\"--job\"", "\"--job\", \"--verbose\""), "inputs/word-count/a.txt",
                Map.of("NOTE", "n"));

        assertThat(TaskOverrides.length(moreValues) - TaskOverrides.length(base))
                .isGreaterThanOrEqualTo("{\"name\":\"EXTRA\",\"value\":\"value\"},".length());
        assertThat(TaskOverrides.length(moreWords) - TaskOverrides.length(base))
                .isGreaterThanOrEqualTo("\"--verbose\",".length());
    }

    @Test
    void stagedName_nameOfTheLongestLengthAllowed_isKeptWholeAndALongerOneKeepsItsEnd() {
        String longest = "n".repeat(TaskOverrides.MAX_NAME_BYTES - 4) + ".txt";
        String longer = "N" + longest;

        assertThat(TaskOverrides.stagedName("inputs/a/" + longest)).isEqualTo(longest);
        assertThat(TaskOverrides.stagedName("inputs/a/" + longer)).isEqualTo(longest);
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(TaskOverrides.MAX_NAME_BYTES);
    }

    // ------------------------------------------------------------------ fixtures

    int grownBy(String character) {
        return TaskOverrides.length(start(WORD_COUNT, "inputs/word-count/a.txt", Map.of("NOTE", "a" + character)));
    }

    static TaskStart start(String descriptor, String key, Map<String, String> parameters) {
        Descriptor d = new DescriptorValidator().validate("d.json", descriptor.getBytes(StandardCharsets.UTF_8))
                .accepted().orElseThrow();
        return TaskOverrides.of(JOB, 1, "arn:td/word-count:1", "ci-1", d, new ObjectRef("conveyor-in", key), "v1",
                "s3://conveyor-out/outputs/word-count/" + key.substring(key.lastIndexOf('/') + 1) + "/" + JOB + "/",
                parameters);
    }

    /** The overrides as ECS receives them: each container's environment, and the algorithm's command. */
    static String json(TaskStart start) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode containers = root.putArray("containerOverrides");
        start.environment().forEach((name, variables) -> {
            ObjectNode container = containers.addObject().put("name", name);
            ArrayNode environment = container.putArray("environment");
            variables.forEach((key, value) -> environment.addObject().put("name", key).put("value", value));
            if (name.equals(TaskDefinitionWrapper.ALGORITHM)) {
                ArrayNode command = container.putArray("command");
                start.algorithmCommand().forEach(command::add);
            }
        });
        return root.toString();
    }
}
