package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.local.FileJobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local mode through {@code ./conveyor}, as a person runs it: the demo, and a run killed in the
 * middle and started again.
 */
class LocalModeIT {

    private static final Path HOME = InvokeIT.HOME;

    private static Process start(Path dir, String name, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(HOME.resolve("conveyor").toString());
        builder.command().addAll(List.of(args));
        return builder.directory(dir.toFile()).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    private static int finish(Process process) throws Exception {
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("finished in time").isTrue();
        return process.exitValue();
    }

    @Test
    void demo_onAFreshCheckout_runsEveryBundledExample(@TempDir Path dir) throws Exception {
        int exit = finish(start(dir, "demo", "demo"));

        List<String> table = Files.readAllLines(dir.resolve("demo.out"));
        assertThat(exit).as(Files.readString(dir.resolve("demo.err"))).isZero();
        assertThat(table.get(0)).startsWith("JOB").contains("ALGORITHM", "STATUS", "DURATION", "OUTPUT");
        assertThat(table.stream().filter(line -> line.startsWith("job-")).toList()).hasSize(9)
                .allSatisfy(line -> assertThat(line).contains(" SUCCEEDED "));
        // the text-report pipeline's batch: its two files counted, then one gather over both, nothing left open
        assertThat(table.stream().filter(line -> line.contains("outbox/outputs/text-report/week-1/")).toList())
                .hasSize(3).anySatisfy(line -> assertThat(line).contains(" concatenate ").endsWith("/report.txt"));
        assertThat(Files.readString(dir.resolve("demo.err")) + Files.readString(dir.resolve("demo.out")))
                .doesNotContain("still open");
    }

    private static void slowWorkspace(Path dir, int jobs, int seconds) throws Exception {
        Files.createDirectories(dir.resolve("algorithms"));
        Files.writeString(dir.resolve("algorithms/slow.json"), """
                {"name": "slow", "image": "busybox:1.36", "retries": 0,
                 "command": ["sh", "-c", "sleep %d; echo \\"$CONVEYOR_INPUT\\" >> \\"$DONE_LOG\\"; cp \\"$CONVEYOR_INPUT\\" \\"$CONVEYOR_OUTPUT_DIR\\""],
                 "environment": {"DONE_LOG": "%s"},
                 "resources": {"vcpu": 1, "memoryMiB": 128}}
                """.formatted(seconds, dir.resolve("done.log")));
        for (int i = 0; i < jobs; i++) {
            Path input = dir.resolve("inbox/slow/input-" + i + ".txt");
            Files.createDirectories(input.getParent());
            Files.writeString(input, "input " + i);
        }
    }

    private static void assertEachJobCompletedOnce(Path dir, int jobs) throws Exception {
        List<JobRecord> records = new FileJobStore(dir.resolve("outbox/jobs")).all();
        assertThat(records).hasSize(jobs).extracting(JobRecord::state).containsOnly(JobState.SUCCEEDED);
        Map<String, Long> completions = Files.readAllLines(dir.resolve("done.log"), StandardCharsets.UTF_8).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(completions).hasSize(jobs).allSatisfy((input, times) -> assertThat(times).as(input).isEqualTo(1L));
    }

    private static void awaitCompletions(Path dir, int count) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(dir.resolve("done.log")) && Files.readAllLines(dir.resolve("done.log")).size() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " jobs completed in 30 s");
    }

    @Test
    void local_killedMidRunAndStartedAgain_completesEveryJobOnceAndNoneTwice(@TempDir Path dir) throws Exception {
        // Given four 6-second jobs, two at a time (two CPUs, one per job)
        slowWorkspace(dir, 4, 6);
        Process first = start(dir, "first", "local", "--once", "--cpus", "2");
        awaitCompletions(dir, 2);
        Thread.sleep(1000);

        // When the process dies without warning while two jobs run, and is started again
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int exit = finish(start(dir, "second", "local", "--once", "--cpus", "2"));

        // Then every job completed, each exactly once: the interrupted ones were ended and run again
        assertThat(exit).as(Files.readString(dir.resolve("second.err"))).isZero();
        assertEachJobCompletedOnce(dir, 4);
        assertThat(Files.readString(dir.resolve("second.err"))).contains("resumed: the previous run stopped while this job ran");
    }

    @Test
    void local_stoppedLikeCtrlC_leavesNothingRunningAndResumes(@TempDir Path dir) throws Exception {
        slowWorkspace(dir, 4, 2);
        Process first = start(dir, "first", "local", "--cpus", "2");
        awaitCompletions(dir, 2);
        Thread.sleep(500);

        long stopping = System.nanoTime();
        first.destroy();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopping)).as("stops promptly").isLessThan(10);
        Thread.sleep(2500);
        long completedWhileStopped = Files.readAllLines(dir.resolve("done.log")).size();
        int exit = finish(start(dir, "second", "local", "--once", "--cpus", "2"));

        assertThat(completedWhileStopped).as("no job of the stopped run went on").isLessThan(4);
        assertThat(exit).isZero();
        assertEachJobCompletedOnce(dir, 4);
    }

    @Test
    void local_ctrlCInATerminal_endsRunningJobsAndTheNextRunResumesThemUncounted(@TempDir Path dir) throws Exception {
        // Given a run in a process group of its own, as a shell's foreground job is, its two jobs running
        // (no retries: a counted interruption would fail them)
        slowWorkspace(dir, 2, 4);
        ProcessBuilder builder = new ProcessBuilder("setsid", HOME.resolve("conveyor").toString(), "local", "--cpus", "2");
        Process first = builder.directory(dir.toFile()).redirectOutput(dir.resolve("first.out").toFile())
                .redirectError(dir.resolve("first.err").toFile()).start();
        List<JobRecord> running = awaitRunning(dir, 2);
        // (the algorithms run in that group, started directly by the JVM, which the launcher started with SIGINT
        // ignored: they inherit it; nothing but that keeps the SIGINT below from them)
        assertThat(running).allSatisfy(job -> assertThat(sigintIgnored(job.pid())).as("SIGINT ignored by " + job.id())
                .isTrue());

        // When Ctrl-C is pressed: SIGINT to every process of the terminal's foreground group
        assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + first.pid()).start().waitFor()).isZero();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).as("stops").isTrue();

        // Then the algorithms are ended, their jobs left for the next run, which completes them uncounted
        assertThat(running).allSatisfy(job -> assertThat(ProcessHandle.of(job.pid()).map(ProcessHandle::isAlive)
                .orElse(false)).as("process of " + job.id()).isFalse());
        assertThat(new FileJobStore(dir.resolve("outbox/jobs")).all()).extracting(JobRecord::state)
                .as(Files.readString(dir.resolve("first.err"))).containsOnly(JobState.RUNNING);
        int exit = finish(start(dir, "second", "local", "--once", "--cpus", "2"));
        assertThat(exit).as(Files.readString(dir.resolve("second.err"))).isZero();
        assertEachJobCompletedOnce(dir, 2);
        assertThat(new FileJobStore(dir.resolve("outbox/jobs")).all()).extracting(JobRecord::attempt).containsOnly(1);
    }

    /** Whether the process ignores SIGINT, as /proc says (bit 2 of SigIgn). */
    private static boolean sigintIgnored(long pid) throws Exception {
        String sigIgn = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        return (Long.parseUnsignedLong(sigIgn, 16) & 0b10) != 0;
    }

    private static List<JobRecord> awaitRunning(Path dir, int count) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.isDirectory(dir.resolve("outbox/jobs"))) {
                List<JobRecord> running = new FileJobStore(dir.resolve("outbox/jobs")).all().stream()
                        .filter(job -> job.state() == JobState.RUNNING && job.pid() != null).toList();
                if (running.size() >= count) {
                    return running;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " jobs ran in 30 s");
    }
}
