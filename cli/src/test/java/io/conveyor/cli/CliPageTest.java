package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.conveyor.cli.docs.CliPage;
import io.conveyor.cli.docs.DocsLinks;
import io.conveyor.cli.docs.Markdown;
import io.conveyor.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import java.util.stream.Stream;

/**
 * docs/cli.md and the command line agree: every command and option the CLI accepts is documented,
 * every one documented is accepted, and every {@code ./conveyor} command line in the docs uses only
 * accepted ones. What the CLI accepts is {@link Conveyor#COMMANDS} and each command's {@code OPTIONS},
 * the lists its parser refuses anything outside of; {@link #options_eachListedOne_isParsedByItsCommand}
 * shows each listed one really is parsed.
 */
class CliPageTest {

    private static final Path PAGE = Markdown.HOME.resolve("docs/cli.md");
    /** An option no command accepts, put after the one under test so that parsing stops there. */
    private static final String PROBE = "--conveyor-docs-probe";

    /** The options every command takes (picocli's standard help), documented once on the page's help section. */
    static final List<String> STANDARD = List.of("--help", "-h", "--version", "-V");

    /**
     * Each command with the options it accepts, as its picocli declaration says (the parser refuses
     * any other); help with the standard options.
     */
    static Map<String, List<String>> accepted() {
        Map<String, List<String>> accepted = new LinkedHashMap<>();
        CommandLine cli = Conveyor.commandLine(Environment.of(Map.of()), System.out, System.err);
        cli.getSubcommands().forEach((name, command) -> {
            if (!name.equals("help")) {
                accepted.put(name, command.getCommandSpec().options().stream().flatMap(option -> Stream.of(option.names()))
                        .filter(option -> !STANDARD.contains(option)).toList());
            }
        });
        accepted.put("help", STANDARD);
        return accepted;
    }

    record Run(int exit, String err) {
    }

