package io.conveyor.cli.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docs/cli.md documents (a {@code ## `conveyor COMMAND`} section per command, its options in the
 * first cells of the section's table), what the docs' {@code ./conveyor} command lines use, and how
 * either differs from what the CLI accepts.
 */
public final class CliPage {

    private static final Pattern COMMAND_HEADING = Pattern.compile("^`conveyor (\\S+)`$");
    private static final String LAUNCHER = "./conveyor ";

    private CliPage() {
    }

    /** A {@code ./conveyor} command line found in a doc: its command and the options it uses. */
    public record CommandLine(String where, String command, List<String> options) {
    }

    /** The commands the page documents, each with the options its table documents. */
    public static Map<String, Set<String>> documented(Markdown page) {
        Map<String, Set<String>> documented = new LinkedHashMap<>();
        for (String heading : page.headings(2)) {
            Matcher command = COMMAND_HEADING.matcher(heading);
            if (!command.matches()) {
                continue;
            }
            Set<String> options = new LinkedHashSet<>();
            for (Markdown.Table table : Markdown.tables(page.section(heading))) {
                for (List<String> row : table.rows()) {
                    for (String span : Markdown.codeSpans(row.get(0))) {
                        String word = span.split("\\s+")[0];
                        if (word.startsWith("-")) {
                            options.add(word);
                        }
                    }
                }
            }
            documented.put(command.group(1), options);
        }
        return documented;
    }

    /** How the documented commands and options differ from those the CLI accepts. */
    public static List<String> mismatches(Map<String, Set<String>> documented, Map<String, List<String>> accepted) {
        List<String> mismatches = new ArrayList<>();
        accepted.forEach((command, options) -> {
            if (!documented.containsKey(command)) {
                mismatches.add("conveyor " + command + ": accepted, not documented");
                return;
            }
            options.stream().filter(option -> !documented.get(command).contains(option))
                    .forEach(option -> mismatches.add("conveyor " + command + " " + option + ": accepted, not documented"));
            documented.get(command).stream().filter(option -> !options.contains(option))
                    .forEach(option -> mismatches.add("conveyor " + command + " " + option + ": documented, not accepted"));
        });
        documented.keySet().stream().filter(command -> !accepted.containsKey(command))
                .forEach(command -> mismatches.add("conveyor " + command + ": documented, not accepted"));
        return mismatches;
    }

    /**
     * Every {@code ./conveyor ...} command line of a doc, in fenced code (with the indented lines that
     * continue it) and in code spans: the word after {@code ./conveyor} and the words that start with
     * {@code -}, up to a comment, a pipe or the next command.
     */
    public static List<CommandLine> commandLines(Markdown doc) {
        List<CommandLine> found = new ArrayList<>();
        List<Markdown.Line> lines = doc.lines();
        for (int i = 0; i < lines.size(); i++) {
            Markdown.Line line = lines.get(i);
            if (line.code()) {
                if (!line.text().contains(LAUNCHER)) {
                    continue;
                }
                StringBuilder text = new StringBuilder(line.text());
                while (i + 1 < lines.size() && lines.get(i + 1).code() && lines.get(i + 1).text().startsWith(" ")
                        && !lines.get(i + 1).text().isBlank()) {
                    text.append(' ').append(lines.get(++i).text());
                }
                parse(doc.file().getFileName() + ": " + text.toString().trim(), text.toString()).ifPresent(found::add);
            } else {
                for (String span : Markdown.codeSpans(line.text())) {
                    if (span.contains(LAUNCHER)) {
                        parse(doc.file().getFileName() + ": " + span, span).ifPresent(found::add);
                    }
                }
            }
        }
        return found;
    }

    private static Optional<CommandLine> parse(String where, String text) {
        String[] words = text.substring(text.indexOf(LAUNCHER) + LAUNCHER.length()).trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return Optional.empty();
        }
        List<String> options = new ArrayList<>();
        for (int w = 1; w < words.length; w++) {
            String word = words[w].replace("[", "").replace("]", "").replace("\\", "");
            if (word.startsWith("#") || List.of("|", "||", "&&", ";", "&").contains(word)) {
                break;
            }
            if (word.startsWith("-")) {
                options.add(word.split("[=|]")[0]);
            }
        }
        return Optional.of(new CommandLine(where, words[0], options));
    }
}
