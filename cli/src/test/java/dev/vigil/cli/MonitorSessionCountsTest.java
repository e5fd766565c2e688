package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.session.CountingSessionScorer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code vigil monitor} shows the session monitor's counts once it has run a pass over the experiment. */
class MonitorSessionCountsTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void statusLine_addsTheSessionCounts_afterAPass() {
        MutableClock clock = new MutableClock(T0);
        try (Vigil vigil = Vigil.builder().store("memory:").clock(clock).build()) {
            ExperimentHandle exp = vigil.experiment("chat");
            exp.scorers().register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                    .start(SamplingConfig.of(1.0));
            exp.log(Conversations.conversation(exp.id(), "s1", T0, Duration.ofSeconds(30), "Hi", "Hello!"));
            assertThat(MonitorCommand.status(vigil, exp.id(), 0)).doesNotContain("sessions");

            clock.set(T0.plus(Duration.ofMinutes(10)));
            assertThat(vigil.sessions().runOnce().get(exp.id()).scored()).isEqualTo(1);

            assertThat(MonitorCommand.status(vigil, exp.id(), 0))
                    .endsWith("  sessions scored 1  errors 0  deferred 0");
            assertThat(MonitorCommand.sessionSummary(vigil.stats(exp.id()).sessions()))
                    .isEqualTo("Session passes: 1; sessions scored 1, 0 errors, 0 deferred (tried again on a later"
                            + " pass).");
        }
    }

    @Test
    void sessionSummary_saysEveryCount() {
        assertThat(MonitorCommand.sessionSummary(new EngineStats.SessionCounts(3, 7, 2, 1)))
                .isEqualTo("Session passes: 3; sessions scored 7, 2 errors, 1 deferred (tried again on a later pass).");
    }
}
