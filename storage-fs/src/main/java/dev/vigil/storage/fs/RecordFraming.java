package dev.vigil.storage.fs;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of every record the file store writes (segments, the assessment log, state files):
 *
 * <pre>
 *   magic   4 bytes  0x56 0x47 0x52 0x31 ("VGR1"), to find the next record after a damaged one
 *   length  4 bytes  big-endian payload length, 1 .. {@link #MAX_PAYLOAD}
 *   crc     4 bytes  CRC32C of the length bytes and the payload
 *   payload length bytes
 * </pre>
 */
final class RecordFraming {
    /** Record magic, "VGR1". */
    static final int MAGIC = 0x56475231;
    /** Bytes before the payload. */
    static final int HEADER = 12;
    /** The largest payload accepted (a single trace record larger than this is refused on write). */
    static final int MAX_PAYLOAD = 256 * 1024 * 1024;

    private RecordFraming() {}

    /** @return the payload framed, ready to write */
    static ByteBuffer frame(byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(MAGIC).putInt(payload.length).putInt(crc(payload.length, payload, 0, payload.length));
        buf.put(payload).flip();
        return buf;
    }

    /** @return the frame's header for a payload, to write before it (saves copying the payload) */
    static ByteBuffer header(byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER);
        buf.putInt(MAGIC).putInt(payload.length).putInt(crc(payload.length, payload, 0, payload.length)).flip();
        return buf;
    }

    /** @return the frame's size for a payload of that length */
    static int framedSize(int payloadLength) {
        return HEADER + payloadLength;
    }

    static int crc(int length, byte[] payload, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(4).putInt(0, length));
        c.update(payload, off, len);
        return (int) c.getValue();
    }

    /**
     * Checks a frame in a buffer.
     *
     * @param buf the bytes (position 0 = file offset {@code base})
     * @param at the offset within buf where a frame should start
     * @param available how many bytes from {@code at} exist
     * @return the payload length if a complete, valid frame starts there; -1 if it is cut short (incomplete);
     *     -2 if the bytes there are not a valid frame
     */
    static int check(byte[] buf, int at, int available) {
        if (available < HEADER) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, at, HEADER);
        int magic = b.getInt();
        int length = b.getInt();
        int crc = b.getInt();
        if (magic != MAGIC || length <= 0 || length > MAX_PAYLOAD) {
            return -2;
        }
        if (available < HEADER + length) {
            return -1;
        }
        return crc(length, buf, at + HEADER, length) == crc ? length : -2;
    }
}
