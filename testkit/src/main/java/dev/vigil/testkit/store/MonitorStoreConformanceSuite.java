package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.StoredMonitor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.MonitorStore}: versioned monitor definitions and their
 * transition history, idempotent by transition id. Subclass it once per backend; override
 * {@link #reopenStore(Clock)} for a durable backend so the reopen test checks what survives.
 */
public abstract class MonitorStoreConformanceSuite extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private String experimentId;

    /** Opens each test's store at {@link #T0}. */
    protected MonitorStoreConformanceSuite() {
        super(T0);
    }

    @BeforeEach
    void createMonitorsExperiment() {
        experimentId = store.experiments().getOrCreate("monitors").experimentId();
    }

    private StoredMonitor monitor(String name, int version, String json) {
        return new StoredMonitor(experimentId, name, version, json, T0.plusSeconds(version));
    }

    private MonitorTransition transition(String id, String name, int minute, String from, String to, double value) {
        Instant at = T0.plusSeconds(60L * minute);
        return new MonitorTransition(id, experimentId, name, 1, at, from, to, value, value - 0.05, value + 0.05, 120,
                at.minusSeconds(3600), at, List.of("tr-a", "tr-b"));
    }

    @Test
    void versions_areStoredInOrder_andTheLatestIsListed() {
        store.monitors().create(monitor("b", 1, "{\"v\":1}"));
        store.monitors().create(monitor("a", 1, "{\"v\":1}"));
        store.monitors().create(monitor("a", 2, "{\"v\":2}"));

        assertThat(store.monitors().latest(experimentId, "a").orElseThrow().definitionJson()).isEqualTo("{\"v\":2}");
        assertThat(store.monitors().latest(experimentId, "a").orElseThrow().createdAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(store.monitors().list(experimentId)).extracting(StoredMonitor::name, StoredMonitor::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2), org.assertj.core.groups.Tuple.tuple("b", 1));
        assertThat(store.monitors().latest(experimentId, "missing")).isEmpty();
    }

    @Test
    void aTakenOrSkippedVersion_isRejected_andNothingChanges() {
        store.monitors().create(monitor("a", 1, "{}"));
        assertThatThrownBy(() -> store.monitors().create(monitor("a", 1, "{\"x\":1}")))
                .isInstanceOf(StaleWriteException.class);
        assertThatThrownBy(() -> store.monitors().create(monitor("a", 3, "{}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("next version is 2");
        assertThatThrownBy(() -> store.monitors().create(new StoredMonitor("no-such-experiment", "a", 1, "{}", T0)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(store.monitors().latest(experimentId, "a").orElseThrow().definitionJson()).isEqualTo("{}");
    }

    @Test
    void history_isNewestFirst_limited_andIdempotentById() {
        store.monitors().create(monitor("a", 1, "{}"));
        assertThat(store.monitors().appendTransition(transition("t1", "a", 1, "NO_DATA", "OK", 0.95))).isTrue();
        assertThat(store.monitors().appendTransition(transition("t2", "a", 5, "OK", "CRITICAL", 0.8))).isTrue();
        assertThat(store.monitors().appendTransition(transition("t2", "a", 5, "OK", "CRITICAL", 0.8))).isFalse();
        MonitorTransition noData = new MonitorTransition("t3", experimentId, "a", 1, T0.plusSeconds(600), "CRITICAL",
                "NO_DATA", Double.NaN, Double.NaN, Double.NaN, 0, T0, T0.plusSeconds(600), List.of());
        assertThat(store.monitors().appendTransition(noData)).isTrue();

        List<MonitorTransition> h = store.monitors().history(experimentId, "a", 10);
        assertThat(h).extracting(MonitorTransition::id).containsExactly("t3", "t2", "t1");
        assertThat(h.get(1)).isEqualTo(transition("t2", "a", 5, "OK", "CRITICAL", 0.8));
        assertThat(h.get(0).value()).isNaN();
        assertThat(h.get(0).low()).isNaN();
        assertThat(store.monitors().history(experimentId, "a", 1)).extracting(MonitorTransition::id)
                .containsExactly("t3");
        assertThat(store.monitors().history(experimentId, "other", 5)).isEmpty();
    }

    @Test
    void delete_removesEveryVersionAndTheHistory() {
        store.monitors().create(monitor("a", 1, "{}"));
        store.monitors().create(monitor("a", 2, "{}"));
        store.monitors().appendTransition(transition("t1", "a", 1, "NO_DATA", "OK", 0.9));

        assertThat(store.monitors().delete(experimentId, "a")).isEqualTo(2);
        assertThat(store.monitors().latest(experimentId, "a")).isEmpty();
        assertThat(store.monitors().history(experimentId, "a", 5)).isEmpty();
        assertThat(store.monitors().delete(experimentId, "a")).isZero();
        store.monitors().create(monitor("a", 1, "{\"again\":true}"));
        assertThat(store.monitors().latest(experimentId, "a").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void monitorsAndHistory_surviveAReopen() {
        store.monitors().create(monitor("a", 1, "{\"k\":\"v\"}"));
        store.monitors().appendTransition(transition("t1", "a", 1, "NO_DATA", "WARNING", 0.91));
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not a durable store: nothing to check
        }
        assertThat(store.monitors().latest(experimentId, "a").orElseThrow().definitionJson())
                .isEqualTo("{\"k\":\"v\"}");
        assertThat(store.monitors().history(experimentId, "a", 5))
                .containsExactly(transition("t1", "a", 1, "NO_DATA", "WARNING", 0.91));
    }
}
