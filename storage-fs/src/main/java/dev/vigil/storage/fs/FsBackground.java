package dev.vigil.storage.fs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of a store open for writing: the fsync every {@code fsyncInterval} under the
 * {@link FsOptions.Fsync#INTERVAL} policy, and continuous archival every {@code archiveInterval} when it is set.
 */
final class FsBackground {
    private static final Logger LOG = LoggerFactory.getLogger(FsBackground.class);

    private final FileStore store;
    private final ScheduledExecutorService executor;

    private FsBackground(FileStore store) {
        this.store = store;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-fs-" + store.root.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the started background tasks of the store, or null if it is open read-only (it has none) */
    static FsBackground start(FileStore store) {
        if (store.options.readOnly()) {
            return null;
        }
        FsBackground b = new FsBackground(store);
        if (store.options.fsync() == FsOptions.Fsync.INTERVAL) {
            long ms = store.options.fsyncInterval().toMillis();
            b.executor.scheduleWithFixedDelay(b::fsyncQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
        if (!store.options.archiveInterval().isZero()) {
            long ms = store.options.archiveInterval().toMillis();
            b.executor.scheduleWithFixedDelay(store.archiver::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
        return b;
    }

    private void fsyncQuietly() {
        if (store.isClosed()) {
            return; // close() forces what is left
        }
        try {
            store.write(() -> {
                store.traces.forceAll();
                store.assessments.force();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.error("file store {}: background fsync failed", store.uri, e);
        }
    }

    /** Stops the tasks, waiting up to 10 seconds for one that is running. */
    void stop() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
