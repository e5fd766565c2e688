package dev.vigil.python.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A scorer's stdout and stderr for one call: kept up to a limit, past which a write fails (Python's
 * {@code print} then raises), so a scorer printing without end is stopped instead of filling the heap.
 */
final class BoundedOutput extends OutputStream {
    private final int limit;
    private byte[] buf = new byte[256];
    private int size;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    synchronized void reset() {
        size = 0;
        if (buf.length > 4096) {
            buf = new byte[256];
        }
    }

    synchronized int size() {
        return size;
    }

    synchronized String text() {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) throws IOException {
        if ((long) size + more > limit) {
            throw new IOException("scorer output exceeded the sandbox's limit of " + limit
                    + " bytes per call; print less");
        }
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, size + more)));
        }
    }
}
