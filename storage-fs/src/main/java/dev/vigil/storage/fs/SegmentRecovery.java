package dev.vigil.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The scan of a {@link SegmentLog}'s segments at open: verifies every record and hands the valid ones to a visitor.
 * A damaged tail of the newest segment (a write cut short by a crash) is cut off, its bytes saved in the quarantine
 * directory; damage anywhere else is reported with its segment and offset and the scan resumes at the next valid
 * record. Nothing is changed on disk when the log is opened read-only.
 */
final class SegmentRecovery {

    private SegmentRecovery() {}

    /**
     * Scans segment {@code n} of the log in {@code dir}.
     *
     * @param newest whether it is the newest segment (the only one whose damaged tail may be a torn write)
     */
    static void scanSegment(Path dir, int n, boolean newest, boolean readOnly, RecoveryReport.Builder report,
            Path quarantine, SegmentLog.RecordVisitor visitor) throws IOException {
        Path file = dir.resolve(SegmentFiles.fileName(n));
        byte[] b = Files.readAllBytes(file);
        int len = b.length;
        int pos = SegmentFiles.SEGMENT_HEADER;
        if (len < SegmentFiles.SEGMENT_HEADER || !SegmentFiles.headerValid(b)) {
            if (newest && len < SegmentFiles.SEGMENT_HEADER) {
                // a segment created just before a crash, its header not fully written
                report.add(RecoveryReport.Kind.TORN_TAIL, file, 0, "segment header incomplete (" + len
                        + " bytes); rewritten as an empty segment");
                if (!readOnly) {
                    quarantine(quarantine, file, 0, b, 0, len);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(0);
                        ch.write(SegmentFiles.header(n), 0);
                        ch.force(true);
                    }
                }
                return;
            }
            report.add(RecoveryReport.Kind.CORRUPT, file, 0, "segment header is damaged");
        }
        while (pos < len) {
            int r = RecordFraming.check(b, pos, len - pos);
            if (r > 0) {
                byte[] payload = new byte[r];
                System.arraycopy(b, pos + RecordFraming.HEADER, payload, 0, r);
                visitor.visit(SegmentFiles.position(n, pos), payload);
                pos += RecordFraming.HEADER + r;
                continue;
            }
            int next = resync(b, pos + 1, len);
            if (next >= 0) {
                report.add(RecoveryReport.Kind.CORRUPT, file, pos, "damaged record: " + (next - pos)
                        + " bytes unreadable, records resume at offset " + next);
                pos = next;
                continue;
            }
            if (newest) {
                report.add(RecoveryReport.Kind.TORN_TAIL, file, pos, "incomplete or damaged last record: "
                        + (len - pos) + " bytes cut off" + (readOnly ? " (not cut: opened read-only)" : "")
                        + "; it was never acknowledged");
                if (!readOnly) {
                    quarantine(quarantine, file, pos, b, pos, len - pos);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(pos);
                        ch.force(true);
                    }
                }
            } else {
                report.add(RecoveryReport.Kind.CORRUPT, file, pos, "damaged end of a sealed segment: "
                        + (len - pos) + " bytes unreadable");
            }
            break;
        }
    }

    /** @return the offset of the next valid record at or after {@code from}, or -1 if there is none */
    private static int resync(byte[] b, int from, int len) {
        for (int p = from; p + RecordFraming.HEADER <= len; p++) {
            if (b[p] == 0x56 && b[p + 1] == 0x47 && b[p + 2] == 0x52 && b[p + 3] == 0x31
                    && RecordFraming.check(b, p, len - p) > 0) {
                return p;
            }
        }
        return -1;
    }

    /** Keeps a copy of bytes cut off a file in the quarantine directory (best effort; null: keep none). */
    static void quarantine(Path quarantine, Path file, long offset, byte[] b, int from, int count) {
        if (quarantine == null || count <= 0) {
            return;
        }
        try {
            Files.createDirectories(quarantine);
            Path out = quarantine.resolve(file.getParent().getFileName() + "-" + file.getFileName() + "@" + offset);
            Files.write(out, java.util.Arrays.copyOfRange(b, from, from + count));
        } catch (IOException e) {
            // keeping a copy of damaged bytes is best effort; the report already names them
        }
    }
}
