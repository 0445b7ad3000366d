package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private static final Path EXAMPLES = InvokeIT.HOME.resolve("algorithms");

    record Run(int exit, List<String> out, List<String> err) {
    }

    static Run validate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("validate"));
        command.addAll(List.of(args));
        int exit = Conveyor.run(command, Environment.of(Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    static String write(Path dir, String name, String json) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file.toString();
    }

    static String descriptor(String name, String extra) {
        return "{\"name\": \"" + name + "\", \"image\": \"busybox:1.36\", \"command\": [\"wc\"],"
                + " \"resources\": {\"vcpu\": 1, \"memoryMiB\": 256}" + extra + "}";
    }

    @Test
    void validate_bundledExamplesInBothFormats_areOk() {
        String current = EXAMPLES.resolve("word-count.json").toString();
        String legacy = EXAMPLES.resolve("legacy-change123.json").toString();

        Run run = validate(current, legacy);

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("OK " + current, "OK " + legacy);
        assertThat(run.out()).anySatisfy(line -> assertThat(line).startsWith(legacy + ": /instance_type: warning:"));
    }

    @Test
    void validate_invalidFile_printsEachErrorWithFileAndPathAndExitsOne(@TempDir Path dir) throws Exception {
        String bad = write(dir, "bad.json", "{\"name\": \"Bad\", \"image\": \"busybox:1\", \"command\": [],"
                + " \"resources\": {\"vcpu\": 1, \"memoryMiB\": 64}}");
        String good = write(dir, "good.json", descriptor("good", ""));

        Run run = validate(bad, good);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsExactly(
                bad + ": /command: must be a non-empty array of strings (at most 256, each at most 4096 characters) or a non-empty string (at most 8192 characters)",
                bad + ": /name: must be lowercase letters, digits and dashes, at most 64 characters, starting and ending with a letter or digit",
                bad + ": /resources/memoryMiB: must have a minimum value of 128",
                "OK " + good);
    }

    @Test
    void validate_placeholderInsideAShellScript_printsThePathAndTheSafeFormAndExitsOne(@TempDir Path dir) throws Exception {
        // Given the adversarial probe's descriptor (issue 15): the key pasted into an sh -c script
        String probe = write(dir, "probe.json", "{\"name\": \"probe\", \"image\": \"busybox:1.36\", \"command\": "
                + "[\"sh\", \"-c\", \"wc ${CONVEYOR_INPUT}\"], \"resources\": {\"vcpu\": 1, \"memoryMiB\": 256}}");

        // When
        Run run = validate(probe);

        // Then it is no longer accepted silently
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).singleElement().satisfies(line -> assertThat(line)
                .startsWith(probe + ": /command/2: puts ${CONVEYOR_INPUT} inside a shell script")
                .contains("use \"$CONVEYOR_INPUT\" (the environment variable, in double quotes) instead of "
                        + "${CONVEYOR_INPUT} inside a shell script"));
    }

    @Test
    void validate_unreadableFile_exitsTwoAndStillChecksTheOthers(@TempDir Path dir) throws Exception {
        String good = write(dir, "good.json", descriptor("good", ""));

        Run run = validate(dir.resolve("missing.json").toString(), good);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).containsExactly("conveyor: cannot read " + dir.resolve("missing.json") + ": no such file");
        assertThat(run.out()).containsExactly("OK " + good);
    }

    @Test
    void validate_filesTogether_catchSharedNamesAndChainsLeadingBack(@TempDir Path dir) throws Exception {
        String a = write(dir, "a.json", descriptor("a", ", \"then\": [\"b\"]"));
        String b = write(dir, "b.json", descriptor("b", ", \"then\": [\"a\"]"));
        String copy = write(dir, "copy.json", descriptor("a", ""));

        Run run = validate(a, b, copy);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsExactly(
                a + ": /then/0: leads back to 'a' through a → b → a",
                b + ": /then/0: leads back to 'b' through b → a → b",
                copy + ": /name: 'a' is also the name in " + a + "; names are unique");
    }

    @Test
    void validateExplain_printsTheNormalizedDescriptorAndTheWrappedTaskDefinitionAsJson() throws Exception {
        String legacy = EXAMPLES.resolve("legacy-change123.json").toString();

        Run run = validate("--explain", legacy);

        assertThat(run.exit()).isZero();
        assertThat(run.err()).first().isEqualTo("OK " + legacy);
        JsonNode explained = Json.mapper().readTree(String.join("\n", run.out()));
        assertThat(explained.path("format").asText()).isEqualTo("legacy");
        assertThat(explained.path("descriptor").path("command").toString())
                .isEqualTo("[\"sh\",\"/change123.sh\",\"${CONVEYOR_INPUT}\",\"${CONVEYOR_OUTPUT_DIR}/Result-change123-${CONVEYOR_INPUT_NAME}\"]");
        JsonNode definition = explained.path("taskDefinition");
        assertThat(definition.path("family").asText()).isEqualTo("<stack>-change123");
        assertThat(definition.path("containerDefinitions")).extracting(c -> c.path("name").asText())
                .containsExactly("stage-in", "algorithm", "stage-out");
        assertThat(definition.path("containerDefinitions").get(1).path("image").asText()).isEqualTo("example/change123");
    }

    @Test
    void validate_noFiles_isAUsageError() {
        Run run = validate();

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).first().asString().startsWith("conveyor validate: missing required parameter: 'FILE|DIR'");
    }

    @Test
    void validate_thenNamingNoDescriptorGivenOrBeside_isAnErrorAtItsPath(@TempDir Path dir) throws Exception {
        String a = write(dir, "a.json", descriptor("a", ", \"then\": [\"b\", \"nowhere\"]"));
        write(dir, "b.json", descriptor("b", ""));

        Run run = validate(a);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).containsExactly(a + ": /then/1: 'nowhere' is no valid descriptor given or in the same"
                + " folder; validate the descriptors of a chain together (conveyor validate DIR)");
    }

    @Test
    void validate_folder_validatesItsDescriptorsTogether(@TempDir Path dir) throws Exception {
        String a = write(dir, "a.json", descriptor("a", ", \"then\": [\"b\"]"));
        String b = write(dir, "b.json", descriptor("b", ""));
        write(dir, "notes.txt", "not a descriptor");

        Run run = validate(dir.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).containsExactly("OK " + a, "OK " + b);
    }

    @Test
    void validate_explainOfSeveralFiles_printsOneJsonArray(@TempDir Path dir) throws Exception {
        String a = write(dir, "a.json", descriptor("a", ""));
        String b = write(dir, "b.json", descriptor("b", ""));

        Run run = validate("--explain", a, b);

        JsonNode explained = Json.mapper().readTree(String.join("\n", run.out()));
        assertThat(explained.isArray()).isTrue();
        assertThat(explained).extracting(node -> node.path("file").asText()).containsExactly(a, b);
        assertThat(explained.get(1).path("descriptor").path("name").asText()).isEqualTo("b");
    }
}
