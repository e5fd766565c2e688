package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: left-aligned text columns, right-aligned columns as asked, two spaces between. */
final class Table {

    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param header column titles; a title starting with '>' is right-aligned (the '>' is not printed)
     */
    Table(String... header) {
        this.header = new String[header.length];
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].startsWith(">");
            this.header[i] = right[i] ? header[i].substring(1) : header[i];
        }
    }

    Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /**
     * Prints the table, or {@code whenEmpty} as a line when it has no rows.
     *
     * @param out where to
     * @param whenEmpty what to say instead of an empty table
     */
    void printOr(PrintWriter out, String whenEmpty) {
        if (isEmpty()) {
            out.println(whenEmpty);
        } else {
            print(out);
        }
    }

    void print(PrintWriter out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        line(out, header, w);
        for (String[] r : rows) {
            line(out, r, w);
        }
        out.flush();
    }

    private void line(PrintWriter out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            String pad = " ".repeat(w[i] - c.length());
            sb.append(right[i] ? pad + c : (i == cells.length - 1 ? c : c + pad));
            if (i + 1 < cells.length) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
