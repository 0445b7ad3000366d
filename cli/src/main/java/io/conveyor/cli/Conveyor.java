package io.conveyor.cli;

import io.conveyor.config.Environment;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code conveyor} command: one picocli command per verb, each declaring its options (what they
 * accept, their help) in one place. Exit codes: 0 done, 1 the work failed (a job failed, or a job
 * or file was not found), 2 a wrong command line or input.
 */
@Command(name = "conveyor", mixinStandardHelpOptions = true, versionProvider = Conveyor.Version.class,
        description = Conveyor.SUMMARY,
        subcommands = CommandLine.HelpCommand.class,
        footer = {"", "Exit codes: 0 done; 1 a job failed, or a job or file was not found; 2 a wrong command line.",
                "Every command takes --help; `conveyor help COMMAND` says the same."})
public final class Conveyor implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Runs containerized algorithms on files: on AWS, in a sandbox on this machine, or locally.";

    /** Exit code of a command that did what it was asked. */
    public static final int OK = 0;
    /** Exit code when a job failed, or a job or file was not found. */
    public static final int FAILED = 1;
    /** Exit code of a wrong command line or input. */
    public static final int USAGE = 2;

    @Spec
    private CommandSpec spec;

    private Conveyor() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), Environment.system(), System.out, System.err));
    }

    /** Makes one command, given what any command may need. */
    @FunctionalInterface
    public interface Maker {
        Object make(Path home, Environment environment, PrintStream out, PrintStream err);
    }

    /** A command: what help says of it, and how to make it. */
    public record Entry(String summary, Maker maker) {
    }

    /** Every command by name, in the order help lists them (each name is its {@code @Command}'s, a test checks). */
    static final Map<String, Entry> COMMANDS = entries();

    private static Map<String, Entry> entries() {
        Map<String, Entry> all = new LinkedHashMap<>();
        all.put("demo", new Entry(DemoCommand.SUMMARY, (home, environment, out, err) -> new DemoCommand(home, out, err)));
        all.put("local", new Entry(LocalCommand.SUMMARY, (home, environment, out, err) -> new LocalCommand(home, out, err)));
        all.put("validate", new Entry(ValidateCommand.SUMMARY, (home, environment, out, err) -> new ValidateCommand(out, err)));
        all.put("invoke", new Entry(InvokeCommand.SUMMARY, InvokeCommand::new));
        all.put("sandbox", new Entry(SandboxCommand.SUMMARY,
                (home, environment, out, err) -> new SandboxCommand(home, out, err)));
        all.putAll(io.conveyor.cli.jobs.JobCommands.ENTRIES);
        return java.util.Collections.unmodifiableMap(all);
    }

    /**
     * Runs one command line and returns its exit code. Only the command named is built: picocli reads a
     * command's declaration by reflection, tens of milliseconds each, so help lists the others from
     * their summaries alone; {@code help COMMAND} builds that one.
     */
    static int run(List<String> args, Environment environment, PrintStream out, PrintStream err) {
        String first = args.isEmpty() ? null : args.get(0);
        String named = "help".equals(first) && args.size() > 1 ? args.get(1) : first;
        List<String> built = named != null && COMMANDS.containsKey(named) ? List.of(named) : List.of();
        return commandLine(environment, out, err, built).execute(args.toArray(String[]::new));
    }

    /** The whole command tree, writing to {@code out} and {@code err}, reading {@code environment}. */
    static CommandLine commandLine(Environment environment, PrintStream out, PrintStream err) {
        return commandLine(environment, out, err, List.copyOf(COMMANDS.keySet()));
    }

    private static CommandLine commandLine(Environment environment, PrintStream out, PrintStream err,
                                           List<String> commands) {
        Path home = Path.of(System.getProperty("conveyor.home", "."));
        CommandLine cli = new CommandLine(new Conveyor());
        COMMANDS.forEach((name, entry) -> cli.addSubcommand(name, commands.contains(name)
                ? entry.maker().make(home, environment, out, err)
                : new CommandLine(CommandSpec.create().name(name).usageMessage(new UsageMessageSpec().description(
                        entry.summary())))));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((problem, given) -> usageError(problem, err));
        cli.setExecutionExceptionHandler((problem, where, parsed) -> {
            if (problem instanceof UsageException usage) {
                err.println("conveyor: " + usage.getMessage());
                return USAGE;
            }
            throw problem;
        });
        return cli;
    }

    /** The names of the commands (help aside), as {@code conveyor help} lists them. */
    static List<String> commands() {
        return commandLine(Environment.of(java.util.Map.of()), System.out, System.err).getSubcommands().keySet()
                .stream().filter(name -> !name.equals("help")).toList();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    private static int usageError(ParameterException problem, PrintStream err) {
        CommandLine where = problem.getCommandLine();
        String message = problem.getMessage();
        if (problem instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String word = unmatched.getUnmatched().get(0);
            message = word.startsWith("-") ? "unknown option " + word + " (try: " + fullName(where) + " --help)"
                    : where.getParent() == null ? "unknown command '" + word + "' (try: conveyor help)"
                    : "unexpected argument '" + word + "' (try: " + fullName(where) + " --help)";
            err.println("conveyor: " + message);
            return USAGE;
        }
        err.println(prefix(where) + lowerFirst(message) + " (try: " + fullName(where) + " --help)");
        return USAGE;
    }

    private static String prefix(CommandLine where) {
        return where.getParent() == null ? "conveyor: " : fullName(where) + ": ";
    }

    private static String fullName(CommandLine where) {
        return where.getParent() == null ? "conveyor" : "conveyor " + where.getCommandName();
    }

    private static String lowerFirst(String text) {
        return text == null || text.isEmpty() ? "" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    /** What {@code conveyor --version} prints: the build's version, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Conveyor.class.getPackage().getImplementationVersion();
            return new String[] {"conveyor " + (version == null ? "(a development build)" : version),
                    "Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
