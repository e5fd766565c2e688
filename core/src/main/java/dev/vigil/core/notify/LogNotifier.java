package dev.vigil.core.notify;

import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.Notifier;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes notifications to the log (logger {@code dev.vigil.notifications}, WARN for alerts, INFO otherwise). */
public final class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.notifications");

    @Override
    public String type() {
        return "log";
    }

    @Override
    public void validate(NotifierConfig config) {
        // no settings
    }

    @Override
    public boolean send(Notification n, NotifierConfig config, NotifierContext context) {
        String line = NotificationJson.write(n);
        if (n.to().equals("WARNING") || n.to().equals("CRITICAL") || n.to().equals("EXHAUSTED")) {
            LOG.warn("{} {} {} -> {}: {}", n.kind(), n.subject(), n.from(), n.to(), line);
        } else {
            LOG.info("{} {} {} -> {}: {}", n.kind(), n.subject(), n.from(), n.to(), line);
        }
        return true;
    }
}
