package dev.vigil.core.session;

import dev.vigil.core.engine.internal.Outcome;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a session scorer the way the monitoring engine calls a trace scorer: through its {@link ScorerRunner}
 * (per-attempt timeout, immediate retries, the provider's concurrency and rate limits, its circuit breaker, budget
 * guard). A run that ends on a transient failure, an authentication failure, an unreadable answer
 * ({@link FailureKind#UNPARSEABLE}), a budget refusal or an interruption records nothing: the session is tried again
 * on a later pass. Any other failure is recorded as an error feedback, as for trace scorers.
 */
final class RunnerSessionCall implements SessionCall {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerSessionCall.class);

    private final ScorerRunner runner;
    private final Duration timeout;

    RunnerSessionCall(ScorerRunner runner, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Result call(SessionScorerEntry entry, Session session) {
        Outcome o = runner.run(new OneSession(entry.scorer(), entry.name(), session), entry.name(),
                ScorerInput.of(session.lastTrace()), timeout);
        if (o.failed() && laterPass(o)) {
            LOG.info("session scorer {} did not score session {} ({}); trying again on a later pass", entry.name(),
                    session.sessionId(), o.failure().message());
            return null;
        }
        return new Result(o.feedback(), o.durationNanos());
    }

    /** Failures worth another pass rather than a stored error. */
    static boolean laterPass(Outcome o) {
        FailureKind kind = o.kind();
        return o.feedback().isEmpty() // a refused call (budget) or an interrupted one: nothing to record
                || "INTERRUPTED".equals(o.failure().code())
                || kind != null && (kind.isTransient() || kind == FailureKind.AUTH || kind == FailureKind.UNPARSEABLE);
    }

    /** The session scorer on one session, seen by the runner as a trace scorer (same name, source and workload). */
    private record OneSession(SessionScorer scorer, String name, Session session) implements Scorer {
        @Override
        public Object score(ScorerInput input) throws Exception {
            return scorer.scoreSession(session);
        }

        @Override
        public ScorerDefinition definition() {
            return scorer.definition();
        }

        @Override
        public AssessmentSource source() {
            return scorer.source();
        }

        @Override
        public Workload workload() {
            return scorer instanceof Scorer s && s.workload() != null ? s.workload() : Workload.CPU;
        }
    }
}
