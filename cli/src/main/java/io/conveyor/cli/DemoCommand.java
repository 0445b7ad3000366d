package io.conveyor.cli;

import io.conveyor.local.LocalSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code conveyor demo}: the bundled examples (descriptors and sample inputs) in a fresh workspace,
 * run once through the local mode, ending with a table of the jobs.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = DemoCommand.SUMMARY)
final class DemoCommand implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Run the bundled example algorithms on their sample inputs, on this machine.";

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    DemoCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws UsageException {
        Path examples = home.resolve("algorithms");
        try {
            // One workspace, replaced by each demo: demos do not pile up in the temporary folder.
            Path workspace = Path.of(System.getProperty("java.io.tmpdir"), "conveyor-demo-"
                    + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_"));
            if (Files.exists(workspace, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(workspace, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(workspace + " is in the way: not a folder");
                }
                try (Stream<Path> old = Files.walk(workspace)) {
                    for (Path path : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(workspace);
            Path algorithms = Files.createDirectories(workspace.resolve("algorithms"));
            try (Stream<Path> files = Files.list(examples)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Files.copy(file, algorithms.resolve(file.getFileName()));
                }
            }
            Path samples = examples.resolve("samples");
            try (Stream<Path> walk = Files.walk(samples)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    Path target = workspace.resolve("inbox").resolve(samples.relativize(file));
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
            err.println("conveyor demo: the bundled examples in " + workspace);
            LocalSettings settings = new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), algorithms,
                    Runtime.getRuntime().availableProcessors(), 4096, Duration.ofMillis(100), Duration.ofMillis(50));
            int exit = new LocalCommand(home, out, err).run(settings, true, Progress.terminal());
            out.println();
            out.println("Outputs and job records: " + workspace.resolve("outbox"));
            return exit;
        } catch (IOException e) {
            throw new UsageException("cannot set up the demo: " + e.getMessage(), e);
        }
    }
}
