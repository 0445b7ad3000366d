package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conveyor local}'s command line: every wrong value named, and nothing written before the
 * folders it needs are known to be there.
 */
class LocalCommandTest {

    @TempDir
    Path dir;

    private CommandRun local(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("local", "--once", "--outbox", dir.resolve("outbox").toString()));
        args.addAll(List.of(options));
        return CommandRun.of(Map.of(), args);
    }

    @Test
    void local_missingInbox_isRefusedBeforeTheOutboxIsMade() throws IOException {
        // Given an algorithms folder, and no inbox
        Files.createDirectories(dir.resolve("algorithms"));

        // When
        CommandRun run = local("--inbox", dir.resolve("no-inbox").toString(), "--algorithms",
                dir.resolve("algorithms").toString());

        // Then it names the folder, exits 2, and wrote nothing
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no-inbox");
        assertThat(dir.resolve("outbox")).doesNotExist();
    }

    @Test
    void local_missingAlgorithms_isRefusedBeforeTheOutboxIsMade() throws IOException {
        Files.createDirectories(dir.resolve("inbox"));

        CommandRun run = local("--inbox", dir.resolve("inbox").toString(), "--algorithms",
                dir.resolve("no-algorithms").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no-algorithms");
        assertThat(dir.resolve("outbox")).doesNotExist();
    }

    @Test
    void local_wrongValues_nameTheOptionAtFault() {
        assertThat(local("--stable", "-1")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--stable", "-1");
        });
        assertThat(local("--stable", "soon").err()).contains("--stable", "soon");
        assertThat(local("--cpus", "0").err()).contains("--cpus");
        assertThat(local("--memory", "0").err()).contains("--memory");
        assertThat(local("--runtime", "podman").err()).contains("--runtime", "podman");
        assertThat(local("--param", "=1")).satisfies(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err()).contains("--param");
        });
        assertThat(local("--param", "threshold").err()).contains("--param", "NAME=VALUE");
        assertThat(dir.resolve("outbox")).doesNotExist();
    }

    @Test
    void help_local_listsEveryOption() {
        CommandRun run = CommandRun.of(Map.of(), List.of("local", "--help"));

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--inbox", "--outbox", "--algorithms", "--cpus", "--memory", "--runtime",
                "--param", "--stable", "--once");
    }
}
