package io.conveyor.cli.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Markdown file as the docs tests read it: headings and the anchors GitHub gives them, sections,
 * tables, links and code, with fenced code kept apart from prose.
 */
public final class Markdown {

    /** The repository's root, found as the other cli tests find it. */
    public static final Path HOME = Path.of(System.getProperty("conveyor.home", "..")).toAbsolutePath().normalize();

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)\\s*(\\S*)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\|(\\s*:?-+:?\\s*\\|)+\\s*$");

    /**
     * One line of the file.
     *
     * @param text     the line
     * @param language the fence's language for a line of fenced code ({@code ""} when the fence names
     *                 none), {@code null} for prose
     */
    public record Line(String text, String language) {

        /** Whether the line is fenced code. */
        public boolean code() {
            return language != null;
        }
    }

    /** A table: its header cells and its rows' cells, trimmed. */
    public record Table(List<String> header, List<List<String>> rows) {

        /** The index of a header cell, or -1. */
        public int column(String name) {
            return header.indexOf(name);
        }
    }

    private final Path file;
    private final List<Line> lines;

    private Markdown(Path file, List<Line> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Reads a Markdown file. */
    public static Markdown read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        String fence = null;
        for (String text : Files.readAllLines(file)) {
            Matcher opening = FENCE.matcher(text);
            if (fence == null && opening.find()) {
                fence = opening.group(2);
                continue;
            }
            if (fence != null && FENCE.matcher(text).find()) {
                fence = null;
                continue;
            }
            lines.add(new Line(text, fence));
        }
        return new Markdown(file, List.copyOf(lines));
    }

    public Path file() {
        return file;
    }

    public List<Line> lines() {
        return lines;
    }

    /** The anchors GitHub gives the headings: their slugs, a repeated one with {@code -1}, {@code -2}... */
    public Set<String> anchors() {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Line line : lines) {
            Matcher heading = line.code() ? null : HEADING.matcher(line.text());
            if (heading != null && heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** GitHub's slug of a heading: lowercase, only letters, digits, {@code _}, {@code -} and spaces, spaces as dashes. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** The texts of the headings of one level ({@code 2} for {@code ##}). */
    public List<String> headings(int level) {
        return lines.stream().filter(line -> !line.code())
                .map(line -> HEADING.matcher(line.text()))
                .filter(heading -> heading.matches() && heading.group(1).length() == level)
                .map(heading -> heading.group(2)).toList();
    }

    /**
     * The lines under a heading, up to the next heading of the same or a higher level.
     *
     * @throws IllegalArgumentException when the file has no such heading, so that a renamed section
     *                                  fails a test instead of leaving it nothing to check
     */
    public List<Line> section(String heading) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher start = lines.get(i).code() ? null : HEADING.matcher(lines.get(i).text());
            if (start != null && start.matches() && start.group(2).equals(heading)) {
                int level = start.group(1).length();
                int end = i + 1;
                while (end < lines.size()) {
                    Matcher next = lines.get(end).code() ? null : HEADING.matcher(lines.get(end).text());
                    if (next != null && next.matches() && next.group(1).length() <= level) {
                        break;
                    }
                    end++;
                }
                return lines.subList(i + 1, end);
            }
        }
        throw new IllegalArgumentException(file + " has no heading '" + heading + "'");
    }

    /** The tables among some lines. */
    public static List<Table> tables(List<Line> lines) {
        List<Table> tables = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).code() || !lines.get(i).text().startsWith("|")
                    || !TABLE_SEPARATOR.matcher(lines.get(i + 1).text()).matches()) {
                continue;
            }
            List<String> header = cells(lines.get(i).text());
            List<List<String>> rows = new ArrayList<>();
            int row = i + 2;
            for (; row < lines.size() && !lines.get(row).code() && lines.get(row).text().startsWith("|"); row++) {
                rows.add(cells(lines.get(row).text()));
            }
            tables.add(new Table(header, rows));
            i = row - 1;
        }
        return tables;
    }

    private static List<String> cells(String row) {
        String inner = row.trim().replaceAll("^\\|", "").replaceAll("(?<!\\\\)\\|$", "");
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.trim().replace("\\|", "|"));
        }
        return cells;
    }

    /** The contents of the code spans of a text ({@code `a`} gives {@code a}). */
    public static List<String> codeSpans(String text) {
        List<String> spans = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(text);
        while (span.find()) {
            spans.add(span.group(1));
        }
        return spans;
    }

    /** The targets of the inline links in the prose (links may wrap across lines; code spans hold none). */
    public List<String> links() {
        String prose = lines.stream().filter(line -> !line.code()).map(Line::text).collect(Collectors.joining("\n"));
        Matcher link = LINK.matcher(CODE_SPAN.matcher(prose).replaceAll(""));
        List<String> targets = new ArrayList<>();
        while (link.find()) {
            targets.add(link.group(1));
        }
        return targets;
    }
}
