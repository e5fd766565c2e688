package dev.vigil.storage.fs;

import static dev.vigil.storage.fs.SegmentFiles.SEGMENT_HEADER;
import static dev.vigil.storage.fs.SegmentFiles.fileName;
import static dev.vigil.storage.fs.SegmentFiles.header;
import static dev.vigil.storage.fs.SegmentFiles.offsetOf;
import static dev.vigil.storage.fs.SegmentFiles.position;
import static dev.vigil.storage.fs.SegmentFiles.segmentNumbers;
import static dev.vigil.storage.fs.SegmentFiles.segmentOf;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An append-only log in a directory of segment files {@code 0000000001.seg, 0000000002.seg, ...}, each a
 * 16-byte header ({@code VIGILSEG}, format version, segment number) followed by {@link RecordFraming} records
 * (the format is {@link SegmentFiles}'; the scan at open is {@link SegmentRecovery}'). This class writes, fsyncs
 * and reads: appends go to the newest segment, which rolls once it would grow past the size limit; a batch of
 * records never spans two segments. Positions are packed in a {@code long}: segment number in the high 24 bits,
 * offset in the low 40.
 *
 * <p>Not thread-safe for writers (the store serialises them); {@link #read} may run concurrently with appends.
 */
final class SegmentLog implements AutoCloseable {
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
    private final SegmentChannels channels;
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
        this.channels = new SegmentChannels(dir, readOnly);
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
                SegmentRecovery.scanSegment(dir, n, newest, readOnly, report, quarantine, visitor);
            }
            if (!readOnly) {
                if (numbers.isEmpty()) {
                    log.startSegment(1);
                } else {
                    int last = numbers.get(numbers.size() - 1);
                    log.active = log.channels.channel(last);
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
        FileChannel ch = channels.channel(n);
        long size = ch.size();
        if (off >= size) {
            return;
        }
        ByteBuffer cut = ByteBuffer.allocate((int) (size - off));
        ch.read(cut, off);
        SegmentRecovery.quarantine(quarantine, dir.resolve(fileName(n)), off, cut.array(), 0, cut.position());
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
        return channels.read(position);
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
                channels.close(n);
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
        channels.closeAll();
    }
}
