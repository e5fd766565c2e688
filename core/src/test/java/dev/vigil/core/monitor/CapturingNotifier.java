package dev.vigil.core.monitor;

import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.Notifier;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import java.util.ArrayList;
import java.util.List;

/** A notifier that keeps what it is sent, per destination name (setting {@code name}). */
final class CapturingNotifier implements Notifier {
    record Sent(String destination, Notification notification) {}

    final List<Sent> sent = new ArrayList<>();

    @Override
    public String type() {
        return "capture";
    }

    @Override
    public void validate(NotifierConfig config) {
        config.require("name");
    }

    @Override
    public synchronized boolean send(Notification notification, NotifierConfig config, NotifierContext context) {
        sent.add(new Sent(config.require("name"), notification));
        return true;
    }

    synchronized List<Notification> to(String destination) {
        return sent.stream().filter(s -> s.destination().equals(destination)).map(Sent::notification).toList();
    }
}
