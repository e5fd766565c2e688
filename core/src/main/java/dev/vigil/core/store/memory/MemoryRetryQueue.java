package dev.vigil.core.store.memory;

import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.RetryQueueState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The retry queue of a {@link MemoryStore}: a {@link RetryQueueState} under the store's lock. */
final class MemoryRetryQueue implements RetryQueue {
    private final MemoryStore store;
    private final RetryQueueState state = new RetryQueueState();

    MemoryRetryQueue(MemoryStore store) {
        this.store = store;
    }

    @Override
    public void defer(List<PendingRetry> pairs) {
        RetryQueueState.requireNoNull(pairs);
        store.write(() -> {
            state.defer(pairs);
            return null;
        });
    }

    @Override
    public List<PendingRetry> claim(Instant now, int limit, Duration holdFor) {
        RetryQueueState.requireClaimArgs(now, limit, holdFor);
        return store.write(() -> state.claim(now, limit, holdFor));
    }

    @Override
    public boolean remove(String traceId, String scorerName, int scorerVersion) {
        return store.write(() -> state.remove(traceId, scorerName, scorerVersion));
    }

    @Override
    public List<PendingRetry> list(String experimentId, String scorerName, int scorerVersion, int limit) {
        return store.read(() -> state.list(experimentId, scorerName, scorerVersion, limit));
    }

    @Override
    public long count(String experimentId, String scorerName, int scorerVersion) {
        return store.read(() -> state.count(experimentId, scorerName, scorerVersion));
    }

    @Override
    public int makeDue(String experimentId, String scorerName, int scorerVersion, Instant at) {
        return store.write(() -> state.makeDue(experimentId, scorerName, scorerVersion, at));
    }
}