    private static Run conveyor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Conveyor.run(List.of(args), Environment.of(Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void accepted_commands_areEveryCommandTheCliDispatches() {
        // Given the commands the CLI dispatches, and help
        List<String> dispatched = new ArrayList<>(Conveyor.commands());
        dispatched.add("help");

        // When
        Set<String> listed = accepted().keySet();

        // Then this test knows each one's options (a new command must be added above)
        assertThat(listed).containsExactlyInAnyOrderElementsOf(dispatched);
    }

    @Test
    void cliPage_commandsAndOptions_areExactlyTheAcceptedOnes() throws IOException {
        // Given the page
        Map<String, Set<String>> documented = CliPage.documented(Markdown.read(PAGE));

        // When it is held against what the CLI accepts
        List<String> mismatches = CliPage.mismatches(documented, accepted());

        // Then nothing is missing either way
        assertThat(mismatches).isEmpty();
        assertThat(documented.get("local")).contains("--inbox", "--once");
    }

    /** A command line run to see whether the CLI takes an option: the option, or null for the command alone. */
    record Probe(String command, String option, Run run) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void options_eachListedOne_isParsedByItsCommand() {
        // Given each command alone, and with each option it lists, a value and an option no command
        // accepts, which stops the parsing before any work is done
        List<Probe> probes = new ArrayList<>();

        // When each is run
        accepted().forEach((command, options) -> {
            if (!command.equals("help")) {
                probes.add(new Probe(command, null, conveyor(command, PROBE)));
                options.forEach(option -> probes.add(new Probe(command, option, conveyor(command, option, "x", PROBE))));
            }
        });

        // Then each command is known, and each option was taken: the command line failed on a later word
        assertThat(probes).hasSizeGreaterThan(accepted().size());
        for (Probe probe : probes) {
            String line = probe.command() + (probe.option() == null ? "" : " " + probe.option());
            assertThat(probe.run().exit()).as(line).isEqualTo(2);
            assertThat(probe.run().err()).as(line).doesNotContain("unknown command");
            if (probe.option() != null) {
                assertThat(probe.run().err()).as(line).doesNotStartWith("conveyor: unknown option " + probe.option() + "\n");
            }
        }
    }

    @Test
    void run_unlistedCommandOrOption_isRefused() {
        // Given words no list holds
        // When they are given
        Run command = conveyor("nope");
        Run option = conveyor("local", PROBE);

        // Then they are refused as the probes above rely on
        assertThat(command.err()).startsWith("conveyor: unknown command 'nope'");
        assertThat(option.err()).startsWith("conveyor: unknown option " + PROBE);
        assertThat(List.of(command.exit(), option.exit())).containsOnly(2);
    }

    @Test
    void commands_eachName_isItsCommandsOwn() {
        // Given the names run() builds a single command by
        // When each is made and read as picocli reads it
        List<String> wrong = new ArrayList<>();
        Conveyor.COMMANDS.forEach((name, entry) -> {
            Object command = entry.maker().make(Path.of("."), Environment.of(Map.of()), System.out, System.err);
            CommandLine declared = new CommandLine(command);
            if (!declared.getCommandName().equals(name)) {
                wrong.add(name + " makes " + declared.getCommandName());
            }
            if (!entry.summary().equals(declared.getCommandSpec().usageMessage().description()[0])) {
                wrong.add(name + ": help's summary is not its description's first line");
            }
        });

        // Then a name always builds the command of that name, which help describes as it describes itself
        assertThat(wrong).isEmpty();
        assertThat(Conveyor.COMMANDS).hasSize(16);
    }

    @Test
    void help_everyCommandAndOption_isDescribed() {
        // Given every command's declaration
        CommandLine cli = Conveyor.commandLine(Environment.of(Map.of()), System.out, System.err);
        List<String> undescribed = new ArrayList<>();

        // When each command and option is looked at
        cli.getSubcommands().forEach((name, command) -> {
            if (command.getCommandSpec().usageMessage().description().length == 0) {
                undescribed.add(name);
            }
            command.getCommandSpec().options().stream()
                    .filter(option -> option.description().length == 0 || option.description()[0].isBlank())
                    .forEach(option -> undescribed.add(name + " " + option.longestName()));
        });

        // Then --help has something to say about each
        assertThat(cli.getSubcommands()).containsKeys("jobs", "show", "logs", "cancel", "retry", "watch", "submit",
                "register", "fleet", "algorithms");
        assertThat(undescribed).isEmpty();
    }

    @Test
    void docs_conveyorCommandLines_useOnlyAcceptedCommandsAndOptions() throws IOException {
        // Given every ./conveyor command line of the docs
        List<CliPage.CommandLine> lines = new ArrayList<>();
        for (Path file : DocsLinks.files(Markdown.HOME)) {
            lines.addAll(CliPage.commandLines(Markdown.read(file)));
        }
        Map<String, List<String>> accepted = accepted();

        // When each is held against what the CLI accepts
        List<String> wrong = new ArrayList<>();
        for (CliPage.CommandLine line : lines) {
            String command = STANDARD.contains(line.command()) ? "help" : line.command();
            if (!accepted.containsKey(command)) {
                wrong.add(line.where() + ": no command '" + line.command() + "'");
                continue;
            }
            line.options().stream().filter(option -> !accepted.get(command).contains(option))
                    .forEach(option -> wrong.add(line.where() + ": " + command + " takes no " + option));
        }

        // Then all of them would run (and there are some: the README's demo at least)
        assertThat(wrong).isEmpty();
        assertThat(lines).extracting(CliPage.CommandLine::command).contains("demo", "local", "validate", "invoke");
    }

    @Test
    void mismatches_pageMissingAnOptionAndACommandAndDocumentingOthers_namesEach(@TempDir Path dir) throws IOException {
        // Given a page that forgets --once and validate, and documents --watch and a sandbox command
        Path page = dir.resolve("cli.md");
        Files.writeString(page, """
                # The `conveyor` command

                ## `conveyor local`

                | option | meaning |
                | --- | --- |
                | `--inbox DIR` | the inbox |
                | `--watch` | not an option |

                Prose mentioning `--once` is no documentation of it.

                ## `conveyor sandbox`

                ## Exit codes
                """);
        Map<String, List<String>> accepted = Map.of("local", List.of("--inbox", "--once"), "validate", List.of("--explain"));

        // When
        List<String> mismatches = CliPage.mismatches(CliPage.documented(Markdown.read(page)), accepted);

        // Then
        assertThat(mismatches).containsExactlyInAnyOrder(
                "conveyor local --once: accepted, not documented",
                "conveyor local --watch: documented, not accepted",
                "conveyor validate: accepted, not documented",
                "conveyor sandbox: documented, not accepted");
    }

    @Test
    void commandLines_codeBlocksAndSpans_giveCommandAndOptions(@TempDir Path dir) throws IOException {
        // Given a doc with a wrapped usage line, a commented one, a pipe and a code span
        Path doc = dir.resolve("doc.md");
        Files.writeString(doc, """
                ```sh
                ./conveyor local [--inbox DIR] [--cpus N]
                                 [--runtime process|docker] [--once]
                ./conveyor validate a.json   # --not-an-option in a comment
                ./conveyor demo | head -n 3
                ```

                Run `./conveyor validate --explain a.json` or `./conveyor` itself.
                """);

        // When
        List<CliPage.CommandLine> lines = CliPage.commandLines(Markdown.read(doc));

        // Then
        assertThat(lines).extracting(CliPage.CommandLine::command, CliPage.CommandLine::options).containsExactly(
                tuple("local", List.of("--inbox", "--cpus", "--runtime", "--once")),
                tuple("validate", List.of()),
                tuple("demo", List.of()),
                tuple("validate", List.of("--explain")));
    }
}
