package dev.vigil.spi.store;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The single-process rule of the embedded stores (H2 file, SQLite, fs): one Vigil process at a time holds a store's
 * lock file (an OS file lock, with the holder's pid written in it), so that a second process fails at once with a
 * message naming the holder instead of hanging on the database's own lock. The OS releases the lock when the
 * holder dies, even by SIGKILL. Stores opened on the same path in one process share one lock.
 */
public final class StoreLock implements AutoCloseable {

    /** The lock file's name suffix. */
    public static final String SUFFIX = ".vigil-lock";

    private static final Map<Path, Held> HELD = new HashMap<>();

    private record Held(FileChannel channel, FileLock lock, int[] users) {}

    private final Path file;
    private boolean closed;

    private StoreLock(Path file) {
        this.file = file;
    }

    /**
     * Takes the lock of a store, or fails at once.
     *
     * @param lockFile the lock file (e.g. {@code ./vigil-data/vigil.vigil-lock}); its folder is created if missing
     * @param shown the store as a person knows it, e.g. {@code ./vigil-data/vigil}
     * @return the held lock; close it when the store closes
     * @throws StoreException if another process holds it: "another vigil process holds SHOWN (pid N); use
     *     PostgreSQL or stop it"
     */
    public static StoreLock acquire(Path lockFile, String shown) {
        Path key = lockFile.toAbsolutePath().normalize();
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null) {
                h.users()[0]++;
                return new StoreLock(key);
            }
            FileChannel ch = null;
            try {
                if (key.getParent() != null) {
                    Files.createDirectories(key.getParent());
                }
                ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    String pid = holder(ch);
                    ch.close();
                    throw new StoreException("another vigil process holds " + shown + " (pid " + pid
                            + "); use PostgreSQL for several processes, or stop it");
                }
                byte[] me = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(me), 0);
                ch.force(false);
                HELD.put(key, new Held(ch, lock, new int[] {1}));
                return new StoreLock(key);
            } catch (IOException e) {
                try {
                    if (ch != null) {
                        ch.close();
                    }
                } catch (IOException ignored) {
                    // already failing
                }
                throw new StoreException("cannot open the store " + shown + ": cannot create its lock file " + key
                        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null || e.getMessage().equals(
                                key.toString()) ? "" : ": " + e.getMessage()) + ")");
            }
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? "unknown" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Releases this hold; the lock itself when the last store of this process on the path closes. Idempotent. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held h = HELD.get(file);
            if (h == null || --h.users()[0] > 0) {
                return;
            }
            HELD.remove(file);
            try {
                h.lock().release();
                h.channel().close();
            } catch (IOException ignored) {
                // the OS releases the lock with the channel or the process anyway
            }
        }
    }
}
