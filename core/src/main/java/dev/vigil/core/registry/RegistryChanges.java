package dev.vigil.core.registry;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link ScorerRegistry} tells that it wrote: a revision counter that grows on every write made through it,
 * and listeners called after each (on the writing thread; their failures are logged, never thrown to the writer).
 * Thread-safe.
 */
final class RegistryChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerRegistry.class);

    private final AtomicLong revision = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    long revision() {
        return revision.get();
    }

    void add(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(Runnable listener) {
        listeners.remove(listener);
    }

    /** Counts a write and tells the listeners. */
    void changed() {
        revision.incrementAndGet();
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("scorer registry listener {} failed", l, e);
            }
        }
    }
}
