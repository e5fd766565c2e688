package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionPass;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Python session (multi-turn) scorers with MLflow 3.8's signature: a function or {@code Scorer.__call__} taking
 * {@code session} receives the session's traces in turn order, in both runtimes (issue #18, item 5).
 */
class PythonSessionScorerTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    /** Three turns, stored out of order: the session sorts them by request time. */
    static Session threeTurns() {
        List<Trace> turns = new ArrayList<>(Conversations.conversation("1", "conv-1", T0, Duration.ofMinutes(1),
                "Hi, my order is late", "Sorry to hear that. Your order number?",
                "It is 1234", "Order 1234 ships tomorrow.",
                "Thanks!", "You're welcome!"));
        java.util.Collections.reverse(turns);
        return new Session("conv-1", turns);
    }

    static PythonScorer scorer(String name, String source, Isolation isolation) {
        return TestSandboxes.scorer(name, source, isolation);
    }

    /** The MLflow docs' decorator form: traces in order, their ids, states and root-span inputs are readable. */
    static final String TURN_ORDER = """
            from mlflow.entities import Feedback, Trace
            from mlflow.genai.scorers import scorer

            @scorer
            def turn_order(session: list[Trace]) -> Feedback:
                ids = [t.info.trace_id for t in session]
                questions = [t.data.request["question"] for t in session]
                errors = sum(1 for t in session if t.info.state == "ERROR")
                assert all(isinstance(t, Trace) for t in session)
                return Feedback(value=len(session), rationale=",".join(ids) + "|" + ";".join(questions)
                                + "|" + str(errors))
            """;

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void decoratorWithSession_receivesTheTracesInTurnOrder(Isolation isolation) {
        PythonScorer s = scorer("turn_order", TURN_ORDER, isolation);
        assertThat(s.sessionLevel()).isTrue();

        Feedback f = (Feedback) s.scoreSession(threeTurns());

        assertThat(f.error()).isNull();
        assertThat(f.value()).isEqualTo(3L);
        assertThat(f.rationale()).isEqualTo("conv-1-t1,conv-1-t2,conv-1-t3"
                + "|Hi, my order is late;It is 1234;Thanks!|0");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void readmeExample_countsTheTurnsInError(Isolation isolation) {
        PythonScorer s = scorer("error_free_conversation", """
                from mlflow.entities import Feedback, Trace
                from mlflow.genai.scorers import scorer

                @scorer
                def error_free_conversation(session: list[Trace]) -> Feedback:
                    errors = sum(1 for t in session if t.info.state == "ERROR")
                    return Feedback(value=errors == 0, rationale=f"{len(session)} turns, {errors} errors")
                """, isolation);
        List<Trace> turns = new ArrayList<>(threeTurns().traces());
        Trace second = turns.get(1);
        turns.set(1, new Trace(second.info().toBuilder().state(TraceState.ERROR).build(), second.spans()));

        Feedback f = (Feedback) s.scoreSession(new Session("conv-1", turns));

        assertThat(f.value()).isEqualTo(false);
        assertThat(f.rationale()).isEqualTo("3 turns, 1 errors");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void classBasedScorerWithSession_isASessionScorerToo(Isolation isolation) {
        PythonScorer s = scorer("frustration_words", """
                from mlflow.genai.scorers import Scorer

                class FrustrationWords(Scorer):
                    name: str = "frustration_words"
                    words: tuple = ("late", "angry")

                    def __call__(self, *, session, **kwargs):
                        return [t.info.request_preview for t in session
                                if any(w in t.info.request_preview for w in self.words)][0]

                frustration = FrustrationWords(words=("late",))
                """, isolation);
        assertThat(s.sessionLevel()).isTrue();

        assertThat(s.scoreSession(threeTurns())).isEqualTo("Hi, my order is late");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void returnValues_mapAsForTraceScorers(Isolation isolation) {
        Session session = threeTurns();
        assertThat(scorer("b", "@scorer\ndef b(session):\n    return len(session) > 2\n", isolation)
                .scoreSession(session)).isEqualTo(true);
        assertThat(scorer("d", "@scorer\ndef d(session):\n    return len(session) / 4\n", isolation)
                .scoreSession(session)).isEqualTo(0.75);
        @SuppressWarnings("unchecked")
        List<Feedback> list = (List<Feedback>) scorer("l", """
                from mlflow.entities import Feedback

                @scorer
                def l(session):
                    return [Feedback(name="turn_%d" % i, value=len(t.data.response)) for i, t in enumerate(session)]
                """, isolation).scoreSession(session);
        assertThat(list).extracting(Feedback::name).containsExactly("turn_0", "turn_1", "turn_2");
        assertThat(list).extracting(Feedback::value).containsExactly(38L, 26L, 15L);
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void sessionWithExpectations_getsAnEmptyExpectationsDict(Isolation isolation) {
        PythonScorer s = scorer("exp", """
                @scorer
                def exp(session, expectations):
                    return "%d %r" % (len(session), dict(expectations))
                """, isolation);
        assertThat(s.sessionLevel()).isTrue();
        assertThat(s.scoreSession(threeTurns())).isEqualTo("3 {}");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void failingSessionScorer_becomesAnErrorFeedback(Isolation isolation) {
        Feedback f = (Feedback) scorer("boom", """
                @scorer
                def boom(session):
                    raise ValueError("no turn %d" % len(session))
                """, isolation).scoreSession(threeTurns());
        assertThat(f.error()).isNotNull();
        assertThat(f.error().code()).isEqualTo("ValueError");
        assertThat(f.error().message()).contains("no turn 3");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void mixedSignature_isRefusedAtLoadNamingTheParameters(Isolation isolation) {
        assertThatThrownBy(() -> scorer("mixed", """
                @scorer
                def mixed(session, outputs, trace):
                    return 1
                """, isolation))
                .isInstanceOf(PythonSourceException.class)
                .hasMessageContaining("a session scorer takes 'session'")
                .hasMessageContaining("'outputs', 'trace'");
        assertThatThrownBy(() -> scorer("mixed_class", """
                from mlflow.genai.scorers import Scorer

                class Mixed(Scorer):
                    def __call__(self, *, session, inputs):
                        return 1
                """, isolation))
                .isInstanceOf(PythonSourceException.class)
                .hasMessageContaining("cannot also take 'inputs'");
    }

    @Test
    void traceScorer_isNotSessionLevel_andEachRefusesTheOtherLevelsInput() {
        PythonScorer trace = scorer("t", "@scorer\ndef t(outputs):\n    return 1\n", Isolation.IN_PROCESS);
        PythonScorer session = scorer("s", "@scorer\ndef s(session):\n    return 1\n", Isolation.IN_PROCESS);
        assertThat(trace.sessionLevel()).isFalse();

        Feedback onSession = (Feedback) trace.scoreSession(threeTurns());
        assertThat(onSession.error().code()).isEqualTo(PythonScorer.MISSING_INPUT);
        assertThat(onSession.error().message()).contains("does not take 'session'", "conv-1");
        Feedback onTrace = (Feedback) session.score(TestSandboxes.input("1", "q", "a"));
        assertThat(onTrace.error().code()).isEqualTo(PythonScorer.MISSING_INPUT);
        assertThat(onTrace.error().message()).contains("takes 'session'");
    }

    @Test
    void definition_recordsTheLevel_andTheCodecRebuildsAndChecksIt() {
        PythonScorer s = scorer("turn_order", TURN_ORDER, Isolation.IN_PROCESS);
        ScorerDefinition d = s.definition();
        assertThat(d.config()).containsEntry("session_level", true);
        assertThat(PythonScorerCodec.isSessionLevel(d)).isTrue();
        PythonScorer back = new PythonScorerCodec().decode("turn_order", d, TestSandboxes.sandbox());
        assertThat(back.sessionLevel()).isTrue();
        assertThat(back.definition()).isEqualTo(d);

        ScorerDefinition trace = scorer("t", "@scorer\ndef t(outputs):\n    return 1\n", Isolation.IN_PROCESS)
                .definition();
        assertThat(trace.config()).doesNotContainKey("session_level");
        assertThat(PythonScorerCodec.isSessionLevel(trace)).isFalse();

        Map<String, Object> lying = new LinkedHashMap<>(trace.config());
        lying.put("session_level", true);
        assertThatThrownBy(() -> new PythonScorerCodec().decode("t", new ScorerDefinition("python", lying),
                TestSandboxes.sandbox()))
                .hasMessageContaining("session_level=true")
                .hasMessageContaining("does not take 'session'");
    }

    @Test
    void sessionScoring_runsAPythonSessionScorer_onAMemoryStore() {
        MutableClock clock = new MutableClock(T0);
        try (Store store = Stores.open("memory:", StoreOptions.withClock(clock))) {
            String exp = store.experiments().getOrCreate("chat").experimentId();
            store.traces().put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1),
                    "Hi", "Hello!", "Price?", "$10.", "Bye", "Goodbye!"));
            TraceInfo unrelated = TraceInfo.builder().traceId("lone").experimentId(exp).requestTime(T0)
                    .executionDurationMs(5L).state(TraceState.OK).build();
            store.traces().put(List.of(new Trace(unrelated, List.of())));
            PythonScorer turns = scorer("turn_order", TURN_ORDER, Isolation.IN_PROCESS);
            SessionScoring scoring = new SessionScoring(store, exp, List.of(SessionScorerEntry.of(turns)),
                    SessionOptions.defaults(), clock);

            clock.set(T0.plus(Duration.ofMinutes(10)));
            SessionPass pass = scoring.runOnce();

            assertThat(pass.scored()).isEqualTo(1);
            List<Assessment> stored = store.assessments().listByTrace("s1-t3");
            assertThat(stored).hasSize(1);
            Assessment a = stored.get(0);
            assertThat(a.name()).isEqualTo("turn_order");
            assertThat(a.feedback().value()).isEqualTo(3L);
            assertThat(a.rationale()).isEqualTo("s1-t1,s1-t2,s1-t3|Hi;Price?;Bye|0");
            assertThat(a.metadata()).containsEntry(Session.METADATA_KEY, "s1");
            assertThat(scoring.runOnce().upToDate()).isEqualTo(1);
        }
    }
}
