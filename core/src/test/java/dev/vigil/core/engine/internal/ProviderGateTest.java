package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.core.engine.ProviderLimit;
import java.util.ArrayList;
import java.util.List;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProviderGateTest {

    private final AtomicLong ticker = new AtomicLong();
    private final ProviderGate gate = new ProviderGate("openai", ProviderLimit.DEFAULT, ticker::get);

    @Test
    void breaker_opensAfterTenTransientFailures_namingTheFirstCause() {
        gate.onFailure(FailureKind.CONNECTION, null, ScorerRunner.describe(new java.io.UncheckedIOException(
                new ConnectException())));
        for (int i = 0; i < 9; i++) {
            assertThat(gate.breakerPermits()).isTrue();
            gate.onFailure(FailureKind.OVERLOADED, null, "503 from upstream");
        }

        assertThat(gate.breakerPermits()).isFalse();
        assertThat(gate.breakerCause()).contains("first failure: CONNECTION").contains("java.net.ConnectException")
                .contains("last: OVERLOADED: 503 from upstream");
    }

    @Test
    void breaker_letsOneTrialThroughAfterTheDelay_byTheTicker_andASuccessClosesIt() {
        for (int i = 0; i < 10; i++) {
            gate.onFailure(FailureKind.TIMEOUT, null, "timed out");
        }
        assertThat(gate.breakerPermits()).isFalse();
        ticker.addAndGet(ProviderGate.BREAKER_OPEN.toNanos());

        assertThat(gate.breakerPermits()).isTrue();
        assertThat(gate.breakerPermits()).isFalse(); // one trial at a time
        gate.onSuccess();
        assertThat(gate.breakerPermits()).isTrue();
        assertThat(gate.breakerRemaining()).isEqualTo(Duration.ZERO);
    }

    @Test
    void failedTrial_opensTheBreakerAgain() {
        for (int i = 0; i < 10; i++) {
            gate.onFailure(FailureKind.TIMEOUT, null, "timed out");
        }
        ticker.addAndGet(ProviderGate.BREAKER_OPEN.toNanos());
        assertThat(gate.breakerPermits()).isTrue();
        gate.onFailure(FailureKind.TIMEOUT, null, "timed out again");

        assertThat(gate.breakerPermits()).isFalse();
        assertThat(gate.breakerRemaining()).isEqualTo(ProviderGate.BREAKER_OPEN);
    }

    @Test
    void trialEndedByTheScorersOwnFailure_doesNotLeaveTheBreakerOpenForGood() {
        for (int i = 0; i < 10; i++) {
            gate.onFailure(FailureKind.OVERLOADED, null, "503");
        }
        ticker.addAndGet(ProviderGate.BREAKER_OPEN.toNanos());
        assertThat(gate.breakerPermits()).isTrue(); // the trial
        gate.onScorerFailure(); // e.g. the judge threw an IllegalStateException: no provider kind

        assertThat(gate.breakerPermits()).as("calls go through again").isTrue();
    }

    /** A pauser that records each wait and moves the injected ticker past it: no sleeping. */
    private final List<Duration> waits = new ArrayList<>();
    private final dev.vigil.core.engine.Pauser advancing = d -> {
        waits.add(d);
        ticker.addAndGet(d.toNanos());
    };

    private Duration turns(ProviderGate g, int calls) throws InterruptedException {
        waits.clear();
        for (int i = 0; i < calls; i++) {
            g.awaitTurn(advancing);
        }
        return waits.stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Test
    void bucket_startsWithOneSecondOfBurst_thenAdmitsAtTheConfiguredRate_onTheInjectedTicker() throws Exception {
        ProviderGate g = new ProviderGate("openai", new ProviderLimit(4, 10.0), ticker::get);

        assertThat(turns(g, 10)).as("the first second's burst").isZero();
        assertThat(turns(g, 21)).as("then one call per 100 ms").isEqualTo(Duration.ofSeconds(2));
        assertThat(waits).allMatch(d -> d.equals(Duration.ofMillis(100)));
    }

    @Test
    void rateLimited_halvesTheRate_andSuccessesClimbBackToTheConfiguredRate() throws Exception {
        ProviderGate g = new ProviderGate("openai", new ProviderLimit(4, 10.0), ticker::get);
        turns(g, 11); // burst used, next token due in 100 ms

        g.onFailure(FailureKind.RATE_LIMITED, null, "429");
        assertThat(g.currentRate()).isEqualTo(5.0);
        turns(g, 11);
        assertThat(waits.subList(1, waits.size())).as("one call per 200 ms after the halving")
                .allMatch(d -> d.equals(Duration.ofMillis(200))).hasSize(10);

        g.onFailure(FailureKind.RATE_LIMITED, null, "429");
        assertThat(g.currentRate()).isEqualTo(2.5);
        for (int i = 0; i < 5; i++) {
            g.onSuccess();
        }
        assertThat(g.currentRate()).isCloseTo(2.5 * Math.pow(1.05, 5), org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 40; i++) {
            g.onSuccess();
        }
        assertThat(g.currentRate()).as("never above the configured rate").isEqualTo(10.0);
        turns(g, 11);
        assertThat(waits.subList(1, waits.size())).allMatch(d -> d.equals(Duration.ofMillis(100)));
    }

    @Test
    void rateLimited_neverGoesBelowTheMinimumRate() {
        ProviderGate g = new ProviderGate("openai", new ProviderLimit(4, 10.0), ticker::get);
        for (int i = 0; i < 20; i++) {
            g.onRateLimited(null);
        }
        assertThat(g.currentRate()).isEqualTo(ProviderLimit.MIN_RATE);
    }

    @Test
    void retryAfter_pausesTheCallerOnTheInjectedTicker_thenCallsFlowAgain() throws Exception {
        ProviderGate g = new ProviderGate("openai", new ProviderLimit(4, 10.0), ticker::get);
        g.onRateLimited(Duration.ofSeconds(30));

        g.awaitTurn(advancing);
        assertThat(waits).containsExactly(Duration.ofSeconds(30));
        assertThat(turns(g, 3)).as("the pause is over and the burst refilled meanwhile").isZero();
    }
}
