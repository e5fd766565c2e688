package dev.vigil.core.session;

import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.scorer.ScorerResults;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores an experiment's sessions with session-level scorers, as MLflow's production monitoring does for
 * multi-turn judges: a session is scored once it has been idle for {@link SessionOptions#idleAfter()}, and scored
 * again when it resumes (a new turn arrives after it was scored).
 *
 * <p>A {@linkplain #runOnce() pass} looks at the sessions with a trace in the lookback window. For each sampled
 * (session, scorer) pair whose session is idle and not yet scored at its current version (its number of turns), it
 * loads the whole session from the store with the filter language ({@code metadata.`mlflow.trace.session` = id},
 * or the tag of that name; every backend evaluates it exactly, no new store method is needed), runs the scorer and writes the result as described in {@link SessionAssessments}.
 * Whether a version is done is read from the stored assessments themselves, and the write is an idempotent upsert,
 * so a restart or a second process never duplicates a result. A transient failure (a judge's transient or auth
 * failure, an I/O error) writes nothing: the pair is tried again on a later pass. Any other failure is recorded as an
 * error assessment, as for trace scorers.
 *
 * <p>Not thread-safe: run passes from one thread (a scheduler); several processes may run passes at once.
 */
public final class SessionScoring {
    private static final Logger LOG = LoggerFactory.getLogger(SessionScoring.class);

    private final Store store;
    private final String experimentId;
    private final List<SessionScorerEntry> scorers;
    private final SessionOptions options;
    private final Clock clock;
    private final SessionCall call;

    /**
     * @param store the store holding the traces and receiving the assessments
     * @param experimentId the experiment whose sessions are scored
     * @param scorers the session scorers, with distinct names
     * @param options idle period, lookback, sampler
     * @param clock the clock idleness is measured with
     */
    public SessionScoring(Store store, String experimentId, List<SessionScorerEntry> scorers, SessionOptions options,
            Clock clock) {
        this(store, experimentId, scorers, options, clock, null);
    }

    /**
     * @param call how the scorers are called (the engine's runner: timeout, retries, provider limits), or null to
     *     call them directly
     */
    SessionScoring(Store store, String experimentId, List<SessionScorerEntry> scorers, SessionOptions options,
            Clock clock, SessionCall call) {
        this.call = call;
        this.store = Objects.requireNonNull(store, "store");
        this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
        this.scorers = List.copyOf(scorers);
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (this.scorers.stream().map(SessionScorerEntry::name).distinct().count() != this.scorers.size()) {
            throw new dev.vigil.spi.InvalidInputException("session scorer names must be distinct, got "
                    + this.scorers.stream().map(SessionScorerEntry::name).toList());
        }
    }

    /**
     * One pass over the sessions with recent traces.
     *
     * @return what the pass did
     */
    public SessionPass runOnce() {
        return runOnce(() -> true);
    }

    /**
     * One pass over the sessions with recent traces, stopping early (before the next scorer call) once
     * {@code keepGoing} says no (a lease that was lost): what is left is scored by a later pass.
     *
     * @param keepGoing asked before each scorer call
     * @return what the pass did
     */
    public SessionPass runOnce(java.util.function.BooleanSupplier keepGoing) {
        Instant now = clock.instant();
        return pass(recentBySession(now.minus(options.lookback()), null), now, false, keepGoing);
    }

    /**
     * Scores every session with a trace whose request time is in {@code [from, to)} once, at its current version,
     * whether or not it has been idle for the idle period (a session with a trace still IN_PROGRESS is left to the
     * live path). Idempotent: a session version already scored is not scored again, and the assessments are laid out
     * as the live path's ({@link SessionAssessments}), so a later live pass sees them as done.
     *
     * @param from earliest request time, inclusive
     * @param to latest request time, exclusive
     * @return what the backfill did
     */
    public SessionPass backfill(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new dev.vigil.spi.InvalidInputException("a session backfill's end (" + to
                    + ") must be after its start (" + from + ")");
        }
        return pass(recentBySession(from, to), clock.instant(), true, () -> true);
    }

    private SessionPass pass(Map<String, List<Trace>> recent, Instant now, boolean backfill,
            java.util.function.BooleanSupplier keepGoing) {
        int active = 0;
        int notSampled = 0;
        int upToDate = 0;
        int scored = 0;
        int deferred = 0;
        int failed = 0;
        sessions:
        for (Map.Entry<String, List<Trace>> e : recent.entrySet()) {
            String sessionId = e.getKey();
            boolean idle = backfill ? !inProgress(e.getValue()) : isIdle(new Session(sessionId, e.getValue()), now);
            Session whole = null;
            for (SessionScorerEntry s : scorers) {
                if (!options.sampler().keep(sessionId, s.name(), s.sampleRate())) {
                    notSampled++;
                    continue;
                }
                if (!idle) {
                    active++;
                    continue;
                }
                if (!keepGoing.getAsBoolean()) {
                    break sessions;
                }
                if (whole == null) {
                    whole = session(sessionId).orElse(null);
                    if (whole == null) {
                        break;
                    }
                    if (backfill && inProgress(whole.traces())) {
                        active++;
                        break;
                    }
                }
                switch (score(whole, s)) {
                    case UP_TO_DATE -> upToDate++;
                    case SCORED -> scored++;
                    case FAILED -> {
                        scored++;
                        failed++;
                    }
                    case DEFERRED -> deferred++;
                }
            }
        }
        return new SessionPass(recent.size(), active, notSampled, upToDate, scored, deferred, failed);
    }

    /**
     * @param sessionId a session id
     * @return all of the experiment's traces of that session, or empty if it has none
     */
    public Optional<Session> session(String sessionId) {
        FilterExpr bySession = new FilterExpr.Or(List.of(
                new FilterExpr.Comparison(Field.metadata(Session.METADATA_KEY), Operator.EQ, List.of(sessionId)),
                new FilterExpr.Comparison(Field.tag(Session.METADATA_KEY), Operator.EQ, List.of(sessionId))));
        List<Trace> traces = new ArrayList<>();
        for (Trace t : scanAll(new TraceQuery(experimentId, null, null, bySession))) {
            if (Session.idOf(t).filter(sessionId::equals).isPresent()) {
                traces.add(t);
            }
        }
        return traces.isEmpty() ? Optional.empty() : Optional.of(new Session(sessionId, traces));
    }

    /**
     * A scorer's assessments of a session, every version, from the store.
     *
     * @param session the session
     * @param entry the scorer
     * @return its assessments of the session, in session version order
     */
    public List<Assessment> history(Session session, SessionScorerEntry entry) {
        List<Assessment> out = new ArrayList<>();
        for (Trace t : session.traces()) {
            for (Assessment a : store.assessments().listByTrace(t.traceId())) {
                if (SessionAssessments.isOf(a, session.sessionId(), entry.name(), entry.version())) {
                    out.add(a);
                }
            }
        }
        out.sort(java.util.Comparator.comparingInt(SessionAssessments::sessionVersion));
        return List.copyOf(out);
    }

    /** What scoring one (session, scorer) pair did: FAILED is scored with an error result. */
    enum Result { UP_TO_DATE, SCORED, FAILED, DEFERRED }

    /**
     * Scores the session with the scorer unless its current version is already scored.
     *
     * @param session the whole session
     * @param entry the scorer
     * @return what it did
     */
    Result score(Session session, SessionScorerEntry entry) {
        for (Assessment a : store.assessments().listByTrace(session.lastTrace().traceId())) {
            if (SessionAssessments.isOf(a, session.sessionId(), entry.name(), entry.version())
                    && SessionAssessments.sessionVersion(a) == session.version()) {
                return Result.UP_TO_DATE;
            }
        }
        long start = System.nanoTime();
        List<Feedback> feedback;
        if (call != null) {
            SessionCall.Result r = call.call(entry, session);
            if (r == null) {
                return Result.DEFERRED;
            }
            return write(session, entry, r.feedback(), r.durationNanos());
        }
        try {
            feedback = ScorerResults.normalize(entry.name(), entry.scorer()::source,
                    entry.scorer().scoreSession(session));
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (isTransient(t)) {
                LOG.info("session scorer {} failed transiently on session {}; trying again on a later pass: {}",
                        entry.name(), session.sessionId(), t.toString());
                return Result.DEFERRED;
            }
            feedback = List.of(ScorerResults.failure(entry.name(), entry.scorer().source(), t));
        }
        return write(session, entry, feedback, System.nanoTime() - start);
    }

    private Result write(Session session, SessionScorerEntry entry, List<Feedback> feedback, long took) {
        if (feedback.isEmpty()) {
            // nothing to record: mark the version done all the same, so it is not scored on every pass
            feedback = List.of(new Feedback(entry.name(), null,
                    dev.vigil.spi.model.AssessmentError.of("NO_RESULT", "session scorer '" + entry.name()
                            + "' returned nothing for this session version"), null, null, null,
                    entry.scorer().source()));
        }
        store.assessments().upsertScorerFeedback(SessionAssessments.batch(session, feedback, entry,
                history(session, entry), took, clock.instant()));
        return feedback.stream().anyMatch(f -> f.error() != null) ? Result.FAILED : Result.SCORED;
    }

    /** The engine's classification (the cause chain included): transient and auth failures wait for a later pass. */
    private static boolean isTransient(Throwable t) {
        FailureKind kind = ScorerRunner.kindOf(t);
        return t instanceof InterruptedException
                || kind != null && (kind.isTransient() || kind == FailureKind.AUTH);
    }

    private static boolean inProgress(List<Trace> traces) {
        for (Trace t : traces) {
            if (t.info().state() == TraceState.IN_PROGRESS) {
                return true;
            }
        }
        return false;
    }

    private boolean isIdle(Session recentPart, Instant now) {
        if (inProgress(recentPart.traces())) {
            return false;
        }
        return !Duration.between(recentPart.lastActivity(), now).minus(options.idleAfter()).isNegative();
    }

    private Map<String, List<Trace>> recentBySession(Instant from, Instant to) {
        FilterExpr hasSession = new FilterExpr.Or(List.of(
                new FilterExpr.Comparison(Field.metadata(Session.METADATA_KEY), Operator.IS_NOT_NULL, List.of()),
                new FilterExpr.Comparison(Field.tag(Session.METADATA_KEY), Operator.IS_NOT_NULL, List.of())));
        Map<String, List<Trace>> out = new LinkedHashMap<>();
        for (Trace t : scanAll(new TraceQuery(experimentId, from, to, hasSession))) {
            Session.idOf(t).ifPresent(id -> out.computeIfAbsent(id, k -> new ArrayList<>()).add(t));
        }
        return out;
    }

    private List<Trace> scanAll(TraceQuery query) {
        List<Trace> out = new ArrayList<>();
        String token = null;
        do {
            TracePage page = store.traces().scan(query, token, options.pageSize());
            out.addAll(page.traces());
            token = page.nextPageToken();
        } while (token != null);
        return out;
    }
}
