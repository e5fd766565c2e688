package dev.vigil.storage.fs;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An append-only log in a directory of segment files {@code 0000000001.seg, 0000000002.seg, ...}, each a
 * 16-byte header ({@code VIGILSEG}, format version, segment number) followed by {@link RecordFraming} records.
 * Appends go to the newest segment, which rolls once it would grow past the size limit; a batch of records never
 * spans two segments. Positions are packed in a {@code long}: segment number in the high 24 bits, offset in the
 * low 40.
 *
 * <p>Not thread-safe for writers (the store serialises them); {@link #read} may run concurrently with appends.
 */
final class SegmentLog implements AutoCloseable {
    static final byte[] SEGMENT_MAGIC = "VIGILSEG".getBytes(StandardCharsets.US_ASCII);
    static final int SEGMENT_HEADER = 16;
    static final int FORMAT_VERSION = 1;
    private static final long OFFSET_MASK = (1L << 40) - 1;

    /** Receives each valid record found while opening. */
    interface RecordVisitor {
        /**
         * @param position the record's packed position
         * @param payload its payload
         */
        void visit(long position, byte[] payload);
    }

    private final Path dir;
    private final String label;
    private final boolean readOnly;
    private final long maxSegmentBytes;
    private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();
    private FileChannel active;
    private int activeNumber;
    private long activeSize;
    private boolean dirty;
    private String broken;

    private SegmentLog(Path dir, String label, boolean readOnly, long maxSegmentBytes) {
        this.dir = dir;
        this.label = label;
        this.readOnly = readOnly;
        this.maxSegmentBytes = maxSegmentBytes;
    }

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
     * Opens (creating the directory if needed) and scans every segment, oldest first, verifying every record.
     * A damaged tail of the newest segment (a write cut short by a crash) is cut off, its bytes saved in
     * {@code quarantine}; damage anywhere else is reported with its segment and offset and the scan resumes at
     * the next valid record.
     *
     * @param ignoreBelow segments numbered below this are skipped (superseded by a compacted segment)
     */
    static SegmentLog open(Path dir, String label, boolean readOnly, long maxSegmentBytes, int ignoreBelow,
            RecoveryReport.Builder report, Path quarantine, RecordVisitor visitor) {
        SegmentLog log = new SegmentLog(dir, label, readOnly, maxSegmentBytes);
        try {
            if (!readOnly) {
                Files.createDirectories(dir);
            }
            List<Integer> numbers = segmentNumbers(dir, report);
            numbers.removeIf(n -> n < ignoreBelow);
            for (int i = 0; i < numbers.size(); i++) {
                int n = numbers.get(i);
                boolean newest = i == numbers.size() - 1;
                log.scanSegment(n, newest, report, quarantine, visitor);
            }
            if (!readOnly) {
                if (numbers.isEmpty()) {
                    log.startSegment(1);
                } else {
                    int last = numbers.get(numbers.size() - 1);
                    log.active = log.channel(last);
                    log.activeNumber = last;
                    log.activeSize = log.active.size();
                }
            }
            return log;
        } catch (IOException e) {
            log.close();
            throw new StoreException("cannot open the " + label + " log in " + dir + ": " + e, e);
        }
    }

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

    private void scanSegment(int n, boolean newest, RecoveryReport.Builder report, Path quarantine,
            RecordVisitor visitor) throws IOException {
        Path file = dir.resolve(fileName(n));
        byte[] b = Files.readAllBytes(file);
        int len = b.length;
        int pos = SEGMENT_HEADER;
        if (len < SEGMENT_HEADER || !headerValid(b)) {
            if (newest && len < SEGMENT_HEADER) {
                // a segment created just before a crash, its header not fully written
                report.add(RecoveryReport.Kind.TORN_TAIL, file, 0, "segment header incomplete (" + len
                        + " bytes); rewritten as an empty segment");
                if (!readOnly) {
                    quarantine(quarantine, file, 0, b, 0, len);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(0);
                        ch.write(header(n), 0);
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
                visitor.visit(position(n, pos), payload);
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

    private static int resync(byte[] b, int from, int len) {
        for (int p = from; p + RecordFraming.HEADER <= len; p++) {
            if (b[p] == 0x56 && b[p + 1] == 0x47 && b[p + 2] == 0x52 && b[p + 3] == 0x31
                    && RecordFraming.check(b, p, len - p) > 0) {
                return p;
            }
        }
        return -1;
    }

    private static boolean headerValid(byte[] b) {
        for (int i = 0; i < SEGMENT_MAGIC.length; i++) {
            if (b[i] != SEGMENT_MAGIC[i]) {
                return false;
            }
        }
        return ByteBuffer.wrap(b, 8, 4).getInt() == FORMAT_VERSION;
    }

    private static ByteBuffer header(int n) {
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        h.put(SEGMENT_MAGIC).putInt(FORMAT_VERSION).putInt(n).flip();
        return h;
    }

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

    private void startSegment(int n) throws IOException {
        Path file = dir.resolve(fileName(n));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ch.write(header(n), 0);
        ch.force(true);
        FsFiles.fsyncDirectory(dir);
        channels.put(n, ch);
        active = ch;
        activeNumber = n;
        activeSize = SEGMENT_HEADER;
    }

    /**
     * Appends records, all in the same segment (rolling first if they would not fit).
     *
     * @return the packed position of each record
     */
    long[] append(List<byte[]> payloads) {
        checkWritable();
        long total = 0;
        for (byte[] p : payloads) {
            if (p.length > RecordFraming.MAX_PAYLOAD) {
                throw new StoreException("a record of " + p.length + " bytes is larger than the limit of "
                        + RecordFraming.MAX_PAYLOAD + " bytes in " + dir);
            }
            total += RecordFraming.framedSize(p.length);
        }
        try {
            if (activeSize > SEGMENT_HEADER && activeSize + total > maxSegmentBytes) {
                roll();
            }
            // header and payload as separate buffers of one gathering write: the payload is not copied
            ByteBuffer[] bufs = new ByteBuffer[payloads.size() * 2];
            long[] positions = new long[payloads.size()];
            long at = activeSize;
            for (int i = 0; i < positions.length; i++) {
                byte[] p = payloads.get(i);
                bufs[2 * i] = RecordFraming.header(p);
                bufs[2 * i + 1] = ByteBuffer.wrap(p);
                positions[i] = position(activeNumber, at);
                at += RecordFraming.framedSize(p.length);
            }
            long start = activeSize;
            try {
                active.position(start);
                long written = 0;
                while (written < total) {
                    written += active.write(bufs);
                }
            } catch (IOException e) {
                undo(start, e);
            }
            activeSize = start + total;
            dirty = true;
            return positions;
        } catch (IOException e) {
            throw new StoreException("cannot append to the " + label + " log in " + dir + ": " + e, e);
        }
    }

    private void undo(long start, IOException cause) throws IOException {
        try {
            active.truncate(start);
        } catch (IOException e) {
            broken = "a failed write could not be undone (" + e + "); reopen the store to recover";
        }
        throw cause;
    }

    /** Seals the active segment (fsync) and starts the next one. */
    void roll() throws IOException {
        rollTo(activeNumber + 1);
    }

    /** Seals the active segment (fsync) and starts segment {@code n} (leaving the numbers between free). */
    void rollTo(int n) throws IOException {
        checkWritable();
        active.force(true);
        dirty = false;
        startSegment(n);
    }

    /** Makes every append so far durable. */
    void force() {
        if (!dirty || active == null) {
            return;
        }
        try {
            active.force(false);
            dirty = false;
        } catch (IOException e) {
            broken = "fsync failed (" + e + "); reopen the store to recover";
            throw new StoreException("cannot fsync the " + label + " log in " + dir + ": " + e, e);
        }
    }

    /**
     * Cuts a segment back to an offset (used at open, to drop the records of a batch that was not completely
     * written). The cut bytes are kept in {@code quarantine}.
     */
    void truncate(long position, Path quarantine) throws IOException {
        int n = segmentOf(position);
        long off = offsetOf(position);
        FileChannel ch = channel(n);
        long size = ch.size();
        if (off >= size) {
            return;
        }
        ByteBuffer cut = ByteBuffer.allocate((int) (size - off));
        ch.read(cut, off);
        quarantine(quarantine, dir.resolve(fileName(n)), off, cut.array(), 0, cut.position());
        ch.truncate(off);
        ch.force(true);
        if (n == activeNumber) {
            activeSize = off;
        }
    }

    /**
     * Reads the record at a position, verifying its checksum.
     *
     * @throws StoreException naming the segment and offset if the record there is damaged
     */
    byte[] read(long position) {
        int n = segmentOf(position);
        long off = offsetOf(position);
        try {
            FileChannel ch = channel(n);
            ByteBuffer h = ByteBuffer.allocate(RecordFraming.HEADER);
            readFully(ch, h, off);
            int magic = h.getInt(0);
            int length = h.getInt(4);
            if (magic != RecordFraming.MAGIC || length <= 0 || length > RecordFraming.MAX_PAYLOAD) {
                throw damaged(n, off);
            }
            byte[] payload = new byte[length];
            readFully(ch, ByteBuffer.wrap(payload), off + RecordFraming.HEADER);
            if (RecordFraming.crc(length, payload, 0, length) != h.getInt(8)) {
                throw damaged(n, off);
            }
            return payload;
        } catch (IOException e) {
            throw new StoreException("cannot read " + dir.resolve(fileName(n)) + " at offset " + off + ": " + e, e);
        }
    }

    private StoreException damaged(int n, long off) {
        return new StoreException("damaged record in " + dir.resolve(fileName(n)) + " at offset " + off
                + ": its checksum does not match (the file changed after it was written)");
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, at + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private FileChannel channel(int n) throws IOException {
        FileChannel ch = channels.get(n);
        if (ch != null) {
            return ch;
        }
        synchronized (channels) {
            ch = channels.get(n);
            if (ch == null) {
                Path file = dir.resolve(fileName(n));
                try {
                    ch = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException e) {
                    throw new IOException("segment " + file + " is gone", e);
                }
                channels.put(n, ch);
            }
            return ch;
        }
    }

    /** @return the number of the segment appends go to */
    int activeSegment() {
        return activeNumber;
    }

    /** @return the bytes in the active segment */
    long activeSize() {
        return activeSize;
    }

    Path dir() {
        return dir;
    }

    /** Deletes every segment numbered below {@code number} (after a compaction made them redundant). */
    void deleteBelow(int number) throws IOException {
        for (int n : segmentNumbers(dir, null)) {
            if (n < number) {
                FileChannel ch = channels.remove(n);
                if (ch != null) {
                    ch.close();
                }
                Files.deleteIfExists(dir.resolve(fileName(n)));
            }
        }
        FsFiles.fsyncDirectory(dir);
    }

    /** @return segment numbers currently in the directory */
    List<Integer> segments() throws IOException {
        return segmentNumbers(dir, null);
    }

    private void checkWritable() {
        if (readOnly) {
            throw new StoreException("the store at " + dir.getParent() + " is open read-only; open it without "
                    + FsOptions.READ_ONLY + "=true to write");
        }
        if (broken != null) {
            throw new StoreException("the " + label + " log in " + dir + " refuses writes: " + broken);
        }
    }

    @Override
    public void close() {
        if (active != null && dirty) {
            try {
                active.force(true);
            } catch (IOException e) {
                // closing: the next open verifies the tail
            }
        }
        for (FileChannel ch : new TreeMap<>(channels).values()) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing more to do on close
            }
        }
        channels.clear();
    }
}
