package io.conveyor.cli;

import io.conveyor.config.Environment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code conveyor} command.
 */
public final class Conveyor {

    static final String USAGE = """
            usage: conveyor COMMAND [ARGS]

            commands:
              demo
                  run the bundled example algorithms on their sample inputs, on this machine
              local [--inbox DIR] [--outbox DIR] [--algorithms DIR] [--cpus N] [--memory MIB]
                    [--runtime process|docker] [--param NAME=VALUE]... [--stable SECONDS] [--once]
                  the whole pipeline on this machine: watches inbox/<algorithm>/ and writes outbox/
              invoke FUNCTION --event FILE [--env-vars FILE] [--template FILE]
                  run a function's handler in this process on an event file, like `sam local invoke`
                  (AWS calls go to AWS_ENDPOINT_URL when set, e.g. a moto server, otherwise to AWS)
              sandbox [--endpoint URL] [--env-file FILE] [--boot-seconds N] [--time-scale F]
                      [--stack NAME] [--template FILE] [--parameter NAME=VALUE]... [--fault NAME=VALUE]...
                      [--staging aws-cli|sdk] [--work DIR]
                  the deployed pipeline on this machine: the stack on an AWS emulator (moto), the real
                  handlers, simulated instances and ECS agent; drive it with the AWS CLI; Ctrl-C stops
              validate [--explain] FILE|DIR...
                  check algorithm descriptors (current or legacy format); --explain also prints the
                  normalized descriptor and the ECS task definition it would register (no AWS)
              help
                  this text
            """;

    /** The commands {@link #run} dispatches: it refuses any other (docs/cli.md documents each). */
    static final List<String> COMMANDS = List.of("demo", "local", "invoke", "validate", "sandbox");

    /** What asks for {@link #USAGE} in place of a command. */
    static final List<String> HELP = List.of("help", "--help", "-h");

    private Conveyor() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), Environment.system(), System.out, System.err));
    }

    /**
     * Runs one command and returns its exit code: 0 done, 1 the work failed, 2 a wrong command line or input.
     */
    static int run(List<String> args, Environment environment, PrintStream out, PrintStream err) {
        if (args.isEmpty() || HELP.contains(args.get(0))) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        Path home = Path.of(System.getProperty("conveyor.home", "."));
        List<String> rest = args.subList(1, args.size());
        try {
            if (!COMMANDS.contains(args.get(0))) {
                throw new UsageException("unknown command '" + args.get(0) + "' (try: conveyor help)");
            }
            return switch (args.get(0)) {
                case "invoke" -> new InvokeCommand(home, environment, out, err).run(rest);
                case "validate" -> new ValidateCommand(out, err).run(rest);
                case "local" -> new LocalCommand(home, out, err).run(rest);
                case "demo" -> new DemoCommand(home, out, err).run(rest);
                case "sandbox" -> new SandboxCommand(home, out, err).run(rest);
                default -> throw new IllegalStateException(args.get(0) + " is in COMMANDS but not dispatched");
            };
        } catch (UsageException e) {
            err.println("conveyor: " + e.getMessage());
            return 2;
        }
    }
}
