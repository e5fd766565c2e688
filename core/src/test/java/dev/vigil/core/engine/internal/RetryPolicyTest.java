package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.failsafe.Execution;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static List<Duration> delays(RetryPolicy policy, Throwable failure, int failures) {
        Execution<Object> e = Execution.of(ScorerRunner.failsafe(policy));
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < failures && !e.isComplete(); i++) {
            e.recordException(failure);
            if (!e.isComplete()) {
                out.add(e.getDelay());
            }
        }
        return out;
    }

    @Test
    void backoff_doublesUpToTheCap_boundedInAttempts() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30),
                0.0);
        assertThat(delays(policy, new JudgeException(FailureKind.OVERLOADED, "503"), 10)).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                Duration.ofSeconds(1));
    }

    @Test
    void backoff_jitterStaysWithinTheJitteredFraction() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30),
                0.5);
        assertThat(delays(policy, new JudgeException(FailureKind.TIMEOUT, "slow"), 1))
                .singleElement().satisfies(d -> assertThat(d).isBetween(Duration.ofMillis(100), Duration.ofMillis(300)));
    }

    @Test
    void permanentKindsAndScorerBugs_areNotRetried() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        for (FailureKind k : List.of(FailureKind.AUTH, FailureKind.BAD_REQUEST, FailureKind.CONTENT_REFUSED)) {
            assertThat(delays(policy, new JudgeException(k, "no"), 5)).as("%s", k).isEmpty();
        }
        assertThat(delays(policy, new IllegalStateException("bug"), 5)).isEmpty();
        assertThat(delays(policy, new JudgeException(FailureKind.UNPARSEABLE, "garbage"), 10)).hasSize(4);
    }

    @Test
    void constructor_rejectsNonsense_sayingWhatIsAllowed() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 or more");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO, 0))
                .hasMessageContaining("shorter than initialBackoff");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1.5))
                .hasMessageContaining("[0, 1]");
    }

    @Test
    void engineOptions_rejectAShortLeaseAndBadSizes() {
        assertThatThrownBy(() -> EngineOptions.builder().pollInterval(Duration.ofSeconds(5))
                .leaseTtl(Duration.ofSeconds(10)).build()).hasMessageContaining("at least 3 poll intervals");
        assertThatThrownBy(() -> EngineOptions.builder().partitions(0)).hasMessageContaining("1..1024");
        assertThatThrownBy(() -> EngineOptions.builder().settleDelay(Duration.ofSeconds(-1)))
                .hasMessageContaining("0 or more");
    }
}
