package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process side of the local mode: standard error's tail, and ending what a crashed run left. */
class LocalProcessRunnerTest {

    @TempDir
    Path dir;

    @Test
    void run_longStandardError_keepsItsLastBytesForTheRecordAndBothStreamsInTheLog() throws Exception {
        // Given an algorithm that writes a line to standard output and a long standard error
        String written = "early line\n".repeat(300) + "the real error: no such column\n";
        Path stderr = Files.writeString(dir.resolve("written.txt"), written);
        Path log = dir.resolve("logs/algorithm.log");

        // When it runs
        LocalProcessRunner.Result result = new LocalProcessRunner().run(List.of("sh", "-c",
                "echo to-stdout; cat written.txt >&2; exit 3"), Map.of(), dir, Duration.ofSeconds(20), log, (p, s) -> { });

        // Then the record's tail is the end of standard error, and the log holds both streams
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderrTail()).isEqualTo(written.substring(written.length()
                - LocalProcessRunner.STDERR_TAIL_BYTES).strip()).endsWith("the real error: no such column");
        assertThat(Files.readAllLines(log)).contains("to-stdout", "the real error: no such column").hasSize(302);
        assertThat(stderr).exists();
    }

    @Test
    void run_anyAlgorithm_runsInAProcessGroupOfItsOwnOutOfReachOfTheTerminalsCtrlC() throws Exception {
        // Given an algorithm that says its process id and its process group
        Path log = dir.resolve("algorithm.log");

        // When it runs
        new LocalProcessRunner().run(List.of("sh", "-c", "echo $$ $(ps -o pgid= -p $$)"), Map.of(), dir,
                Duration.ofSeconds(20), log, (p, s) -> { });

        // Then it leads a group of its own: a SIGINT to the JVM's group (Ctrl-C) does not reach it
        String[] said = Files.readString(log).strip().split("\\s+");
        String jvmGroup = new String(new ProcessBuilder("ps", "-o", "pgid=", "-p", Long.toString(ProcessHandle.current()
                .pid())).start().getInputStream().readAllBytes()).strip();
        assertThat(said[1]).isEqualTo(said[0]).isNotEqualTo(jvmGroup);
    }

    @Test
    void run_jvmIgnoringSigint_startsTheCommandItselfInTheJvmsGroup() throws Exception {
        // Given a runner told that this JVM ignores SIGINT (as ./conveyor local starts it), and an algorithm
        // that says its process id, its parent's and its process group
        Path log = dir.resolve("algorithm.log");

        // When it runs
        new LocalProcessRunner(true).run(List.of("sh", "-c", "echo $$ $PPID $(ps -o pgid= -p $$)"), Map.of(), dir,
                Duration.ofSeconds(20), log, (p, s) -> { });

        // Then no setsid stood between: the JVM is its parent and it stays in the JVM's group, where the
        // SIGINT the JVM ignores is ignored by it too
        String[] said = Files.readString(log).strip().split("\\s+");
        long jvm = ProcessHandle.current().pid();
        String jvmGroup = new String(new ProcessBuilder("ps", "-o", "pgid=", "-p", Long.toString(jvm)).start()
                .getInputStream().readAllBytes()).strip();
        assertThat(said[1]).isEqualTo(Long.toString(jvm));
        assertThat(said[2]).isEqualTo(jvmGroup).isNotEqualTo(said[0]);
    }

    @Test
    void startOf_process_isWhenTheSystemSaysItStarted() {
        ProcessHandle self = ProcessHandle.current();

        assertThat(LocalProcessRunner.startOf(self)).isEqualTo(self.info().startInstant().orElseThrow().toString());
    }

    @Test
    void killStale_processStartedWhenRecorded_isEndedWithItsChildren() throws Exception {
        // Given a process (a shell and its child) that a crashed run left
        Process left = new ProcessBuilder("sh", "-c", "sleep 30 & wait").start();
        ProcessHandle child = awaitChild(left.toHandle());

        // When the next run ends it by its pid and recorded start
        LocalProcessRunner.killStale(left.pid(), LocalProcessRunner.startOf(left.toHandle()));

        // Then both are gone
        assertThat(left.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void killStale_pidThatStartedAtAnotherTime_isLeftAlone() throws Exception {
        // Given a process whose pid a record names, but with another start time (the pid was reused)
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            // When the next run looks for the recorded process
            LocalProcessRunner.killStale(other.pid(), "2020-01-01T00:00:00Z");
            LocalProcessRunner.killStale(other.pid(), null);

            // Then the process that has the pid now runs on
            assertThat(other.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
        } finally {
            other.destroyForcibly();
        }
    }

    static ProcessHandle awaitChild(ProcessHandle parent) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            var children = parent.children().toList();
            if (!children.isEmpty()) {
                return children.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no child of " + parent.pid());
    }
}
