package dev.vigil.core.engine.internal;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's and the batch scorer's writes to the store: retried with back-off (50 ms doubling to 5 s) until they
 * succeed or the owner gives up while closing, so that a store outage delays scoring but loses nothing (the cursor
 * or the source's offset stays before what was not written).
 */
final class DurableWrites {

    private static final Logger LOG = LoggerFactory.getLogger(DurableWrites.class);

    private final Store store;
    private final String engineId;
    private final BooleanSupplier givingUp;

    /**
     * @param store the store
     * @param engineId for log lines
     * @param givingUp true once the engine closes past its drain timeout
     */
    DurableWrites(Store store, String engineId, BooleanSupplier givingUp) {
        this.store = store;
        this.engineId = engineId;
        this.givingUp = givingUp;
    }

    /**
     * Runs a store write, retrying store failures with back-off until it succeeds or the engine gives up.
     *
     * @return true if done, false if given up (closing)
     */
    boolean durably(String what, Runnable write) {
        long backoffMs = 50;
        while (true) {
            try {
                write.run();
                return true;
            } catch (RuntimeException e) {
                if (givingUp.getAsBoolean()) {
                    return false;
                }
                LOG.warn("engine {}: {} failed, retrying in {} ms: {}", engineId, what, backoffMs, e.toString());
                if (!sleep(backoffMs)) {
                    return false;
                }
                backoffMs = Math.min(5_000, backoffMs * 2);
            }
        }
    }

    /**
     * Stores feedback, retrying store failures until it succeeds or the engine gives up. Feedback the store
     * refuses as invalid (its trace was deleted) is dropped, one by one, without holding up the rest.
     *
     * @return true if stored (or nothing to store), false if given up (the cursor then stays before it)
     */
    boolean feedback(List<Assessment> batch) {
        return upsertFeedback(batch, new ArrayList<>());
    }

    /**
     * As {@link #feedback(List)}, collecting the assessments as stored.
     *
     * @param batch the feedback
     * @param out receives the assessments as stored
     * @return true if done, false if given up
     */
    boolean upsertFeedback(List<Assessment> batch, List<Assessment> out) {
        if (batch.isEmpty()) {
            return true;
        }
        boolean[] refused = new boolean[1];
        boolean done = durably("storing feedback", () -> {
            try {
                RevisionHistory.Batch b = RevisionHistory.of(store, batch);
                List<Assessment> written = store.assessments().upsertScorerFeedback(b.writes());
                out.addAll(written.subList(b.history(), written.size())); // the fresh feedback, as stored
            } catch (InvalidInputException e) {
                refused[0] = true;
                if (batch.size() == 1) {
                    // the trace was deleted (or the feedback is unstorable): nothing to retry
                    LOG.warn("engine {}: feedback of scorer '{}' on trace {} cannot be stored: {}", engineId,
                            batch.get(0).scorerName(), batch.get(0).traceId(), e.getMessage());
                }
            }
        });
        if (!done || !refused[0] || batch.size() == 1) {
            return done;
        }
        boolean all = true;
        for (Assessment a : batch) {
            all &= upsertFeedback(List.of(a), out);
        }
        return all;
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
