package dev.vigil.core.budget;

import dev.vigil.core.monitor.NotificationDispatcher;
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
 * (budget, period, threshold), stable across engines and retries, so receivers de-duplicate on it; the store's
 * alert mark makes one engine send it once per threshold and period, also after a restart. A delivery that fails
 * after the notifier's last try becomes a dead letter (see {@link dev.vigil.core.notify.DurableDeadLetters}).
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

    private final NotificationDispatcher dispatcher;
    private final Executor executor;

    /**
     * @param dispatcher the notifiers
     * @param executor where sends run (their retries wait there)
     */
    public BudgetNotifications(NotificationDispatcher dispatcher, Executor executor) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * @param dispatcher the notifiers
     * @return notifications sent each on a new virtual thread
     */
    public static BudgetNotifications async(NotificationDispatcher dispatcher) {
        return new BudgetNotifications(dispatcher, r -> Thread.ofVirtual().name("vigil-budget-alert").start(r));
    }

    @Override
    public void accept(BudgetAlert alert) {
        LOG.warn("{} [alert {}]", alert.describe(), alert.id());
        List<dev.vigil.spi.notify.NotifierConfig> to = alert.budget().destinations();
        if (to.isEmpty()) {
            return;
        }
        Notification n = notification(alert);
        executor.execute(() -> {
            try {
                dispatcher.send(n, to);
            } catch (RuntimeException e) {
                LOG.warn("budget alert {} could not be sent: {}", alert.id(), e.getClass().getSimpleName());
            }
        });
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
