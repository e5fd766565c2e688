package dev.vigil.core;

import dev.vigil.core.budget.BudgetGuard;
import dev.vigil.core.budget.BudgetNotifications;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.core.notify.DurableDeadLetters;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The choices {@link VigilRuntime} makes from the settings and the store: whether budgets are guarded and where
 * their alerts go (the given sink, else the store's outbox sending through the notifiers found by ServiceLoader,
 * else the log), and the session loop's options.
 */
final class VigilWiring {

    private VigilWiring() {}

    /**
     * @return the outbox given to the builder; else, when no alert sink was given and the store keeps budgets and an
     *     outbox, one on the store; else null
     */
    static AlertOutbox alertOutbox(VigilSettings s, Store store) {
        if (s.alertOutbox != null) {
            return s.alertOutbox;
        }
        return s.budgetAlerts == null && keepsBudgets(store) && AlertOutbox.supported(store)
                ? storeOutbox(store, s.clock, s.dashboardUrl) : null;
    }

    /**
     * Guards the runner's calls with the store's budgets, if it keeps any: a reservation lives three scorer timeouts
     * (at least {@link BudgetGuard#DEFAULT_RESERVATION_TTL}); alerts go to the given sink, else the outbox, else the
     * log.
     */
    static void guardBudgets(ScorerRunner runner, VigilSettings s, Store store, EngineOptions options,
            AlertOutbox outbox) {
        if (!keepsBudgets(store)) {
            return;
        }
        Duration ttl = options.scorerTimeout().multipliedBy(3);
        runner.guardCalls(new BudgetGuard(store.budgets(), s.clock,
                s.budgetAlerts != null ? s.budgetAlerts
                        : outbox != null ? BudgetNotifications.async(outbox) : BudgetGuard.logAlerts(),
                ttl.compareTo(BudgetGuard.DEFAULT_RESERVATION_TTL) > 0 ? ttl : BudgetGuard.DEFAULT_RESERVATION_TTL));
    }

    /**
     * The outbox of alerts, sent through the notifiers found by ServiceLoader; undeliverable ones kept as dead
     * letters (in the store's jobs when it keeps them).
     */
    private static AlertOutbox storeOutbox(Store store, Clock clock, String dashboardUrl) {
        Consumer<NotifierContext.DeadLetter> dead;
        try {
            dead = new DurableDeadLetters(store.jobs(), clock);
        } catch (UnsupportedOperationException e) {
            dead = d -> { };
        }
        return new AlertOutbox(store, NotificationDispatcher.loaded(new NotifierContext(clock,
                d -> Thread.sleep(d.toMillis()), Optional.ofNullable(dashboardUrl), dead)), clock,
                AlertOutbox.DEFAULT_LEASE);
    }

    /** The session loop's options: a lookback of a day, or twice the idle period if that is longer. */
    static SessionOptions sessionOptions(Duration idle, Sampler sampler) {
        SessionOptions d = SessionOptions.defaults();
        Duration lookback = idle.multipliedBy(2).compareTo(d.lookback()) > 0 ? idle.multipliedBy(2) : d.lookback();
        return new SessionOptions(idle, lookback, sampler, d.pageSize());
    }

    private static boolean keepsBudgets(Store store) {
        try {
            return store.budgets() != null;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }
}
