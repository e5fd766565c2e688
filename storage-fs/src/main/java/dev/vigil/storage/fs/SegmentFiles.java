package dev.vigil.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The on-disk format of a {@link SegmentLog}: segment file names, the 16-byte segment header ({@code VIGILSEG},
 * format version, segment number), and record positions packed in a {@code long} (segment number in the high 24
 * bits, offset in the low 40).
 */
final class SegmentFiles {
    static final byte[] SEGMENT_MAGIC = "VIGILSEG".getBytes(StandardCharsets.US_ASCII);
    static final int SEGMENT_HEADER = 16;
    static final int FORMAT_VERSION = 1;
    private static final long OFFSET_MASK = (1L << 40) - 1;

    private SegmentFiles() {}

    static long position(int segment, long offset) {
        return ((long) segment << 40) | offset;
    }

    static int segmentOf(long position) {
        return (int) (position >>> 40);
    }

    static long offsetOf(long position) {
        return position & OFFSET_MASK;
    }

    static String fileName(int segment) {
        return String.format("%010d.seg", segment);
    }

    /**
     * @param report where removed leftover {@code .tmp} files are reported; null to leave them alone
     * @return the numbers of the segment files in the directory, ascending (none if it does not exist)
     */
    static List<Integer> segmentNumbers(Path dir, RecoveryReport.Builder report) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return numbers;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{10}\\.seg")) {
                    numbers.add(Integer.parseInt(name.substring(0, 10)));
                } else if (name.endsWith(".tmp") && report != null) {
                    report.add(RecoveryReport.Kind.LEFTOVER_TEMP_FILE, p, -1,
                            "removed an unfinished temporary file left by a crash");
                    Files.deleteIfExists(p);
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    /** @return whether the bytes (at least {@link #SEGMENT_HEADER} of them) start with a valid segment header */
    static boolean headerValid(byte[] b) {
        for (int i = 0; i < SEGMENT_MAGIC.length; i++) {
            if (b[i] != SEGMENT_MAGIC[i]) {
                return false;
            }
        }
        return ByteBuffer.wrap(b, 8, 4).getInt() == FORMAT_VERSION;
    }

    /** @return the header of segment {@code n}, ready to write */
    static ByteBuffer header(int n) {
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        h.put(SEGMENT_MAGIC).putInt(FORMAT_VERSION).putInt(n).flip();
        return h;
    }
}
