package dev.vigil.core.notify;

import dev.vigil.core.monitor.MonitorJson;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alert notifications (budget thresholds, monitor transitions) at least once through the store's
 * {@link NotificationOutbox}: a change is {@linkplain #record recorded} as pending before it is marked as alerted,
 * then {@linkplain #deliver delivered} through the notifiers (with their retries and back-off; what they give up on
 * becomes a dead letter) and marked sent. An engine that crashed between the two leaves the entry pending; any
 * engine's {@link #drain()} (at {@link #start}, then periodically) sends it. One entry per notification id, so a
 * crossing recorded by several engines, or again after a restart, is sent once (twice at most if a sender dies
 * mid-send or outlives its lease: receivers de-duplicate on the id).
 *
 * <p>The destinations are read at send time from the budget or monitor the notification is about (the outbox never
 * holds a URL or key); one deleted meanwhile has nowhere to go, and its entry is marked sent (logged). Thread-safe.
 */
public final class AlertOutbox implements AutoCloseable {

    /** How long a sender holds an entry it took: longer than a notifier's retries may take. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
    /** How often {@link #start} drains the outbox by default. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);
    private static final int PAGE = 100;

    private final Store store;
    private final NotificationDispatcher dispatcher;
    private final InstantSource clock;
    private final Duration lease;
    private ScheduledExecutorService loop;

    /**
     * @param store the store keeping the outbox and the budgets and monitors (their destinations)
     * @param dispatcher the notifiers
     * @param clock the time recorded and the lease clock
     * @param lease how long a sender holds an entry it took (1 second or more)
     */
    public AlertOutbox(Store store, NotificationDispatcher dispatcher, InstantSource clock, Duration lease) {
        this.store = Objects.requireNonNull(store, "store");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the outbox lease must be 1 second or more, got " + lease);
        }
        this.lease = lease;
    }

    /**
     * @param store a store
     * @return true if it keeps an outbox
     */
    public static boolean supported(Store store) {
        try {
            return store.outbox() != null;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Records a notification as pending (nothing if its id is recorded already).
     *
     * @param n the notification
     * @return true if it was new
     * @throws RuntimeException if the store could not record it (the caller must not mark the change alerted)
     */
    public boolean record(Notification n) {
        return store.outbox().record(OutboxEntry.pending(n.id(), n.experimentId(), n.kind(), n.subject(),
                NotificationJson.write(n), clock.instant()));
    }

    /**
     * Sends one pending entry now, if no other sender holds it, and marks it sent.
     *
     * @param id its notification id
     * @return true if this call sent it (or found it had nowhere to go)
     */
    public boolean deliver(String id) {
        Optional<OutboxEntry> e;
        try {
            e = store.outbox().get(id);
        } catch (RuntimeException ex) {
            LOG.warn("notification {} could not be read from the outbox; sent at a later drain: {}", id, ex.toString());
            return false;
        }
        return e.isPresent() && send(e.get());
    }

    /**
     * Sends every entry due now (pending, no live lease), oldest first.
     *
     * @return how many were sent
     */
    public int drain() {
        int sent = 0;
        Instant now = clock.instant();
        List<OutboxEntry> due = store.outbox().due(now, PAGE);
        while (!due.isEmpty()) {
            for (OutboxEntry e : due) {
                if (send(e)) {
                    sent++;
                }
            }
            if (due.size() < PAGE) {
                break;
            }
            due = store.outbox().due(now, PAGE); // those taken are no longer due
        }
        return sent;
    }

    private boolean send(OutboxEntry e) {
        Instant now = clock.instant();
        try {
            if (!e.isPending() || !store.outbox().claim(e.id(), now, now.plus(lease))) {
                return false; // sent already, or another sender holds it
            }
        } catch (RuntimeException ex) {
            LOG.warn("notification {} could not be taken from the outbox; sent at a later drain: {}", e.id(),
                    ex.toString());
            return false;
        }
        Notification n;
        try {
            n = NotificationJson.read(e.body());
        } catch (RuntimeException ex) {
            LOG.error("notification {} in the outbox cannot be read and is dropped: {}", e.id(), ex.getMessage());
            markSent(e);
            return false;
        }
        Optional<List<NotifierConfig>> to = destinations(e);
        if (to.isEmpty()) {
            LOG.warn("notification {} has nowhere to go: {} '{}' no longer exists; dropped", e.id(), e.kind(),
                    e.subject());
        } else {
            dispatcher.send(n, to.get()); // retries inside; what is given up on becomes a dead letter
        }
        markSent(e);
        return true;
    }

    private void markSent(OutboxEntry e) {
        try {
            store.outbox().markSent(e.id(), clock.instant());
        } catch (RuntimeException ex) {
            LOG.warn("notification {} was handled but could not be marked so; it may be sent again after the "
                    + "lease: {}", e.id(), ex.toString());
        }
    }

    /** The destinations of the budget or monitor an entry is about, read now; empty if it is gone. */
    private Optional<List<NotifierConfig>> destinations(OutboxEntry e) {
        if (Notification.BUDGET.equals(e.kind())) {
            return store.budgets().get(e.experimentId(), e.subject()).map(Budget::destinations);
        }
        return store.monitors().latest(e.experimentId(), e.subject())
                .map(m -> MonitorJson.read(m.definitionJson()).destinations());
    }

    /**
     * Drains at once, then every {@code every}, on a background thread; a failing drain is logged and tried again
     * next time. Idempotent.
     *
     * @param every how often (1 second or more)
     * @return this
     */
    public synchronized AlertOutbox start(Duration every) {
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the outbox drain interval must be 1 second or more, got " + every);
        }
        if (loop == null) {
            loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-alert-outbox")
                    .daemon().factory());
            loop.scheduleWithFixedDelay(() -> {
                try {
                    drain();
                } catch (RuntimeException e) {
                    LOG.warn("the alert outbox could not be drained; trying again in {}: {}", every, e.toString());
                }
            }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Stops the background drain; waits briefly for a drain in progress. Pending entries stay for the next start. */
    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.shutdownNow();
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
    }
}
