package io.conveyor.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relative links between README.md, CONTRIBUTING.md and docs/**.md lead to a file that exists and,
 * with an {@code #anchor}, to one of its headings.
 */
class DocsLinksTest {

    @Test
    void broken_projectDocs_findsNone() throws IOException {
        // Given the project's docs
        Path root = Markdown.HOME;

        // When their links are followed
        var broken = DocsLinks.broken(root);

        // Then every one arrives, and the pages the README points to were among those read
        assertThat(broken).isEmpty();
        assertThat(DocsLinks.files(root)).extracting(file -> root.relativize(file).toString().replace('\\', '/'))
                .contains("README.md", "CONTRIBUTING.md", "docs/users.md", "docs/authors.md", "docs/descriptor.md",
                        "docs/cli.md", "docs/operators.md", "docs/design/layout.md", "docs/design/testing.md",
                        "docs/design/decisions.md");
    }

    @Test
    void broken_missingFileAnchorAndWayOut_namesEachAndNoGoodLink(@TempDir Path root) throws IOException {
        // Given a README whose links reach a missing file, a missing heading, a file outside the
        // repository, and also, across a line break, a good file and heading and a web page
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/users.md"), "# Users\n\n## Job states\n");
        Files.writeString(root.resolve("README.md"), """
                # Conveyor

                See [the users' page](docs/users.md), [its
                states](docs/users.md#job-states), [AWS](https://aws.amazon.com/) and `[not a](link.md)`.
                Broken: [gone](docs/gone.md), [no heading](docs/users.md#job-status), [away](../elsewhere.md).

                ```
                [in code](code.md)
                ```
                """);

        // When
        var broken = DocsLinks.broken(root);

        // Then
        assertThat(broken).containsExactly(
                "README.md: docs/gone.md (no such file)",
                "README.md: docs/users.md#job-status (no such heading)",
                "README.md: ../elsewhere.md (outside the repository)");
    }

    @Test
    void anchors_headingsWithCodeAndPunctuation_areGitHubsSlugs(@TempDir Path root) throws IOException {
        // Given headings as the docs write them
        Path page = root.resolve("page.md");
        Files.writeString(page, """
                # The `conveyor` command
                ## `conveyor local`
                ## Success, failure and retries
                ## Idle shutdown: the alarm's own EC2 stop action
                ### 1. An empty folder
                ## Success, failure and retries
                """);

        // When
        var anchors = Markdown.read(page).anchors();

        // Then
        assertThat(anchors).containsExactly("the-conveyor-command", "conveyor-local", "success-failure-and-retries",
                "idle-shutdown-the-alarms-own-ec2-stop-action", "1-an-empty-folder", "success-failure-and-retries-1");
    }
}
