package dev.vigil.core.engine;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scores traces that come from an external source (the Kafka module) instead of the store tail
 * ({@code Vigil.batchScorer()}): the same filters, sampling, scorers, retries and exactly-once upserts as the
 * monitoring engine, with the source owning its own position.
 */
public interface BatchScorer {

    /** A listener told of each batch of assessments once it is stored. */
    @FunctionalInterface
    interface StoredListener {
        /** @param stored the assessments just stored */
        void stored(List<Assessment> stored);
    }

    /** @return scorer runs admitted and not finished */
    int inFlight();

    /** @return the in-flight limit from the engine options, past which a source should stop reading */
    int maxInFlight();

    /**
     * Re-reads an experiment's active scorers on the next batch.
     *
     * @param experimentId the experiment whose scorers changed
     */
    void refreshScorers(String experimentId);

    /**
     * Scores the complete traces of a batch (incomplete ones are ignored). A run that ends on a transient failure
     * or an authentication failure after the immediate retries is deferred to the store's retry queue, not stored
     * as an error; so is a pair of a scorer this process cannot build. The batch counts as done once its
     * assessments are stored and its deferred pairs are in the queue: the later attempts are
     * {@link #drainRetries}' work, outside the source's position.
     *
     * @param traces traces, already stored
     * @param listener told of the assessments stored (e.g. to publish them), before the future completes
     * @return a future completed once every assessment of the batch is stored and every deferred pair is durable
     *     (exceptionally if this scorer was closed before that: the source must then not move its position past
     *     the batch)
     */
    CompletableFuture<Void> score(List<Trace> traces, StoredListener listener);

    /**
     * Takes due pairs from the store's retry queue and runs them like new work, outside any source position.
     * Does nothing on a store without a retry queue, or while the in-flight limit is reached.
     *
     * @return how many pairs were taken from the queue
     */
    int drainRetries();

    /**
     * Starts a background loop calling {@link #drainRetries} until the owning {@code Vigil} is closed;
     * idempotent. A source that feeds this scorer starts it.
     */
    void startRetries();
}
