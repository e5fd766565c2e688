package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionScoringTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    MutableClock clock;
    Store store;
    String exp;
    final TurnCounter counter = new TurnCounter();

    /** Counts its calls; returns the number of turns it saw, or throws what it is told to. */
    static final class TurnCounter implements SessionScorer {
        final AtomicInteger calls = new AtomicInteger();
        final List<List<String>> seen = new ArrayList<>();
        volatile RuntimeException fail;

        @Override public String name() { return "turns"; }
        @Override public ScorerDefinition definition() { return new ScorerDefinition("java", Map.of()); }

        @Override
        public Object scoreSession(Session session) {
            calls.incrementAndGet();
            if (fail != null) {
                throw fail;
            }
            seen.add(session.traces().stream().map(Trace::traceId).toList());
            return session.turns();
        }
    }

    @BeforeEach
    void open() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        exp = store.experiments().getOrCreate("chat").experimentId();
    }

    @AfterEach
    void close() {
        store.close();
    }

    SessionScoring scoring(SessionScorerEntry... entries) {
        return new SessionScoring(store, exp, List.of(entries), SessionOptions.defaults(), clock);
    }

    SessionScoring scoring() {
        return scoring(new SessionScorerEntry(counter, 1, 1.0));
    }

    void put(List<Trace> traces) {
        store.traces().put(traces);
    }

    List<Assessment> assessmentsOf(String sessionId) {
        List<Assessment> out = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            store.traces().get(sessionId + "-t" + i)
                    .ifPresent(t -> out.addAll(store.assessments().listByTrace(t.traceId())));
        }
        return out;
    }

    @Test
    void session_isScoredOnlyOnceIdleForFiveMinutes() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!", "Bye", "Goodbye!"));
        // last turn starts at T0+1min and lasts 1s: idle from T0+1min+1s
        clock.set(T0.plus(Duration.ofMinutes(5)));
        SessionPass early = scoring().runOnce();
        assertThat(early.active()).isEqualTo(1);
        assertThat(counter.calls).hasValue(0);

        clock.set(T0.plus(Duration.ofMinutes(6)).plusSeconds(1));
        SessionPass pass = scoring().runOnce();
        assertThat(pass.scored()).isEqualTo(1);
        assertThat(counter.seen).containsExactly(List.of("s1-t1", "s1-t2"));
        List<Assessment> stored = assessmentsOf("s1");
        assertThat(stored).hasSize(1);
        Assessment a = stored.get(0);
        assertThat(a.traceId()).isEqualTo("s1-t2");
        assertThat(a.feedback().value()).isEqualTo(2L);
        assertThat(a.valid()).isTrue();
        assertThat(a.metadata()).containsEntry(Session.METADATA_KEY, "s1")
                .containsEntry(SessionAssessments.METADATA_SESSION_VERSION, "2")
                .containsEntry(SessionAssessments.METADATA_FIRST_TRACE, "s1-t1")
                .containsEntry(Assessment.METADATA_SCORER_NAME, "turns")
                .containsEntry(Assessment.METADATA_SCORER_VERSION, "1");
    }

    @Test
    void idlePeriod_isConfigurable() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!"));
        clock.set(T0.plusSeconds(31));
        SessionOptions thirtySeconds = SessionOptions.defaults().withIdleAfter(Duration.ofSeconds(30));
        new SessionScoring(store, exp, List.of(SessionScorerEntry.of(counter)), thirtySeconds, clock).runOnce();
        assertThat(counter.calls).hasValue(1);
    }

    @Test
    void scoredSession_isNotScoredAgain_evenByANewProcess() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!"));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        scoring().runOnce();
        SessionPass again = scoring().runOnce();
        SessionPass restarted = scoring().runOnce();

        assertThat(counter.calls).hasValue(1);
        assertThat(again.upToDate()).isEqualTo(1);
        assertThat(restarted.upToDate()).isEqualTo(1);
        assertThat(assessmentsOf("s1")).hasSize(1);
    }

    @Test
    void resumedSession_isScoredAgain_keepingHistoryWithOnlyTheLatestValid() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!", "Price?", "$10."));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        scoring().runOnce();
        Assessment first = assessmentsOf("s1").get(0);

        // the user comes back: a third turn, then the session goes idle again
        put(List.of(Conversations.turn(exp, "s1", "s1-t3", T0.plus(Duration.ofMinutes(12)), "Too much!", "Sorry.")));
        clock.set(T0.plus(Duration.ofMinutes(14)));
        assertThat(scoring().runOnce().active()).isEqualTo(1);
        clock.set(T0.plus(Duration.ofMinutes(20)));
        assertThat(scoring().runOnce().scored()).isEqualTo(1);
        scoring().runOnce();

        assertThat(counter.seen).containsExactly(List.of("s1-t1", "s1-t2"), List.of("s1-t1", "s1-t2", "s1-t3"));
        List<Assessment> history = scoring().history(scoring().session("s1").orElseThrow(),
                new SessionScorerEntry(counter, 1, 1.0));
        assertThat(history).hasSize(2);
        Assessment old = history.get(0);
        Assessment latest = history.get(1);
        assertThat(old.assessmentId()).isEqualTo(first.assessmentId());
        assertThat(old.valid()).isFalse();
        assertThat(old.feedback().value()).isEqualTo(2L);
        assertThat(latest.valid()).isTrue();
        assertThat(latest.traceId()).isEqualTo("s1-t3");
        assertThat(latest.feedback().value()).isEqualTo(3L);
        assertThat(latest.overrides()).isEqualTo(first.assessmentId());
        assertThat(SessionAssessments.latest(history)).contains(latest);
    }

    @Test
    void turnsStoredOutOfOrder_areScoredInTimeOrder() {
        List<Trace> turns = Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "1", "a", "2", "b",
                "3", "c");
        put(List.of(turns.get(2)));
        put(List.of(turns.get(0), turns.get(1)));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        scoring().runOnce();
        assertThat(counter.seen).containsExactly(List.of("s1-t1", "s1-t2", "s1-t3"));
    }

    @Test
    void sessionIdInATag_asSomeMlflowDocsSetIt_isGroupedToo() {
        Trace t = Conversations.turn(exp, "s9", "s9-t1", T0, "Hi", "Hello");
        Trace tagged = new Trace(t.info().toBuilder().traceMetadata(Map.of())
                .tag(Session.METADATA_KEY, "s9").build(), t.spans());
        put(List.of(tagged));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(scoring().runOnce().scored()).isEqualTo(1);
        assertThat(assessmentsOf("s9")).hasSize(1);
    }

    @Test
    void sessionWithATraceInProgress_isActive() {
        Trace t = Conversations.turn(exp, "s1", "s1-t1", T0, "Hi", "...");
        put(List.of(new Trace(t.info().toBuilder().state(TraceState.IN_PROGRESS).build(), t.spans())));
        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(scoring().runOnce().active()).isEqualTo(1);
        assertThat(counter.calls).hasValue(0);
    }

    @Test
    void sampling_followsTheSessionIdHash() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add("session-" + i);
            put(Conversations.conversation(exp, "session-" + i, T0, Duration.ofSeconds(5), "q", "a"));
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionPass pass = scoring(new SessionScorerEntry(counter, 1, 0.5)).runOnce();

        List<String> expected = ids.stream()
                .filter(id -> Sampler.defaultSampler().keep(id, "turns", 0.5)).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(40);
        assertThat(pass.scored()).isEqualTo(expected.size());
        assertThat(pass.notSampled()).isEqualTo(40 - expected.size());
        assertThat(counter.seen).extracting(l -> l.get(0).replace("-t1", ""))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void transientFailure_writesNothingAndIsRetriedOnTheNextPass() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!"));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        counter.fail = new JudgeException(FailureKind.RATE_LIMITED, "429 slow down");
        assertThat(scoring().runOnce().deferred()).isEqualTo(1);
        assertThat(assessmentsOf("s1")).isEmpty();

        counter.fail = null;
        assertThat(scoring().runOnce().scored()).isEqualTo(1);
        assertThat(assessmentsOf("s1")).singleElement()
                .satisfies(a -> assertThat(a.feedback().value()).isEqualTo(1L));
    }

    @Test
    void permanentFailure_isRecordedAsAnErrorAssessment() {
        put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "Hi", "Hello!"));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        counter.fail = new IllegalStateException("bug in scorer");
        assertThat(scoring().runOnce().scored()).isEqualTo(1);
        Assessment a = assessmentsOf("s1").get(0);
        assertThat(a.feedback().error().code()).isEqualTo("SCORER_EXCEPTION");
        assertThat(a.feedback().error().message()).contains("bug in scorer");
        assertThat(scoring().runOnce().upToDate()).isEqualTo(1);
    }

    @Test
    void tracesWithoutASession_areNotScored() {
        Trace t = Conversations.turn(exp, "x", "lone", T0, "q", "a");
        put(List.of(new Trace(t.info().toBuilder().traceMetadata(Map.of()).build(), t.spans())));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(scoring().runOnce().sessions()).isZero();
    }
}
