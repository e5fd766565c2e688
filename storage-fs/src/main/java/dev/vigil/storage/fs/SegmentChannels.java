package dev.vigil.storage.fs;

import static dev.vigil.storage.fs.SegmentFiles.fileName;
import static dev.vigil.storage.fs.SegmentFiles.offsetOf;
import static dev.vigil.storage.fs.SegmentFiles.segmentOf;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open channels of a {@link SegmentLog}'s segments, one per segment, opened on first use, and the verified
 * read of a record at a position. Reads may run concurrently with each other and with the log's appends.
 */
final class SegmentChannels {
    private final Path dir;
    private final boolean readOnly;
    private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();

    SegmentChannels(Path dir, boolean readOnly) {
        this.dir = dir;
        this.readOnly = readOnly;
    }

    /** Registers the channel of a segment the log has just created. */
    void put(int n, FileChannel ch) {
        channels.put(n, ch);
    }

    /** @return the channel of segment {@code n}, opened (read-write unless the log is read-only) if need be */
    FileChannel channel(int n) throws IOException {
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

    /** Closes the channel of segment {@code n} if it is open (before the segment is deleted). */
    void close(int n) throws IOException {
        FileChannel ch = channels.remove(n);
        if (ch != null) {
            ch.close();
        }
    }

    /** Closes every channel, oldest segment first, ignoring failures. */
    void closeAll() {
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
