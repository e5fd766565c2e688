package dev.vigil.cli;

import java.io.PrintWriter;

/**
 * A status line that updates in place on a terminal ({@code \r}, cleared to the end of the line) and, when the
 * output is not a terminal (a pipe, a log, a test), prints a plain line at most every {@code quietEveryMillis}.
 */
final class LiveLine {

    private final PrintWriter out;
    private final boolean terminal;
    private final long quietEveryMillis;
    private long lastPlain;
    private int lastLength;

    LiveLine(PrintWriter out, boolean terminal, long quietEveryMillis) {
        this.out = out;
        this.terminal = terminal;
        this.quietEveryMillis = quietEveryMillis;
    }

    /** @return true when standard output is an interactive terminal */
    static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null;
    }

    /** Shows a new status. */
    synchronized void update(String text, long nowMillis) {
        if (terminal) {
            String padded = text + " ".repeat(Math.max(0, lastLength - text.length()));
            out.print("\r" + padded);
            out.flush();
            lastLength = text.length();
        } else if (nowMillis - lastPlain >= quietEveryMillis) {
            out.println(text);
            out.flush();
            lastPlain = nowMillis;
        }
    }

    /** Leaves the last status on its own line. */
    synchronized void finish(String text) {
        if (terminal) {
            update(text, 0);
            out.println();
        } else {
            out.println(text);
        }
        out.flush();
        lastLength = 0;
    }

    /**
     * @param done how far
     * @param total out of
     * @param width characters
     * @return a bar like {@code [#########.........]}
     */
    static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, Math.round((double) width * done / total));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
