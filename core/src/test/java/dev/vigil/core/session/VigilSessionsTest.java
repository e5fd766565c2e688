package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.session.CountingSessionScorer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Vigil runs session scorers with the session monitor only, and trace scorers with the engine only. */
class VigilSessionsTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    MutableClock clock;
    Store store;
    Vigil vigil;
    ExperimentHandle exp;

    @BeforeEach
    void open() {
        CountingSessionScorer.reset();
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        vigil = Vigil.builder().store(store).clock(clock).settleDelay(Duration.ZERO).pauser(d -> { })
                .sessionIdle(Duration.ofMinutes(2)).sessionPassInterval(Duration.ofMinutes(10)).build();
        exp = vigil.experiment("chat");
        exp.scorers().register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                .start(SamplingConfig.of(1.0));
        exp.scorers().register(Scorers.code("length", in -> in.outputText().length())).start(SamplingConfig.of(1.0));
    }

    @AfterEach
    void close() {
        vigil.close();
        store.close();
        CountingSessionScorer.reset();
    }

    List<Assessment> on(String traceId) {
        return store.assessments().listByTrace(traceId);
    }

    @Test
    void engineScoresTraces_withTraceScorersOnly_andTheSessionMonitorScoresSessions() {
        List<Trace> chat = Conversations.conversation(exp.id(), "s1", T0, Duration.ofSeconds(30), "Hi", "Hello!",
                "Bye", "Goodbye!");
        vigil.startMonitoring();
        assertThat(vigil.sessions().isRunning()).isTrue();
        exp.log(chat);
        assertThat(vigil.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(CountingSessionScorer.traceCalls()).isZero();
        assertThat(on("s1-t1")).extracting(Assessment::name).containsExactly("length");

        // the builder's idle period (2 minutes, not MLflow's 5) applies
        clock.set(T0.plus(Duration.ofMinutes(3)));
        assertThat(vigil.sessions().runOnce().get(exp.id()).scored()).isEqualTo(1);
        assertThat(on("s1-t2")).extracting(Assessment::name).containsExactlyInAnyOrder("length", "turns");
        assertThat(CountingSessionScorer.seen()).containsExactly("s1@2");
        vigil.close();
        assertThat(vigil.sessions().isRunning()).isFalse();
    }

    @Test
    void backfillSessions_scoresTheRangeOnce_andTraceBackfillRefusesSessionScorers() {
        exp.log(Conversations.conversation(exp.id(), "s1", T0, Duration.ofSeconds(30), "Hi", "Hello!"));
        exp.log(Conversations.conversation(exp.id(), "s2", T0.plusSeconds(5), Duration.ofSeconds(30), "Yo", "Hey"));
        clock.set(T0.plusSeconds(60));
        SessionPass pass = exp.backfillSessions(List.of(BackfillScorer.of("turns")), T0, T0.plusSeconds(60));
        assertThat(pass.scored()).isEqualTo(2);
        assertThat(exp.backfillSessions(List.of(BackfillScorer.of("turns")), T0, T0.plusSeconds(60)).upToDate())
                .isEqualTo(2);
        assertThat(CountingSessionScorer.sessionCalls()).isEqualTo(2);

        assertThat(catchThrowable(() -> exp.backfill(T0, T0.plusSeconds(60), "turns")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("session-level scorer");
        assertThat(catchThrowable(() -> exp.backfillSessions(List.of(BackfillScorer.of("length")), T0,
                T0.plusSeconds(60)))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("trace-level scorer");
    }

    @Test
    void builderOptions_areValidated() {
        assertThat(catchThrowable(() -> Vigil.builder().sessionIdle(Duration.ofSeconds(-1))))
                .hasMessageContaining("session idle period must be 0 or more");
        assertThat(catchThrowable(() -> Vigil.builder().sessionPassInterval(Duration.ofMillis(5))))
                .hasMessageContaining("session pass interval must be 1 second or more");
    }

    @Test
    void sessionPasses_areCountedInTheEnginesStats() {
        exp.log(Conversations.conversation(exp.id(), "s1", T0, Duration.ofSeconds(30), "Hi", "Hello!"));
        clock.set(T0.plus(Duration.ofMinutes(3)));
        assertThat(vigil.sessions().runOnce().get(exp.id()).scored()).isEqualTo(1);
        assertThat(vigil.sessions().runOnce().get(exp.id()).upToDate()).isEqualTo(1);

        assertThat(vigil.stats().sessions()).isEqualTo(new dev.vigil.core.metrics.EngineStats.SessionCounts(2, 1, 0,
                0));
        assertThat(vigil.stats(exp.id()).sessions()).isEqualTo(vigil.stats().sessions());
    }
}
