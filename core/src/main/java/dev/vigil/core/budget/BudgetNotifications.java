package dev.vigil.core.budget;

import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link BudgetAlert} through the notifiers configured on its budget ({@link Budget#destinations()}: Slack,
 * webhook, log, or a plug-in's), like a monitor's state change, and logs it. The notification's id is the alert's
 * (budget, period, threshold), stable across engines and retries, so receivers de-duplicate on it.
 *
 * <p>Delivery is at-least-once through the store's outbox ({@link AlertOutbox}): {@link #accept} records the alert
 * as pending before the guard raises the store's alert mark (it throws if the store could not record it, and the
 * mark stays down), then sends it on {@code executor}; an engine that stops before the send leaves it pending, and
 * the next engine's outbox drain sends it. An alert recorded already (the same crossing seen again, or by another
 * engine) is neither logged nor sent again. A delivery that fails after the notifier's last try becomes a dead
 * letter (see {@link dev.vigil.core.notify.DurableDeadLetters}).
 *
 * <p>Alerts are raised on a scorer's call path, so they are sent on {@code executor} (by default a new virtual
 * thread each: there are at most two per budget and period) and a slow receiver never holds a judge call.
 */
public final class BudgetNotifications implements Consumer<BudgetAlert> {

    /** A notification's {@code to} state when a limit is reached or a STOP budget refused a call. */
    public static final String EXHAUSTED = "EXHAUSTED";
    /** A notification's {@code to} state at 80 % of a limit. */
    public static final String WARNING = "WARNING";

    private static final Logger LOG = LoggerFactory.getLogger(BudgetNotifications.class);

    private final AlertOutbox outbox;
    private final Executor executor;

    /**
     * @param outbox where alerts are recorded and from where they are sent
     * @param executor where sends run (their retries wait there)
     */
    public BudgetNotifications(AlertOutbox outbox, Executor executor) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * @param outbox where alerts are recorded and from where they are sent
     * @return notifications sent each on a new virtual thread
     */
    public static BudgetNotifications async(AlertOutbox outbox) {
        return new BudgetNotifications(outbox, r -> Thread.ofVirtual().name("vigil-budget-alert").start(r));
    }

    /**
     * Records the alert in the outbox (if its budget has destinations), then sends it on the executor.
     *
     * @param alert an alert
     * @throws RuntimeException if the store could not record it (the guard leaves the alert mark down)
     */
    @Override
    public void accept(BudgetAlert alert) {
        List<dev.vigil.spi.notify.NotifierConfig> to = alert.budget().destinations();
        if (to.isEmpty()) {
            LOG.warn("{} [alert {}]", alert.describe(), alert.id());
            return;
        }
        if (!outbox.record(notification(alert))) {
            return; // recorded before: sent, or pending for a sender
        }
        LOG.warn("{} [alert {}]", alert.describe(), alert.id());
        try {
            executor.execute(() -> {
                try {
                    outbox.deliver(alert.id());
                } catch (RuntimeException e) {
                    LOG.warn("budget alert {} could not be sent now; the outbox sends it later: {}", alert.id(),
                            e.getClass().getSimpleName());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("budget alert {} is recorded; the outbox sends it later", alert.id());
        }
    }

    /**
     * @param alert an alert
     * @return its notification: subject the budget, from the previous mark (OK, or WARNING after the 80 % alert) to WARNING at 80 %
     *     or EXHAUSTED at 100 %, value
     *     the share of the limit used, sample size the calls counted, window the budget's period
     */
    public static Notification notification(BudgetAlert alert) {
        Budget b = alert.budget();
        BudgetUsage u = alert.usage();
        double used = Math.max(b.maxTokens() > 0 ? (double) u.spentTokens() / b.maxTokens() : 0,
                b.maxNanoUsd() > 0 ? (double) u.spentNanoUsd() / b.maxNanoUsd() : 0);
        String metric = "judge spend of " + (b.scorerName() == null ? "every judge scorer" : "scorer '"
                + b.scorerName() + "'") + " this " + b.period().name().toLowerCase(Locale.ROOT) + ": "
                + BudgetGuard.spend(b, u) + " (action " + b.action().name().toLowerCase(Locale.ROOT) + ")";
        boolean full = alert.percent() >= 100;
        String from = u.alertedPercent() >= 80 ? WARNING : "OK"; // the mark before this alert raised it
        return new Notification(alert.id(), b.experimentId(), b.name(), from,
                full ? EXHAUSTED : WARNING, alert.at(), metric, used, Double.NaN, Double.NaN, u.calls(),
                u.periodStart(), b.period().next(u.periodStart()), List.of(), false, Notification.BUDGET);
    }
}
