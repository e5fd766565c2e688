package dev.vigil.storage.fs;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code LOCK} file of a store directory, held ({@link FileChannel#tryLock}) by the one process that writes
 * it; the holder's pid is written into the file so that a second process can say who holds it.
 */
final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of a store directory (which must exist).
     *
     * @throws StoreException naming the pid of the holder if another process (or another store in this one) holds it
     * @throws IOException if the lock file cannot be opened or written
     */
    static ProcessLock acquire(Path root) throws IOException {
        FileChannel ch = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            FileLock fl;
            try {
                fl = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                fl = null;
            }
            if (fl == null) {
                String pid = holder(ch);
                ch.close();
                throw new StoreException("another vigil process holds " + root + " (pid " + pid
                        + "); use PostgreSQL for several processes, or stop it (the fs: store takes one writing "
                        + "process at a time: its lock is " + root.resolve("LOCK") + "; a reader may open it "
                        + "read-only with " + FsOptions.READ_ONLY + "=true)");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new ProcessLock(ch, fl);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Releases the lock and closes the file, ignoring failures (the lock goes with the channel). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the lock goes with the channel
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
