package dev.vigil.spi.store;

import java.time.Instant;
import java.util.List;

/**
 * Hourly rollups of scorer feedback (see {@link Rollup}), kept up to date by the store as feedback is written: an
 * upsert that replaces feedback takes the old value out before adding the new one, in the same transaction where
 * the store has them. The dashboard reads its trends and overview from here in O(hours) rows instead of reading
 * every value ({@link AssessmentStore#valuesByScorer}).
 *
 * <p>The rows hold exactly the feedback {@link AssessmentStore#valuesByScorer} returns: every feedback (not
 * expectation) assessment that names a scorer in its metadata, placed in the hour of its trace's request time.
 */
public interface RollupStore {

    /**
     * One scorer's rows of an experiment in a range of whole hours.
     *
     * @param experimentId the experiment
     * @param scorerName the scorer
     * @param from the first hour, inclusive (a whole UTC hour)
     * @param to the end, exclusive (a whole UTC hour)
     * @return the rows, in {@link Rollup.Key} order; no empty row
     * @throws dev.vigil.spi.InvalidInputException if an argument is missing, {@code from} or {@code to} is not a
     *     whole hour, or {@code to} is before {@code from}
     */
    List<Rollup> hourly(String experimentId, String scorerName, Instant from, Instant to);

    /**
     * Whether the rollups cover every stored feedback. False in a database written before the store kept rollups,
     * until {@link #rebuild} of all experiments; readers then scan the values instead.
     *
     * @return true when the rows can be trusted
     */
    boolean ready();

    /**
     * Recomputes the rows from the stored assessments, replacing what was there. Run it after an upgrade, or to
     * repair rows (a trace re-stored with another request time leaves its feedback's rows where they were). Scorer
     * feedback written while a rebuild runs may be counted in the old state; rebuild when no engine writes.
     *
     * @param experimentId the experiment to rebuild, or null for all (which also makes {@link #ready} true)
     * @return the number of rows written
     * @throws dev.vigil.spi.InvalidInputException if the experiment does not exist
     */
    long rebuild(String experimentId);
}
