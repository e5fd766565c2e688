package dev.vigil.storage.fs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the file store found when it opened: torn tails it cut off, damaged records it could not read, batches
 * that were not completely written, leftovers of a crash. Empty after a clean shutdown.
 *
 * @param findings every finding, in the order found
 */
public record RecoveryReport(List<Finding> findings) {

    /** Freezes. */
    public RecoveryReport {
        findings = List.copyOf(findings);
    }

    /** What kind of thing was found. */
    public enum Kind {
        /** The last record of the newest segment was cut short by a crash; it was cut off (never acknowledged). */
        TORN_TAIL,
        /** A record in the middle of a file is damaged; it is unreadable and was skipped, loudly. */
        CORRUPT,
        /** The records of a batch that was not completely written were dropped (never acknowledged). */
        INCOMPLETE_BATCH,
        /** A temporary file of an unfinished atomic write was removed. */
        LEFTOVER_TEMP_FILE
    }

    /**
     * One finding.
     *
     * @param kind what was found
     * @param file the file
     * @param offset the byte offset in the file, or -1 for the whole file
     * @param detail what it means and what was done
     */
    public record Finding(Kind kind, Path file, long offset, String detail) {
        /** Validates. */
        public Finding {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return kind + " " + file + (offset >= 0 ? " at offset " + offset : "") + ": " + detail;
        }
    }

    /** @return true if nothing was found */
    public boolean isClean() {
        return findings.isEmpty();
    }

    /**
     * @param kind a kind
     * @return the findings of that kind
     */
    public List<Finding> of(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    @Override
    public String toString() {
        if (findings.isEmpty()) {
            return "clean";
        }
        StringBuilder sb = new StringBuilder();
        for (Finding f : findings) {
            sb.append(f).append('\n');
        }
        return sb.toString();
    }

    static final class Builder {
        private final List<Finding> findings = new ArrayList<>();

        synchronized void add(Kind kind, Path file, long offset, String detail) {
            findings.add(new Finding(kind, file, offset, detail));
        }

        synchronized RecoveryReport build() {
            return new RecoveryReport(findings);
        }
    }
}
