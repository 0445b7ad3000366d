package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JVM believes of the launcher's word that SIGINT is ignored. */
class LauncherSignalsTest {

    @TempDir
    Path dir;

    private Path status(String sigIgn) throws Exception {
        return Files.writeString(dir.resolve("status"), "Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t" + sigIgn
                + "\nSigCgt:\t0000000000004000\n");
    }

    @Test
    void ignoredByThisProcess_sigintBitSet_isTrue() throws Exception {
        // Given a status whose ignored signals are SIGINT (bit 2) and SIGPIPE (bit 13)
        Path status = status("0000000000001002");

        // When read / Then SIGINT is ignored
        assertThat(LauncherSignals.ignoredByThisProcess(status)).isTrue();
    }

    @Test
    void ignoredByThisProcess_onlyOtherSignalsIgnored_isFalse() throws Exception {
        // Given a status ignoring SIGHUP (bit 1) and SIGQUIT (bit 3), not SIGINT
        Path status = status("0000000000000005");

        // When read / Then SIGINT is not ignored: the property alone is not believed
        assertThat(LauncherSignals.ignoredByThisProcess(status)).isFalse();
    }

    @Test
    void ignoredByThisProcess_noStatusToRead_takesTheLaunchersWord() {
        // Given no /proc (another system) / When read / Then the launcher's word stands
        assertThat(LauncherSignals.ignoredByThisProcess(dir.resolve("missing"))).isTrue();
    }

    @Test
    void sigintIgnored_jvmStartedWithoutTheLauncher_isFalse() {
        // Given a JVM the launcher did not start (no property: tests, java -jar)
        String before = System.clearProperty(LauncherSignals.PROPERTY);
        try {
            // When asked / Then algorithms keep going through setsid, whatever this JVM ignores
            assertThat(LauncherSignals.sigintIgnored()).isFalse();
        } finally {
            if (before != null) {
                System.setProperty(LauncherSignals.PROPERTY, before);
            }
        }
    }
}
