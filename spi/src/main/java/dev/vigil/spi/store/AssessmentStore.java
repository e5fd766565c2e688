package dev.vigil.spi.store;

import dev.vigil.spi.model.Assessment;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Assessments attached to stored traces. */
public interface AssessmentStore {

    /**
     * Appends an assessment (a person's feedback, an expectation). A null assessment id is assigned.
     *
     * @param assessment the assessment
     * @return the stored assessment, with its id
     * @throws dev.vigil.spi.InvalidInputException if its trace is not stored; nothing is written
     */
    Assessment append(Assessment assessment);

    /**
     * Inserts or replaces scorer feedback, keyed by (trace id, assessment name, scorer name, scorer version, trace
     * revision) — the scorer name and version come from {@link Assessment#METADATA_SCORER_NAME} and
     * {@link Assessment#METADATA_SCORER_VERSION}, the trace revision from
     * {@link Assessment#METADATA_TRACE_REVISION} (0 when absent) — so that a retry or a restart never makes a
     * duplicate, while a re-scoring of a later revision of the trace is a new row and the earlier one stays. A
     * replaced assessment keeps its id and create time. The batch is written atomically: all of it or, when one
     * entry is invalid, none of it; a concurrent reader sees each trace's part of the batch whole or not at all.
     * A store may also show the whole batch at once (the JDBC stores do, in one transaction); the {@code memory:}
     * store lets batches for different traces land in parallel, so a reader may see one trace's part first.
     *
     * @param assessments feedback from scorers
     * @return the stored assessments, with their ids, in the same order
     * @throws dev.vigil.spi.InvalidInputException if one lacks scorer metadata or its trace is not stored;
     *     nothing is written
     */
    List<Assessment> upsertScorerFeedback(List<Assessment> assessments);

    /**
     * @param traceId a trace id
     * @return its assessments, in creation order
     */
    List<Assessment> listByTrace(String traceId);

    /**
     * A scorer's current feedback on an experiment's traces whose request time lies in [from, to): only valid rows
     * (an assessment kept as history with {@code valid=false}, after a re-score, is not a value any more), so
     * aggregates, monitors and reports count each result once.
     *
     * @param experimentId the experiment
     * @param scorerName the scorer name (from the feedback metadata)
     * @param from inclusive
     * @param to exclusive
     * @return the values, ordered by trace time
     */
    List<ScoredValue> valuesByScorer(String experimentId, String scorerName, Instant from, Instant to);

    /**
     * @param scorerName a scorer name
     * @param scorerVersion a scorer version
     * @param traceIds trace ids to check
     * @return those of the trace ids that already hold feedback from that scorer version (on any trace revision)
     */
    Set<String> tracesScoredBy(String scorerName, int scorerVersion, Collection<String> traceIds);
}
