package dev.vigil.python.internal;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A scorer's stdout and stderr for one call: kept up to a limit, past which output is dropped (a scorer printing
 * without end fills nothing and is stopped by its time budget). Never throws: a failed write would leave text in
 * Python's buffers that the next call would print.
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
        truncated = false;
        if (buf.length > 4096) {
            buf = new byte[256];
        }
    }

    synchronized int size() {
        return size;
    }

    synchronized String text() {
        String t = new String(buf, 0, size, StandardCharsets.UTF_8);
        return truncated ? t + "\n[output truncated at " + limit + " bytes]" : t;
    }

    @Override
    public synchronized void write(int b) {
        if (ensure(1)) {
            buf[size++] = (byte) b;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (ensure(len)) {
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }
    }

    private boolean truncated;

    private boolean ensure(int more) {
        if ((long) size + more > limit) {
            truncated = true;
            return false;
        }
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, size + more)));
        }
        return true;
    }
}
