package dev.vigil.core.engine;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.Store;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch scorer's store writes: a failing store is retried with back-off (50 ms doubling to 5 s) until the write
 * is done or the owner gives up (it is closing), so that a source never moves its position past work that is not
 * durable.
 */
final class DurableWrites {

    private static final Logger LOG = LoggerFactory.getLogger(DurableWrites.class);

    private final Store store;
    private final String engineId;
    private final BooleanSupplier givingUp;

    /**
     * @param store where to write
     * @param engineId for the log
     * @param givingUp true once the owner stops retrying (closing)
     */
    DurableWrites(Store store, String engineId, BooleanSupplier givingUp) {
        this.store = store;
        this.engineId = engineId;
        this.givingUp = givingUp;
    }

    /**
     * Runs a store write until it succeeds.
     *
     * @return true if done, false if given up
     */
    boolean run(String what, Runnable write) {
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
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoffMs = Math.min(5_000, backoffMs * 2);
            }
        }
    }

    /**
     * Upserts scorer feedback; an assessment the store refuses (its trace was deleted) is logged and dropped, the
     * others are stored one by one.
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
        boolean done = run("storing feedback", () -> {
            try {
                out.addAll(store.assessments().upsertScorerFeedback(batch));
            } catch (InvalidInputException e) {
                refused[0] = true;
                if (batch.size() == 1) {
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
}
