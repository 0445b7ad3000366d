package io.conveyor.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor under the local mode's process starts: the same command over the same files, N at a time, started as
 * the local mode starts an algorithm (the JDK's {@link ProcessBuilder}, standard input from {@code /dev/null},
 * standard output and error each read to its end by a virtual thread) and nothing else: no job, record, copy or log.
 * The local-loop benchmark times it as a whole process beside {@code ./conveyor local} and {@code xargs}, with the
 * launcher's JVM flags, so that what is left of a run's time is Conveyor's own.
 *
 * <p>Usage: {@code SpawnFloor N PROGRAM ARG...} with the files, NUL-separated, on standard input; each file is the
 * last argument of one run of {@code PROGRAM ARG...}. Exits 1 when a run exits other than 0.
 */
public final class SpawnFloor {

    private SpawnFloor() {
    }

    public static void main(String[] args) throws Exception {
        int parallel = Integer.parseInt(args[0]);
        List<String> program = List.of(args).subList(1, args.length);
        String[] files = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).split("\0");
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<Integer>> runs = new ArrayList<>();
        for (String file : files) {
            List<String> command = new ArrayList<>(program);
            command.add(file);
            runs.add(pool.submit(() -> run(command)));
        }
        int failed = 0;
        for (Future<Integer> run : runs) {
            failed += run.get() == 0 ? 0 : 1;
        }
        pool.shutdown();
        if (failed > 0) {
            System.err.println(failed + " of " + files.length + " runs exited other than 0");
            System.exit(1);
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Thread out = Thread.ofVirtual().start(() -> drain(process.getInputStream()));
        Thread err = Thread.ofVirtual().start(() -> drain(process.getErrorStream()));
        int exit = process.waitFor();
        out.join();
        err.join();
        return exit;
    }

    private static void drain(InputStream in) {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The process ended under the read: nothing more to drain.
        }
    }
}
