package dev.vigil.core.monitor;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.Notifier;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications to the {@link Notifier}s configured on a monitor, looked up by type among those found by
 * {@code ServiceLoader} (or given explicitly). A failing notifier never stops the others nor the evaluation; what
 * could not be delivered after the notifier's last try is kept as a dead letter.
 */
public final class NotificationDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final Map<String, Notifier> notifiers;
    private final NotifierContext context;
    private final List<NotifierContext.DeadLetter> deadLetters = new ArrayList<>();

    /**
     * @param notifiers the notifiers (by type; a later one of the same type wins)
     * @param context the context, whose dead letters are also kept here
     */
    public NotificationDispatcher(List<Notifier> notifiers, NotifierContext context) {
        Map<String, Notifier> byType = new TreeMap<>();
        notifiers.forEach(n -> byType.put(n.type(), n));
        this.notifiers = Map.copyOf(byType);
        this.context = new NotifierContext(context.clock(), context.sleeper(), context.dashboardUrl(), d -> {
            synchronized (deadLetters) {
                deadLetters.add(d);
            }
            context.deadLetters().accept(d);
        });
    }

    /**
     * @param context the context
     * @return a dispatcher with the notifiers found by {@code ServiceLoader} on the module path / class path
     */
    public static NotificationDispatcher loaded(NotifierContext context) {
        List<Notifier> found = new ArrayList<>();
        ServiceLoader.load(Notifier.class, NotificationDispatcher.class.getClassLoader()).forEach(found::add);
        return new NotificationDispatcher(found, context);
    }

    /**
     * @param config a destination
     * @throws InvalidInputException if its type is unknown or its settings are wrong
     */
    public void validate(NotifierConfig config) {
        notifier(config).validate(config);
    }

    private Notifier notifier(NotifierConfig config) {
        Notifier n = notifiers.get(config.type());
        if (n == null) {
            throw new InvalidInputException("unknown notifier type '" + config.type() + "'; available: "
                    + notifiers.keySet());
        }
        return n;
    }

    /**
     * @param notification what to send
     * @param destinations where to
     * @return how many destinations it was delivered to
     */
    public int send(Notification notification, List<NotifierConfig> destinations) {
        int delivered = 0;
        for (NotifierConfig c : destinations) {
            try {
                if (notifier(c).send(notification, c, context)) {
                    delivered++;
                }
            } catch (RuntimeException e) {
                LOG.warn("notifier {} failed for notification {}: {}", c.type(), notification.id(),
                        e.getClass().getSimpleName());
                context.deadLetters().accept(new NotifierContext.DeadLetter(notification, c.type(), 1,
                        e.getClass().getSimpleName()));
            }
        }
        return delivered;
    }

    /** @return the notifications given up on so far, oldest first */
    public List<NotifierContext.DeadLetter> deadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }
}
