package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.descriptor.Descriptor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code conveyor algorithms [NAME]}: what can be used, and what its authors must fix. */
@Command(name = "algorithms", mixinStandardHelpOptions = true,
        description = AlgorithmsCommand.SUMMARY)
final class AlgorithmsCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "What is registered: names, revisions, images, accepted inputs, parameters, last errors.";

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "one algorithm, in full")
    String name;

    AlgorithmsCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        List<Algorithm> algorithms = target.algorithms().stream()
                .filter(algorithm -> name == null || name.equals(algorithm.name())).toList();
        if (name != null && algorithms.isEmpty()) {
            err.println("conveyor algorithms: no algorithm '" + name + "' in " + target.describe());
            return 1;
        }
        if (json()) {
            printJson(name == null ? algorithms : algorithms.get(0));
            return 0;
        }
        if (name != null) {
            Algorithm a = algorithms.get(0);
            out.println(a.name() + "  " + a.status() + (a.revision() == null ? "" : "  revision " + a.revision()));
            line("description", a.description());
            line("image", a.image());
            line("accepts", a.accepts());
            for (Descriptor.Parameter parameter : a.parameters()) {
                line("parameter", parameter.name() + (parameter.required() ? " (required)" : "")
                        + (parameter.defaultValue() == null ? "" : " = " + parameter.defaultValue())
                        + (parameter.description() == null ? "" : "  " + parameter.description()));
            }
            line("then", a.then().isEmpty() ? null : String.join(", ", a.then()));
            line("descriptor", a.source());
            line("registered", a.registered());
            a.errors().forEach(error -> line("error", error));
            return 0;
        }
        Table table = new Table("ALGORITHM", "STATUS", "REVISION", "IMAGE", "ACCEPTS", "PARAMETERS", "ERRORS");
        for (Algorithm a : algorithms) {
            table.row(a.name(), a.status(), a.revision() == null ? null : a.revision().substring(0, 12), a.image(),
                    a.accepts(), a.parameters().isEmpty() ? null : String.join(",", a.parameters().stream()
                            .map(p -> p.name() + (p.defaultValue() == null ? "" : "=" + p.defaultValue())).toList()),
                    a.errors().isEmpty() ? null : a.errors().size() + ": " + a.errors().get(0));
        }
        if (table.isEmpty()) {
            err.println("no algorithms in " + target.describe());
        } else {
            table.print(out);
        }
        return 0;
    }

    private void line(String label, String value) {
        if (value != null) {
            out.printf("  %-12s %s%n", label, value);
        }
    }
}
