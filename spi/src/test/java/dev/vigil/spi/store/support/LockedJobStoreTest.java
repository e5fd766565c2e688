package dev.vigil.spi.store.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.store.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The rules the memory and file stores share: one token counter, and memory never ahead of what is durable. */
class LockedJobStoreTest {

    /** A store whose persist hooks fail while {@link #failing} is set, as a full disk would. */
    private static final class Store extends LockedJobStore {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        boolean failing;

        @Override
        protected <T> T read(Supplier<T> body) {
            return body.get();
        }

        @Override
        protected <T> T write(Supplier<T> body) {
            return body.get();
        }

        @Override
        protected Instant now() {
            return now;
        }

        @Override
        protected void requireExperiment(String experimentId, String what) {
        }

        @Override
        protected void persistCursors(Map<String, Long> all) {
            fail();
        }

        @Override
        protected void persistLeases(Map<String, Lease> all, long lastToken) {
            fail();
        }

        private void fail() {
            if (failing) {
                throw new IllegalStateException("disk full");
            }
        }
    }

    @Test
    void tokensGrowAcrossResourcesAndReleases() {
        Store s = new Store();
        Lease a = s.tryAcquire("a", "one", Duration.ofSeconds(10)).orElseThrow();
        s.release(a);
        Lease b = s.tryAcquire("b", "two", Duration.ofSeconds(10)).orElseThrow();
        Lease a2 = s.tryAcquire("a", "three", Duration.ofSeconds(10)).orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        assertThat(a2.token()).isGreaterThan(b.token());
    }

    @Test
    void aFailedPersistLeavesMemoryAsItWas() {
        Store s = new Store();
        s.saveCursor("c", 5);
        Lease held = s.tryAcquire("r", "one", Duration.ofSeconds(10)).orElseThrow();
        s.failing = true;

        assertThatThrownBy(() -> s.saveCursor("c", 9)).hasMessageContaining("disk full");
        assertThat(s.cursor("c")).hasValue(5);
        assertThatThrownBy(() -> s.release(held)).hasMessageContaining("disk full");
        assertThat(s.leaseLocked("r")).isEqualTo(held);

        s.now = s.now.plusSeconds(60); // expired: another owner may take it, but the write fails
        assertThatThrownBy(() -> s.tryAcquire("r", "two", Duration.ofSeconds(10))).hasMessageContaining("disk full");
        assertThat(s.leaseLocked("r")).isEqualTo(held);

        s.failing = false;
        Optional<Lease> next = s.tryAcquire("r", "two", Duration.ofSeconds(10));
        assertThat(next).isPresent();
        assertThat(next.get().token()).isEqualTo(held.token() + 1); // the failed attempt used no token
    }
}
