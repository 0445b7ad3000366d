package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.config.Environment;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotoSiteCustomizeTest {

    @TempDir
    Path work;

    @Test
    void pythonPath_noneSet_isTheFolderAlone() {
        Path folder = work.resolve("moto-python");

        String pythonPath = MotoSiteCustomize.pythonPath(folder, Environment.of(Map.of()));

        assertThat(pythonPath).isEqualTo(folder.toAbsolutePath().toString());
    }

    @Test
    void pythonPath_oneSet_putsTheFolderFirstAndKeepsTheRest() {
        Path folder = work.resolve("moto-python");

        String pythonPath = MotoSiteCustomize.pythonPath(folder, Environment.of(Map.of("PYTHONPATH", "/opt/a:/opt/b")));

        assertThat(pythonPath).isEqualTo(folder.toAbsolutePath() + File.pathSeparator + "/opt/a:/opt/b");
    }

    @Test
    void pythonPath_relativeFolder_madeAbsolute() {
        String pythonPath = MotoSiteCustomize.pythonPath(Path.of("work", "moto-python"), Environment.of(Map.of()));

        assertThat(pythonPath).isEqualTo(Path.of("work", "moto-python").toAbsolutePath().toString());
    }

    @Test
    void write_missingFolderAndAnOldScript_folderMadeAndScriptReplacedByTheBundledOne() throws Exception {
        Path folder = work.resolve("a/moto-python");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("sitecustomize.py"), "old");

        Path written = MotoSiteCustomize.write(folder);

        byte[] bundled;
        try (InputStream in = MotoSiteCustomize.class.getResourceAsStream("sitecustomize.py")) {
            bundled = in.readAllBytes();
        }
        assertThat(written).isEqualTo(folder);
        assertThat(Files.readAllBytes(folder.resolve("sitecustomize.py"))).isEqualTo(bundled);
        assertThat(new String(bundled, java.nio.charset.StandardCharsets.UTF_8)).contains("InstanceTrackerMeta");
    }
}
