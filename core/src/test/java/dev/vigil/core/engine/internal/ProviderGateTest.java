package dev.vigil.core.engine.internal;

import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.spi.judge.FailureKind;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
