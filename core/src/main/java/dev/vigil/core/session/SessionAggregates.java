package dev.vigil.core.session;

import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Aggregates of a session scorer over <em>sessions</em> rather than traces: one value per session — its latest
 * valid assessment — counted, turned into a pass rate or a mean with the same 95 % intervals as trace aggregates
 * ({@link Aggregator}: Wilson or Student's t with the finite-population correction at one sample rate, Hájek's
 * weighted estimates when rates are mixed). Session scorers sample by session id, each session independently with
 * the scorer's rate, so a session is the sampling unit and its recorded rate is its inclusion probability.
 *
 * <p>A session is bucketed by the request time of the trace its latest valid assessment is on, which
 * {@link SessionAssessments} makes the last turn of the version judged: the session's last turn as scored. A
 * window {@code [from, to)} therefore holds the sessions whose last scored turn falls in it; a session that resumed
 * and was re-scored later moves to the bucket of its new last turn (its older assessments are invalid and left out).
 *
 * <p>A session scorer is told apart from stored data alone: {@link SessionAssessments} writes the session id
 * ({@value Session#METADATA_KEY}), the session version ({@value SessionAssessments#METADATA_SESSION_VERSION}) and the
 * first trace ({@value SessionAssessments#METADATA_FIRST_TRACE}) into every session assessment's metadata; no trace
 * scorer's feedback carries the version and first-trace keys. A scorer version's level is fixed by its definition,
 * so one of its values tells the level of all of them.
 */
public final class SessionAggregates {

    private SessionAggregates() {}

    /**
     * @param a an assessment
     * @return true if a session scorer wrote it (it carries the session id, session version and first trace)
     */
    public static boolean isSessionAssessment(Assessment a) {
        Map<String, String> md = a.metadata();
        return md.containsKey(Session.METADATA_KEY) && md.containsKey(SessionAssessments.METADATA_SESSION_VERSION)
                && md.containsKey(SessionAssessments.METADATA_FIRST_TRACE);
    }

    /**
     * @param values a scorer's values
     * @return true if any of them is a session assessment
     */
    public static boolean sessionLevel(List<ScoredValue> values) {
        for (ScoredValue v : values) {
            if (isSessionAssessment(v.assessment())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a scorer's feedback in a range is session-level, reading as little as possible when the caller already
     * has the range's hourly rollup rows: for each scorer version in the rows, the values of the one hour holding the
     * fewest of that version's values are read, and any session assessment among them decides.
     *
     * @param store the store
     * @param experimentId the experiment
     * @param scorerName the scorer
     * @param rows the scorer's rollup rows over the range (e.g. from
     *     {@link dev.vigil.core.aggregate.RollupAggregator#rows})
     * @param from the range's start, inclusive: the probe does not read before it
     * @param to the range's end, exclusive: the probe does not read after it
     * @return true if the scorer's values in the range are session assessments; false when there are none
     */
    public static boolean sessionLevel(Store store, String experimentId, String scorerName, List<Rollup> rows,
            Instant from, Instant to) {
        Map<Integer, Rollup> smallest = new HashMap<>();
        for (Rollup r : rows) {
            if (r.count() > 0) {
                smallest.merge(r.key().scorerVersion(), r, (a, b) -> b.count() < a.count() ? b : a);
            }
        }
        for (Rollup r : smallest.values()) {
            Instant hour = r.key().hour().truncatedTo(ChronoUnit.HOURS);
            Instant start = hour.isBefore(from) ? from : hour;
            Instant end = hour.plus(1, ChronoUnit.HOURS);
            end = end.isAfter(to) ? to : end;
            if (!start.isBefore(end)) {
                continue;
            }
            int version = r.key().scorerVersion();
            for (ScoredValue v : store.assessments().valuesByScorer(experimentId, scorerName, start, end)) {
                if (v.assessment().scorerVersion() == version) {
                    return isSessionAssessment(v.assessment());
                }
            }
        }
        return false;
    }

    /**
     * One value per (session, feedback name): the valid session assessment of the highest scorer version, then
     * the highest session version. Invalid (overridden) assessments and values that are not session assessments
     * are left out.
     *
     * @param values a session scorer's values with their trace times
     * @return one value per session and feedback name, ordered by trace time, then session id
     */
    public static List<ScoredValue> latestPerSession(List<ScoredValue> values) {
        record Key(String session, String name) {}
        Comparator<ScoredValue> newer = Comparator
                .comparingInt((ScoredValue v) -> v.assessment().scorerVersion())
                .thenComparingInt(v -> SessionAssessments.sessionVersion(v.assessment()))
                .thenComparing(ScoredValue::traceTime);
        Map<Key, ScoredValue> latest = new HashMap<>();
        for (ScoredValue v : values) {
            Assessment a = v.assessment();
            if (!a.valid() || a.feedback() == null || !isSessionAssessment(a)) {
                continue;
            }
            latest.merge(new Key(a.metadata().get(Session.METADATA_KEY), a.name()), v,
                    (x, y) -> newer.compare(y, x) > 0 ? y : x);
        }
        List<ScoredValue> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(ScoredValue::traceTime)
                .thenComparing(v -> v.assessment().metadata().get(Session.METADATA_KEY))
                .thenComparing(v -> v.assessment().name()));
        return List.copyOf(out);
    }

    /**
     * @param values a session scorer's values (every version of every session, as the store returns them)
     * @param bucket the bucket width
     * @param defaultSampleRate the rate assumed for values that do not record theirs, in (0, 1]
     * @return per bucket (of the sessions' last scored turn) and feedback name: the count of sessions, errors,
     *     pass rate or mean with 95 % intervals; ordered as {@link Aggregator#aggregate} orders them
     */
    public static List<BucketStats> aggregate(List<ScoredValue> values, Bucket bucket, double defaultSampleRate) {
        return Aggregator.aggregate(latestPerSession(values), bucket, defaultSampleRate);
    }

    /**
     * Reads a session scorer's values from the store and aggregates them per session.
     *
     * @param store the store
     * @param experimentId the experiment
     * @param scorerName the session scorer
     * @param version a scorer version to keep only, or 0 for all
     * @param from inclusive (on the sessions' last scored turn)
     * @param to exclusive
     * @param bucket the bucket width
     * @param defaultSampleRate the rate assumed for values that do not record theirs, in (0, 1]
     * @return the stats, as {@link #aggregate(List, Bucket, double)}
     */
    public static List<BucketStats> aggregate(Store store, String experimentId, String scorerName, int version,
            Instant from, Instant to, Bucket bucket, double defaultSampleRate) {
        Objects.requireNonNull(store, "store");
        List<ScoredValue> values = store.assessments().valuesByScorer(experimentId, scorerName, from, to);
        if (version > 0) {
            values = values.stream().filter(v -> v.assessment().scorerVersion() == version).toList();
        }
        return aggregate(values, bucket, defaultSampleRate);
    }
}
