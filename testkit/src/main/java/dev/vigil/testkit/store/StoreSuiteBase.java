package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.store.Store;
import dev.vigil.testkit.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * The setup every store conformance suite shares: before each test a new, empty store ({@link #store}) opened with a
 * fresh {@link MutableClock} ({@link #clock}) set to the suite's start time, closed after the test. A backend's test
 * class implements {@link #openStore(Clock)}, and a durable backend also {@link #reopenStore(Clock)}, once per suite
 * it runs; the suites ({@link StoreConformanceSuite}, {@link BudgetStoreConformanceSuite},
 * {@link RetryQueueConformanceSuite}, {@link MonitorStoreConformanceSuite}, {@link CoordinationConformanceSuite},
 * {@link RollupStoreConformanceSuite}, {@link SessionQueryConformanceSuite}, {@link TraceCountConformanceSuite},
 * {@link UnreadableRowsConformanceSuite}, {@link WriteLimitsConformanceSuite}) all extend it. A suite that needs
 * more before each test (an experiment, say) adds its own {@code @BeforeEach} method under another name: JUnit runs
 * it after this class's.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class StoreSuiteBase {

    /** The clock the store under test was opened with, at the suite's start time before each test; tests advance it. */
    protected MutableClock clock;
    /** The store under test: new and empty for each test. */
    protected Store store;

    private final Instant start;

    /**
     * @param start where {@link #clock} stands before each test
     */
    protected StoreSuiteBase(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
    }

    /**
     * Opens a new, empty store.
     *
     * @param clock the clock to open it with (it must be used for create/update times and lease expiry)
     * @return the store
     */
    protected abstract Store openStore(Clock clock);

    /**
     * Opens the store of the current test again after it was closed; the suites' reopen tests check what survived.
     *
     * @param clock the clock to open it with
     * @return the same store opened again, or null (the default) for a store that is not durable
     */
    protected Store reopenStore(Clock clock) {
        return null;
    }

    @BeforeEach
    void openStoreUnderTest() {
        clock = new MutableClock(start);
        store = openStore(clock);
        assertThat(store).as("openStore must return a store").isNotNull();
    }

    @AfterEach
    void closeStoreUnderTest() {
        if (store != null) {
            store.close();
        }
    }
}
