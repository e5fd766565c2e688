package dev.vigil.cli;

import dev.vigil.spi.store.Store;
import java.io.PrintWriter;

/**
 * The line a command prints after reading a store that held rows it could not decode (a damaged row, or one a newer
 * version wrote): they were skipped, each logged once with its id, and the rest was read.
 */
final class SkippedRowsNote {

    private SkippedRowsNote() {}

    /**
     * @param out where the command prints
     * @param s the store it read, still open
     */
    static void print(PrintWriter out, Store s) {
        long n = s.skippedRows();
        if (n > 0) {
            out.println(text(n));
        }
    }

    /** @param n rows skipped @return the note */
    static String text(long n) {
        return "Skipped " + n + " unreadable stored row" + (n == 1 ? "" : "s") + " (each logged once with its id).";
    }
}
