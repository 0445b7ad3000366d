package io.conveyor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ./conveyor local} tells the JVM it starts ({@code -Dconveyor.sigint=ignored}): the JVM runs
 * with SIGINT ignored, which every algorithm it starts inherits, and the launcher turns the terminal's
 * Ctrl-C into a SIGTERM to the JVM, whose shutdown is Ctrl-C's. The JVM started any other way (tests,
 * {@code java -jar}) keeps starting algorithms through {@code setsid}.
 */
final class LauncherSignals {

    /** The system property the launcher sets, and its value. */
    static final String PROPERTY = "conveyor.sigint";
    static final String IGNORED = "ignored";

    private LauncherSignals() {
    }

    /**
     * Whether the launcher says SIGINT is ignored here, and the kernel does not say otherwise (where
     * {@code /proc} tells: a property passed by hand to a JVM that handles SIGINT is not believed).
     */
    static boolean sigintIgnored() {
        return IGNORED.equals(System.getProperty(PROPERTY)) && ignoredByThisProcess(Path.of("/proc/self/status"));
    }

    /** Whether a {@code /proc/<pid>/status} file shows SIGINT (2) ignored; true when it cannot tell. */
    static boolean ignoredByThisProcess(Path status) {
        try {
            List<String> lines = Files.readAllLines(status);
            return lines.stream().filter(line -> line.startsWith("SigIgn:")).findFirst()
                    .map(line -> (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 0b10) != 0)
                    .orElse(true);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * When the launcher that waits for this JVM is gone (killed without warning: it could pass nothing
     * on), ends the JVM at once, as a kill would have ended it when the launcher exec'd it: the next run
     * finds the outbox free and resumes the jobs.
     */
    static void haltWhenLauncherGone() {
        long launcher = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        Thread.ofVirtual().name("launcher-watch").start(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == launcher) {
                try {
                    Thread.sleep(Duration.ofMillis(100));
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(137);
        });
    }
}
