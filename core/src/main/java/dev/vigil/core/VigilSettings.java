package dev.vigil.core;

import dev.vigil.core.budget.BudgetAlert;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What a {@link Vigil.Builder} has been told, each value checked when it is set (the messages say what was wrong
 * and what is allowed), and the whole checked by {@link #validate()}. Mutable, as a builder's state is; read once
 * by {@link VigilRuntime} when the {@code Vigil} is built.
 */
final class VigilSettings {
    String storeUri;
    Store storeInstance;
    Clock clock = Clock.systemUTC();
    LongSupplier ticker = System::nanoTime;
    Pauser pauser = Pauser.SLEEP;
    Sampler sampler = Sampler.defaultSampler();
    EngineMetrics metrics;
    final EngineOptions.Builder options = EngineOptions.builder();
    int backfillPageSize = 1_000;
    int backfillParallelism = 16;
    int backfillDeferredRetries = 8;
    int evaluateDeferredRounds = 2;
    Consumer<BudgetAlert> budgetAlerts;
    Duration alertOutboxEvery = AlertOutbox.DEFAULT_EVERY;
    AlertOutbox alertOutbox;
    String dashboardUrl;
    int maxActiveScorers = ScorerRegistry.DEFAULT_MAX_ACTIVE;
    Duration sessionIdle = SessionOptions.DEFAULT_IDLE;
    Duration sessionPassInterval = SessionMonitor.DEFAULT_PASS_INTERVAL;

    void sessionIdle(Duration v) {
        if (v == null || v.isNegative()) {
            throw new InvalidInputException("the session idle period must be 0 or more, got " + v);
        }
        sessionIdle = v;
    }

    void sessionPassInterval(Duration v) {
        sessionPassInterval = SessionMonitor.checkInterval(v);
    }

    void store(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException("store URI must be non-blank, e.g. memory: or jdbc:h2:file:./vigil");
        }
        if (storeInstance != null) {
            throw new InvalidInputException("a store instance was set already; set either a URI or a store");
        }
        storeUri = uri;
    }

    void store(Store store) {
        Objects.requireNonNull(store, "store");
        if (storeUri != null) {
            throw new InvalidInputException("a store URI was set already (" + storeUri
                    + "); set either a URI or a store");
        }
        storeInstance = store;
    }

    void alertOutboxEvery(Duration v) {
        if (v == null || v.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidInputException("the alert outbox interval must be 1 second or more, got " + v);
        }
        alertOutboxEvery = v;
    }

    void dashboardUrl(String v) {
        dashboardUrl = v == null || v.isBlank() ? null : v;
    }

    void backfillPageSize(int v) {
        if (v < 1 || v > 10_000) {
            throw new InvalidInputException("backfillPageSize must be in 1..10000, got " + v);
        }
        backfillPageSize = v;
    }

    void backfillDeferredRetries(int v) {
        backfillDeferredRetries = atLeast("backfillDeferredRetries", 1, v);
    }

    void backfillParallelism(int v) {
        backfillParallelism = atLeast("backfillParallelism", 1, v);
    }

    void evaluateDeferredRounds(int v) {
        evaluateDeferredRounds = atLeast("evaluateDeferredRounds", 0, v);
    }

    void maxActiveScorers(int v) {
        maxActiveScorers = atLeast("maxActiveScorers", 1, v);
    }

    private static int atLeast(String name, int min, int v) {
        if (v < min) {
            throw new InvalidInputException(name + " must be " + min + " or more, got " + v);
        }
        return v;
    }

    /**
     * The checks of the whole, before anything is opened.
     *
     * @throws InvalidInputException if no store was set or the engine options conflict
     */
    void validate() {
        if (storeUri == null && storeInstance == null) {
            throw new InvalidInputException("Vigil needs a store: call store(\"memory:\") or a durable one, e.g."
                    + " store(\"jdbc:h2:file:./vigil-data/vigil\")");
        }
        options.build(); // cross-field checks
    }
}
