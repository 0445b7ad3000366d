package io.conveyor.local;

import java.io.IOException;
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
 * standard output and error to one bounded log file, out of reach of the terminal's Ctrl-C (SIGINT ignored,
 * inherited from the JVM or set up by {@link #detached}), killed with all its children when it runs past its timeout.
 * This isolates nothing: the algorithm runs as the current user.
 */
public final class LocalProcessRunner {

    /** How much of the end of standard error a failed job keeps in its record. */
    static final int STDERR_TAIL_BYTES = 2048;

    private final int headBytes;
    private final int tailBytes;
    private final boolean sigintIgnored;

    /** A runner whose attempts' logs keep their first and last MiB. */
    public LocalProcessRunner() {
        this(false);
    }

    /**
     * A runner whose attempts' logs keep their first and last MiB; {@code sigintIgnored}: this JVM was
     * started with SIGINT ignored (as {@code ./conveyor local} starts it), which every command it starts
     * inherits, so a command is started as it is, without {@code setsid}.
     */
    public LocalProcessRunner(boolean sigintIgnored) {
        this(BoundedLog.DEFAULT_HEAD_BYTES, BoundedLog.DEFAULT_TAIL_BYTES, sigintIgnored);
    }

    /** A runner whose attempts' logs keep their first {@code headBytes} and last {@code tailBytes}. */
    LocalProcessRunner(int headBytes, int tailBytes) {
        this(headBytes, tailBytes, false);
    }

    private LocalProcessRunner(int headBytes, int tailBytes, boolean sigintIgnored) {
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
        this.sigintIgnored = sigintIgnored;
    }

    /** What one attempt did. */
    public record Result(int exitCode, boolean timedOut, String stderrTail, long startedAtNanos) {
    }

    /**
     * Runs the command and waits for it, its standard output and error both into {@code log} (bounded,
     * see {@link BoundedLog}).
     *
     * @param onStart told the process id and start time as soon as the process exists
     * @throws IOException when the program cannot be started (not found, not executable)
     */
    public Result run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
                      Path log, BiConsumer<Long, String> onStart) throws IOException, InterruptedException {
        return run(command, environment, workDir, timeout, log, null, onStart);
    }

    /**
     * Runs the command and waits for it, its standard output into {@code stdout} and its standard error
     * into {@code stderr} (each bounded), as the sandbox's containers keep them apart.
     */
    public Result run(List<String> command, Map<String, String> environment, Path workDir, Duration timeout,
                      Path stdout, Path stderr, BiConsumer<Long, String> onStart) throws IOException, InterruptedException {
        // No terminal input: a tool that reads standard input sees its end at once instead of hanging.
        ProcessBuilder builder = new ProcessBuilder(sigintIgnored ? command : detached(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        requireProgram(command.get(0), builder.environment().get("PATH"), workDir);
        BoundedLog outLog = new BoundedLog(stdout, headBytes, tailBytes);
        BoundedLog errLog = stderr == null ? outLog : new BoundedLog(stderr, headBytes, tailBytes);
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            close(outLog, errLog);
            throw e;
        }
        long started = System.nanoTime();
        StderrTail stderrTail = new StderrTail();
        Thread out = Thread.ofVirtual().start(() -> pump(outLog, process.getInputStream(), null));
        Thread err = Thread.ofVirtual().start(() -> pump(errLog, process.getErrorStream(), stderrTail));
        onStart.accept(process.pid(), startOf(process.toHandle()));
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
            }
            // A child the algorithm left behind may hold its streams open: the log ends with the algorithm.
            out.join(Duration.ofSeconds(2));
            err.join(Duration.ofSeconds(2));
            close(outLog, errLog);
            return finished ? new Result(process.exitValue(), false, stderrTail.text(), started)
                    : new Result(-1, true, stderrTail.text(), started);
        } catch (InterruptedException e) {
            kill(process);
            close(outLog, errLog);
            throw e;
        }
    }

    /**
     * The command, run where the terminal's Ctrl-C cannot reach it when this JVM does not ignore SIGINT
     * already: in a session of its own
     * ({@code setsid}, which execs in place: the process id stays the algorithm's), else with SIGINT
     * ignored (an ignored signal stays ignored across exec). Ctrl-C is then for Conveyor alone, whose
     * shutdown ends the process itself and leaves its job to be resumed, uncounted.
     */
    static List<String> detached(List<String> command) {
        List<String> detached = new java.util.ArrayList<>();
        Path setsid = SETSID.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (setsid != null) {
            detached.add(setsid.toString());
        } else {
            // The script is a constant; the command stays its arguments, never shell text.
            detached.addAll(List.of("/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
        }
        detached.addAll(command);
        return detached;
    }

    /**
     * Fails as starting the program itself would: once wrapped, a missing program would only show as
     * the wrapper's exit code.
     */
    private static void requireProgram(String program, String path, Path workDir) throws IOException {
        boolean found = program.contains("/") ? Files.isExecutable(workDir.resolve(program))
                : path != null && java.util.Arrays.stream(path.split(":")).filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        if (!found) {
            throw new IOException("Cannot run program \"" + program + "\": no such executable"
                    + (program.contains("/") ? "" : " on the PATH"));
        }
    }

    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    private static void close(BoundedLog out, BoundedLog err) throws IOException {
        try (out) {
            if (err != out) {
                err.close();
            }
        }
    }

    private static void pump(BoundedLog log, java.io.InputStream in, java.io.OutputStream also) {
        try (in) {
            log.pump(in, also);
        } catch (IOException e) {
            // The process's end closed the stream under the read: what came before is in the log.
        }
    }

    /** The last bytes of standard error, kept for the job's record. */
    private static final class StderrTail extends java.io.OutputStream {
        private final byte[] bytes = new byte[STDERR_TAIL_BYTES];
        private long count;

        @Override
        public synchronized void write(int b) {
            bytes[(int) (count++ % bytes.length)] = (byte) b;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        synchronized String text() {
            int length = (int) Math.min(count, bytes.length);
            byte[] last = new byte[length];
            for (int i = 0; i < length; i++) {
                last[i] = bytes[(int) ((count - length + i) % bytes.length)];
            }
            return new String(last, StandardCharsets.UTF_8).strip();
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

    /** Ends the process of a crashed run's attempt, and its container, if they still live. */
    static void stopStale(io.conveyor.jobs.JobRecord before, boolean docker) {
        if (before.pid() != null) {
            killStale(before.pid(), before.processStart());
        }
        if (docker) {
            DockerInvocation.remove(DockerInvocation.containerName(before.id(), before.attempt()));
        }
    }
}
