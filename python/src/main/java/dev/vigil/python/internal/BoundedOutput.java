package dev.vigil.python.internal;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A scorer's stdout and stderr for one call: kept up to a limit, past which output is dropped and the moment it was
 * first exceeded is kept (the harness makes {@code print} raise past the limit; the caller's watchdog stops a scorer
 * that prints on regardless). Never throws: a failed write would leave text in Python's buffers that the next call
 * would print.
 */
final class BoundedOutput extends OutputStream {
    private final int limit;
    private byte[] buf = new byte[256];
    private int size;
    private boolean truncated;
    private volatile long exceededAtNanos;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    synchronized void reset() {
        size = 0;
        truncated = false;
        exceededAtNanos = 0;
        if (buf.length > 4096) {
            buf = new byte[256];
        }
    }

    synchronized int size() {
        return size;
    }

    /** @return when ({@link System#nanoTime()}, never 0) output first went past the limit in this call; 0 if not */
    long exceededAtNanos() {
        return exceededAtNanos;
    }

    synchronized String text() {
        String t = new String(buf, 0, size, StandardCharsets.UTF_8);
        return truncated ? t + "\n[output truncated at " + limit + " bytes]" : t;
    }

    @Override
    public synchronized void write(int b) {
        if (room(1) == 1) {
            buf[size++] = (byte) b;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int n = room(len);
        System.arraycopy(b, off, buf, size, n);
        size += n;
    }

    /** @return how many of {@code more} bytes fit (the buffer grown for them); notes the overflow */
    private int room(int more) {
        int n = (int) Math.min(more, (long) limit - size);
        if (n < more && !truncated) {
            truncated = true;
            long now = System.nanoTime();
            exceededAtNanos = now == 0 ? 1 : now;
        }
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, size + n)));
        }
        return n;
    }
}
