package io.conveyor.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README.md is the front door: at most 10 KB, and the two commands it shows are the ones a
 * newcomer runs, the second being what CI runs.
 */
class ReadmeTest {

    static final long MAX_BYTES = 10_240;
    static final String DEMO = "./conveyor demo";
    static final String TESTS = "./mvnw verify";

    private static final Path README = Markdown.HOME.resolve("README.md");

    /** The shell lines of the README's "The two commands" section. */
    static List<String> twoCommands(Markdown readme) {
        return readme.section("The two commands").stream()
                .filter(line -> "sh".equals(line.language()))
                .map(line -> line.text().trim())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    @Test
    void readme_size_isAtMostTenKibibytes() throws IOException {
        // Given the README
        // When its size is measured
        long bytes = Files.size(README);

        // Then it fits in 10 KB
        assertThat(bytes).as("README.md bytes").isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void readme_twoCommands_areTheDemoAndTheTests() throws IOException {
        // Given the README
        Markdown readme = Markdown.read(README);

        // When its two commands are read
        List<String> commands = twoCommands(readme);

        // Then they are the demo and the test command, nothing else to type
        assertThat(commands).containsExactly(DEMO, TESTS);
    }

    @Test
    void ciRun_testStep_runsTheReadmesTestCommand() throws IOException {
        // Given the README's test command and what CI runs
        String testCommand = twoCommands(Markdown.read(README)).get(1);
        List<String> ciLines = Files.readAllLines(Markdown.HOME.resolve(".ci/run")).stream()
                .map(String::trim)
                .filter(line -> !line.startsWith("#"))
                .toList();

        // When
        boolean ciRunsIt = ciLines.contains(testCommand);

        // Then CI runs exactly that command, as a line of its own
        assertThat(ciRunsIt).as(".ci/run runs '" + testCommand + "'").isTrue();
    }
}
