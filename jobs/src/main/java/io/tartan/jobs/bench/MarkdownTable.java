package io.tartan.jobs.bench;

import java.util.ArrayList;
import java.util.List;

/** A GitHub-flavoured Markdown table, built row by row, as the benchmark figures in docs/bench/ are written. */
final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable(String... header) {
        this.header = List.of(header);
    }

    MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(format(c));
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** Doubles get 3 significant decimals below 10 and 1 above; NaN (not measured) prints as a dash. */
    static String format(Object c) {
        if (c instanceof Double d) {
            if (d.isNaN()) {
                return "–";
            }
            return Math.abs(d) >= 10 ? String.format("%.1f", d) : String.format("%.3f", d);
        }
        if (c instanceof Float f) {
            return format(f.doubleValue());
        }
        return c == null ? "–" : c.toString();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", header)).append(" |\n");
        b.append("|").append("---|".repeat(header.size())).append("\n");
        for (List<String> r : rows) {
            b.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return b.toString();
    }
}
