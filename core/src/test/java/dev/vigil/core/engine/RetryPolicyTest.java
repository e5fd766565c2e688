package dev.vigil.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(30), 0.5);

    @Test
    void backoff_doublesUpToTheCap_withoutJitterAtRandomOne() {
        assertThat(policy.backoff(1, null, 1.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2, null, 1.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(4, null, 1.0)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(5, null, 1.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(30, null, 1.0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void backoff_jitterDrawsWithinTheJitteredFraction() {
        assertThat(policy.backoff(3, null, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3, null, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.backoff(3, null, 0.999)).isLessThan(Duration.ofMillis(400));
    }

    @Test
    void backoff_neverShorterThanRetryAfter() {
        assertThat(policy.backoff(1, Duration.ofSeconds(7), 0.3)).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.backoff(5, Duration.ofMillis(10), 1.0)).isEqualTo(Duration.ofSeconds(1));
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
