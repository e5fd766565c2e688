package dev.vigil.core.session;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a session scorer's results are kept: one assessment per (session, scorer, scorer version, session version).
 *
 * <p>The assessment of session version n (the session's first n turns) is on the n-th turn's trace, with the
 * session id under {@value Session#METADATA_KEY}, the version under {@value #METADATA_SESSION_VERSION} and the
 * first trace under {@value #METADATA_FIRST_TRACE}. The store's scorer-feedback key (trace, name, scorer, scorer
 * version) is then unique per session version, so writing a version twice (a retry, a restart) replaces it rather
 * than adding a duplicate. When a session resumes and is scored again, the new assessment {@code overrides} the
 * latest earlier one, which is re-written with {@code valid = false} in the same atomic batch, as MLflow marks an
 * overridden assessment: the history stays, and only the latest is valid.
 */
public final class SessionAssessments {
    /** Metadata: the session version (number of turns) the assessment judged. */
    public static final String METADATA_SESSION_VERSION = "vigil.session.version";
    /** Metadata: the session's first trace id. */
    public static final String METADATA_FIRST_TRACE = "vigil.session.firstTraceId";

    private SessionAssessments() {}

    /**
     * @param a an assessment
     * @param sessionId a session id
     * @param scorerName a scorer name
     * @param scorerVersion a scorer version
     * @return true if {@code a} is that scorer version's assessment of that session
     */
    public static boolean isOf(Assessment a, String sessionId, String scorerName, int scorerVersion) {
        return sessionId.equals(a.metadata().get(Session.METADATA_KEY)) && scorerName.equals(a.scorerName())
                && a.metadata().containsKey(METADATA_SESSION_VERSION) && a.scorerVersion() == scorerVersion;
    }

    /**
     * @param a a session assessment
     * @return the session version it judged, or -1 if it has none
     */
    public static int sessionVersion(Assessment a) {
        try {
            return Integer.parseInt(a.metadata().getOrDefault(METADATA_SESSION_VERSION, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * @param history a scorer's assessments of one session
     * @return the valid one with the highest session version, if any
     */
    public static Optional<Assessment> latest(List<Assessment> history) {
        return history.stream().filter(Assessment::valid)
                .max(Comparator.comparingInt(SessionAssessments::sessionVersion));
    }

    /**
     * The atomic batch that records a scoring of the session at its current version.
     *
     * @param session the session as scored
     * @param feedback the scorer's normalised feedback
     * @param entry the scorer
     * @param history the scorer version's earlier assessments of this session
     * @param durationNanos how long scoring took
     * @param now the time to record
     * @return the earlier valid assessments re-written as superseded, then the new ones (each overriding the
     *     earlier valid one of its name)
     */
    static List<Assessment> batch(Session session, List<Feedback> feedback, SessionScorerEntry entry,
            List<Assessment> history, long durationNanos, Instant now) {
        String target = session.lastTrace().traceId();
        Map<String, Assessment> previousByName = new HashMap<>();
        for (Assessment a : history) {
            if (a.valid() && sessionVersion(a) < session.version()) {
                Assessment p = previousByName.get(a.name());
                if (p == null || sessionVersion(a) > sessionVersion(p)) {
                    previousByName.put(a.name(), a);
                }
            }
        }
        List<Assessment> fresh = new ArrayList<>(feedback.size());
        Set<String> freshKeys = new HashSet<>();
        for (Feedback f : feedback) {
            Map<String, String> md = new LinkedHashMap<>(f.metadata());
            md.put(Session.METADATA_KEY, session.sessionId());
            md.put(METADATA_SESSION_VERSION, Integer.toString(session.version()));
            md.put(METADATA_FIRST_TRACE, session.firstTrace().traceId());
            md.put(Assessment.METADATA_SCORER_NAME, entry.name());
            md.put(Assessment.METADATA_SCORER_VERSION, Integer.toString(entry.version()));
            md.put(Assessment.METADATA_DURATION_MS, Long.toString(durationNanos / 1_000_000L));
            md.put(RollupRules.METADATA_SAMPLE_RATE, Double.toString(entry.sampleRate()));
            Assessment previous = previousByName.get(f.name());
            // a previous version on the same trace (a turn that arrived late, out of order) is replaced in place
            String overrides = previous == null || previous.traceId().equals(target) ? null : previous.assessmentId();
            fresh.add(Assessment.builder().name(f.name()).traceId(target)
                    .source(f.source() != null ? f.source() : entry.scorer().source()).createTime(now)
                    .value(new FeedbackValue(f.value(), f.error())).rationale(f.rationale()).metadata(md)
                    .overrides(overrides).build());
            freshKeys.add(f.name() + '\u0000' + target);
        }
        List<Assessment> out = new ArrayList<>();
        for (Assessment p : previousByName.values()) {
            if (!freshKeys.contains(p.name() + '\u0000' + p.traceId())) {
                out.add(p.toBuilder().valid(false).lastUpdateTime(now).build());
            }
        }
        out.addAll(fresh);
        return List.copyOf(out);
    }
}
