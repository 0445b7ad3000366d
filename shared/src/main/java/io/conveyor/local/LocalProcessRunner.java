package io.conveyor.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs one attempt of an algorithm as a local process: no shell, the command as its arguments,
 * standard output and error to files, killed with all its children when it runs past its timeout.
 * This isolates nothing: the algorithm runs as the current user.
 */
public final class LocalProcessRunner {

    /** How much of the end of standard error a failed job keeps in its record. */
    static final int STDERR_TAIL_BYTES = 2048;

    /** What one attempt did. */
    public record Result(int exitCode, boolean timedOut, String stderrTail, long startedAtNanos) {
    }

    /**
     * Runs the command and waits for it.
     *
     * @param onStart told the process id and start time as soon as the process exists
     * @throws IOException when the program cannot be started (not found, not executable)
     */
    public Result run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
                      Path stdout, Path stderr, BiConsumer<Long, String> onStart) throws IOException, InterruptedException {
        // No terminal input: a tool that reads standard input sees its end at once instead of hanging.
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        long started = System.nanoTime();
        onStart.accept(process.pid(), startOf(process.toHandle()));
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
                return new Result(-1, true, tail(stderr), started);
            }
            return new Result(process.exitValue(), false, tail(stderr), started);
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
    }

    /** Ends a process and everything it started. */
    static void kill(Process process) throws InterruptedException {
        killTree(process.toHandle());
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Kills the root first, so that it cannot run one more command (a shell whose child dies goes on
     * to its next line), then everything it had started, as found before the root died.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** When a process started, as recorded; {@code null} when the system does not say. */
    static String startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Object::toString).orElse(null);
    }

    /**
     * Ends the process of a crashed run and its children, if that very process still lives: a pid
     * alone could by now belong to another process, so its start time must match too.
     */
    public static void killStale(long pid, String recordedStart) {
        ProcessHandle.of(pid).filter(handle -> recordedStart != null && recordedStart.equals(startOf(handle)))
                .ifPresent(LocalProcessRunner::killTree);
    }

    static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - STDERR_TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
    }
}
