package dev.vigil.cli;

import dev.vigil.cli.demo.DemoConversations;
import dev.vigil.cli.demo.DemoJudgeModel;
import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.session.SessionAssessments;
import dev.vigil.core.session.SessionPass;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.judges.LlmJudge;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's session-level judge: a few multi-turn support chats are logged to their own experiment (idle for more than the 5 minutes a
 * session waits before it is scored), MLflow's UserFrustration judge is registered and started there like any
 * scorer, and the monitoring engine's session loop ({@link Vigil#sessions()}) scores each session once; then one
 * chat resumes and is scored again, its earlier assessment kept and marked superseded. The judge calls the configured
 * model ({@code VIGIL_JUDGE_MODEL}) or, without one, the demo's keyword stand-in {@link DemoJudgeModel}.
 */
final class DemoSessions {
    private DemoSessions() {}

    /**
     * @param out where to print
     * @param vigil the demo's Vigil: its registry keeps the judge, its session loop scores the chats
     * @param experimentName the experiment the chats go to (created if missing), apart from the demo's traces so
     *     that the trace scorers, the backfill and the report of the demo experiment are not changed by them
     * @param clock the clock
     * @param seed the content seed
     */
    static void show(PrintWriter out, Vigil vigil, String experimentName, Clock clock, long seed) {
        Store s = vigil.store();
        ExperimentHandle chatsExp = vigil.experiment(experimentName);
        String experimentId = chatsExp.id();
        LlmJudge judge = judge(out);
        // registered like any scorer: the registry keeps this live judge (with the demo's model) for the session loop
        RegisteredScorer registered = chatsExp.scorers().registerOrGet(judge);
        if (!registered.isActive() || registered.sampleRate() < 1.0) {
            registered = registered.start(SamplingConfig.of(1.0));
        }
        SessionScorerEntry entry = new SessionScorerEntry(registered.sessionScorer(), registered.version(), 1.0);
        DemoConversations chats = new DemoConversations(seed, experimentId);
        Instant now = clock.instant();
        // chat 1 (frustrated, then helped) first stops after its second turn: it resumes below
        int resumed = 1;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DemoConversations.scripts(); i++) {
            List<Trace> turns = chats.session(i, now.minus(Duration.ofMinutes(40 - i)), i == resumed ? 2 : 99);
            s.traces().put(turns);
            ids.add(Session.idOf(turns.get(0)).orElseThrow());
        }
        // reads the sessions and their history; the scoring itself is the session loop's
        SessionScoring scoring = new SessionScoring(s, experimentId, List.of(entry), SessionOptions.defaults(), clock);
        SessionPass pass = vigil.sessions().runOnce(experimentId).orElse(SessionPass.empty());
        Table t = new Table("SESSION", ">TURNS", "USER_FRUSTRATION", "RATIONALE");
        for (String id : ids) {
            Session session = scoring.session(id).orElseThrow();
            latest(scoring, session, entry).ifPresent(a -> t.row(id, session.turns(), value(a), a.rationale()));
        }
        out.printf("%nSession-level judge 'user_frustration' (%s) on %d multi-turn chats (experiment '%s') idle for"
                + " over %d minutes (%d scored, %d deferred):%n", judge.modelUri(), ids.size(), experimentName,
                vigil.sessions().options().idleAfter().toMinutes(),
                // a background pass of the loop may have scored some first: those count as scored too
                pass.scored() + pass.upToDate(), pass.deferred());
        t.print(out);

        String id = ids.get(resumed);
        s.traces().put(chats.turns(id, resumed, now.minus(Duration.ofMinutes(10)), 2, 3));
        vigil.sessions().runOnce(experimentId);
        Session session = scoring.session(id).orElseThrow();
        List<Assessment> history = scoring.history(session, entry);
        out.printf("Session %s resumed (now %d turns) and was scored again: %s; history by session version: %s%n",
                id, session.turns(), latest(scoring, session, entry).map(DemoSessions::value).orElse("–"),
                history.stream().map(a -> "v" + SessionAssessments.sessionVersion(a) + "=" + value(a)
                        + (a.valid() ? "" : " (superseded)")).toList());
    }

    private static Optional<Assessment> latest(SessionScoring scoring, Session session, SessionScorerEntry entry) {
        return SessionAssessments.latest(scoring.history(session, entry));
    }

    private static String value(Assessment a) {
        return a.feedback().error() != null ? "error: " + a.feedback().error().code()
                : String.valueOf(a.feedback().value());
    }

    private static LlmJudge judge(PrintWriter out) {
        if (JudgeRuntime.shared().defaultModel().isPresent()) {
            try {
                return Judges.userFrustration().build().check();
            } catch (InvalidInputException e) {
                out.println("Session judge: the configured judge model is not usable (" + e.getMessage()
                        + "); using the demo's keyword stand-in.");
            }
        }
        JudgeRuntime runtime = JudgeRuntime.builder().provider(new DemoJudgeModel()).build();
        return Judges.userFrustration().model(DemoJudgeModel.URI).runtime(runtime).build();
    }
}
