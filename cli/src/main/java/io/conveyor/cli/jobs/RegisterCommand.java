package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor register DESCRIPTOR…}: hand descriptors (and pipeline files) over and wait for each outcome. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {RegisterCommand.SUMMARY,
                "Prints every error with its path; exit 1 if any was rejected."})
final class RegisterCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Register algorithm descriptors and pipelines: uploaded under algorithms/ on a stack "
                + "(then waits for the register function's outcome), copied into the algorithms folder locally (after "
                + "validation).";

    @Parameters(paramLabel = "DESCRIPTOR", arity = "1..*", description = "descriptor and pipeline files (register a pipeline's algorithms first)")
    List<Path> descriptors = new ArrayList<>();
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait for outcomes (default: ${DEFAULT-VALUE})")
    double timeout = 60;

    RegisterCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        for (Path descriptor : descriptors) {
            if (!Files.isRegularFile(descriptor)) {
                throw new UsageException(descriptor + ": no such file");
            }
            if (!descriptor.getFileName().toString().endsWith(".json")) {
                throw new UsageException(descriptor + ": a descriptor's name ends in .json (registration reads only those)");
            }
        }
        List<Target.Registered> results = target.register(descriptors, Duration.ofMillis(Math.round(timeout * 1000)));
        if (json()) {
            printJson(results);
        } else {
            for (Target.Registered result : results) {
                out.println(result.status() + "  " + result.file() + (result.algorithm() == null ? "" : "  -> "
                        + result.algorithm()));
                result.errors().forEach(error -> out.println("  " + result.file() + ": " + error));
                result.warnings().forEach(warning -> out.println("  " + result.file() + ": warning: " + warning));
            }
        }
        return results.stream().allMatch(r -> List.of("ACCEPTED", "UNCHANGED").contains(r.status())) ? 0 : 1;
    }
}
