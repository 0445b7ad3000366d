package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conveyor register} and {@code conveyor algorithms} on a local outbox, with pipeline files. */
class RegisterPipelinesLocalTest {

    private static final String WC = "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"wc\"],"
            + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}}";

    @Test
    void register_localPipeline_checkedAgainstTheFolderAndCopiedInWhenValid(@TempDir Path dir) throws Exception {
        // Given an algorithms folder with wc, a pipeline over it and one over an algorithm not there
        Files.createDirectories(dir.resolve("algorithms"));
        Files.createDirectories(dir.resolve("outbox/jobs"));
        Files.writeString(dir.resolve("algorithms/wc.json"), WC);
        Path good = Files.writeString(dir.resolve("scan.json"), "{\"pipeline\": \"scan\", \"steps\": [{\"name\": \"a\","
                + " \"algorithm\": \"wc\"}]}");
        Path bad = Files.writeString(dir.resolve("other.json"), "{\"pipeline\": \"other\", \"steps\": [{\"name\": \"a\","
                + " \"algorithm\": \"gone\"}]}");
        String outbox = dir.resolve("outbox").toString();

        // When both are registered, and the algorithms listed
        CommandRun run = CommandRun.of(Map.of(), List.of("register", good.toString(), bad.toString(), "--outbox", outbox));
        CommandRun listed = CommandRun.of(Map.of(), List.of("algorithms", "--outbox", outbox));

        // Then the valid one is copied in under its name, the other names its error, and the listing
        // shows the algorithm only (a pipeline is not an algorithm)
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.lines()).contains("ACCEPTED  " + good + "  -> scan", "REJECTED  " + bad);
        assertThat(run.out()).contains("/steps/0/algorithm: 'gone' is no valid descriptor in");
        assertThat(dir.resolve("algorithms/scan.json")).exists();
        assertThat(dir.resolve("algorithms/other.json")).doesNotExist();
        assertThat(listed.out()).contains("wc").doesNotContain("INVALID");
    }
}
