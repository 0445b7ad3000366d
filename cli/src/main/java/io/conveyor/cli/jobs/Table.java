package io.conveyor.cli.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: a header, rows, columns padded to their widest cell; a cell is cut at
 * {@link #MAX_WIDTH} characters with an ellipsis so one long reason does not wrap every line.
 */
final class Table {

    static final int MAX_WIDTH = 60;

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException(header.size() + " cells expected, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell(cell));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, header, widths);
        rows.forEach(row -> line(out, row, widths));
    }

    private static void line(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            text.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + widths[i] + "s  ", cells.get(i)));
        }
        out.println(text.toString().stripTrailing());
    }

    /** A cell's text: {@code -} for nothing, control characters shown as spaces, cut when too long. */
    static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        String text = value.toString().replaceAll("\\p{Cntrl}", " ");
        return text.length() > MAX_WIDTH ? text.substring(0, MAX_WIDTH - 1) + "…" : text;
    }
}
